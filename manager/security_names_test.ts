/** Names devices load as URL segments: `.` and `..` (and other unreachable names) are refused. */
import { equal, match, ok } from "node:assert/strict";
import { apiClient, Client, startTestManager } from "../testing/harness.ts";

const opts = {};
const UNREACHABLE = [".", "..", "a/b", "a?b", "a#b", "a\\b", "tab\there", "line\nbreak"];

Deno.test(
  "downstream playlist and guide names that cannot be URL segments are refused with a field error",
  opts,
  async () => {
    const m = await startTestManager();
    const call = apiClient(m);
    try {
      for (const name of UNREACHABLE) {
        const d = await call("POST", "/downstream-playlists", { name, streamMode: "direct" });
        equal(d.status, 400, JSON.stringify(name));
        ok(d.body.issues.name, JSON.stringify(d.body));
        const g = await call("POST", "/epgs", { name, url: "http://192.0.2.1/guide.xml" });
        equal(g.status, 400, JSON.stringify(name));
        ok(g.body.issues.name, JSON.stringify(g.body));
      }
      const dots = await call("POST", "/downstream-playlists", {
        name: "..",
        streamMode: "direct",
      });
      match(dots.body.issues.name[0], /cannot be \. or \.\./);
      for (const name of ["...", "a.b", ".tv", "Kitchen TV"]) {
        const d = await call("POST", "/downstream-playlists", { name, streamMode: "direct" });
        equal(d.status, 201, `${name}: ${JSON.stringify(d.body)}`);
      }
      // The form says so next to the field.
      const c = new Client(m.base);
      await c.login("admin", "correct horse battery");
      await c.page("/admin/downstream/new");
      const res = await c.postForm("/admin/downstream", { name: "..", streamMode: "direct" });
      equal(res.status, 422);
      match(await res.text(), /class="field-error"[^>]*>Name cannot be \. or \.\./);
    } finally {
      await m.close();
    }
  },
);
