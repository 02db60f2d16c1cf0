/** Attacks on the JSON API's body parsing: malformed JSON and wrong content types. */
import { equal, match, ok } from "node:assert/strict";
import { ADMIN_AUTH, startTestManager } from "../testing/harness.ts";

const opts = {};

/** Collects what the process writes to stderr while `fn` runs (console.error goes there). */
async function capturingErrors(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.error = original;
  }
  return lines;
}

Deno.test(
  "malformed JSON answers 400 and a missing or wrong content type 415, with no stack trace logged",
  opts,
  async () => {
    const m = await startTestManager();
    try {
      const send = async (contentType: string | null, body: string, path = "/user-agents") => {
        const headers: Record<string, string> = { ...ADMIN_AUTH };
        if (contentType) headers["content-type"] = contentType;
        const res = await fetch(`${m.base}/api/v1${path}`, { method: "POST", headers, body });
        return { status: res.status, body: await res.json() };
      };
      const good = '{"name":"a","userAgent":"b"}';
      const logged = await capturingErrors(async () => {
        const broken = await send("application/json", "{bad");
        equal(broken.status, 400);
        equal(broken.body.error, "The request body is not valid JSON");
        equal((await send("application/json", "")).status, 400, "an empty body is not JSON");
        const missing = await send(null, good);
        equal(missing.status, 415);
        match(missing.body.error, /Content-Type: application\/json/);
        ok(typeof missing.body.issues === "object");
        equal((await send("text/plain", good)).status, 415);
        equal((await send("application/x-www-form-urlencoded", "name=a")).status, 415);
        const patch = await fetch(`${m.base}/api/v1/channels/x`, {
          method: "PATCH",
          headers: { ...ADMIN_AUTH, "content-type": "application/json" },
          body: "{",
        });
        equal(patch.status, 400);
        await patch.body?.cancel();
        equal((await send("application/json", good)).status, 201, "a good request still works");
      });
      equal(logged.length, 0, `nothing is logged for a client's mistake: ${logged.join("\n")}`);
    } finally {
      await m.close();
    }
  },
);
