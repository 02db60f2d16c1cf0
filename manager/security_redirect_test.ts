/** Attacks on the redirect after login: every known way to leave the site through `next`. */
import { equal } from "node:assert/strict";
import { Client, startTestManager } from "../testing/harness.ts";
import { safeNext } from "./safe_next.ts";

const opts = {};
const ORIGIN = "http://tv.example:8088";

/** Values of `next` as the server sees them (already percent-decoded once). */
const BYPASSES = [
  "//x",
  "//evil.example/",
  "/\\x",
  "/\\/x",
  "\\/x",
  "\\\\x",
  "/\t/x",
  "/\t/evil.host/x",
  "/\n/x",
  "/\r\n/x",
  "/x\r\nSet-Cookie: a=b",
  "https:x",
  "https://evil.example/",
  "http:/x",
  "javascript:alert(1)",
  "x",
  "evil.example",
  "/ /\\x".replace(" ", "\u0000"),
  "/\u0085/x",
  "",
];

Deno.test("safeNext() sends every known bypass to /admin", () => {
  for (const next of BYPASSES) equal(safeNext(next, ORIGIN), "/admin", JSON.stringify(next));
  equal(safeNext(undefined, ORIGIN), "/admin");
  equal(safeNext("/" + "a".repeat(3000), ORIGIN), "/admin");
});

Deno.test("safeNext() keeps a path of this site with its query and fragment", () => {
  equal(
    safeNext("/admin/channels?q=a%20b&page=2#top", ORIGIN),
    "/admin/channels?q=a%20b&page=2#top",
  );
  equal(safeNext("/admin/../admin/groups", ORIGIN), "/admin/groups");
  // Still encoded once more: a path of ours, not another host.
  equal(safeNext("/%2F%2Fx", ORIGIN), "/%2F%2Fx");
});

Deno.test(
  "the login form never redirects off the site, whatever next says in the query or the form",
  opts,
  async () => {
    const m = await startTestManager();
    try {
      // As raw query strings: the browser's encoding of each attack.
      const rawQueries = [
        "//x",
        "/%5Cx",
        "/%09/x",
        "/%09/evil.host/x",
        "%5C/x",
        "https:x",
        "/%0D%0ASet-Cookie:%20a=b",
        "/%0A/x",
        "%2F%2Fx",
        "%2F%2Fevil.example%2F",
      ];
      for (const raw of rawQueries) {
        const c = new Client(m.base);
        const { res, html } = await c.page(`/login?next=${raw}`);
        equal(res.status, 200, raw);
        const shown = /name="next" value="([^"]*)"/.exec(html)![1];
        equal(shown, "/admin", `GET /login?next=${raw} renders next as ${shown}`);
      }
      for (const next of [...BYPASSES, "%2F%2Fx"]) {
        const c = new Client(m.base);
        await c.page("/login");
        const res = await c.postForm("/login", {
          username: "admin",
          password: "correct horse battery",
          next,
        });
        await res.body?.cancel();
        equal(res.status, 303, JSON.stringify(next));
        equal(res.headers.get("location"), "/admin", JSON.stringify(next));
      }
      const c = new Client(m.base);
      await c.page("/login");
      const good = await c.postForm("/login", {
        username: "admin",
        password: "correct horse battery",
        next: "/admin/channels?q=News",
      });
      equal(good.headers.get("location"), "/admin/channels?q=News");
    } finally {
      await m.close();
    }
  },
);
