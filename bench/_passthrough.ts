/**
 * The floor of the time-to-first-byte benchmark: the least a Deno proxy can do. It forwards
 * `GET <path>` to the upstream origin given as the first argument and streams the answer back
 * through a pull stream (as ours does, so it can be cut); with a KV file as the second argument
 * it first makes one atomic commit there, as taking a connection slot must. Prints its port.
 *
 *   deno run -A bench/_passthrough.ts http://127.0.0.1:8080 [/tmp/floor.kv]
 */
const [origin, kvPath] = Deno.args;
const kv = kvPath ? await Deno.openKv(kvPath) : null;
const client = Deno.createHttpClient({});
let n = 0;

Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  onListen: ({ port }) => console.log(port),
}, async (req) => {
  const path = new URL(req.url).pathname;
  if (kv) {
    const key = ["slot", n++];
    await kv.atomic().check({ key, versionstamp: null }).set(key, { at: Date.now() }).commit();
  }
  const res = await fetch(origin + path, { client });
  const reader = res.body!.getReader();
  const first = await reader.read();
  let pending: Uint8Array | null = first.done ? null : first.value;
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(ctl) {
        if (pending) {
          ctl.enqueue(pending);
          pending = null;
          return;
        }
        const r = await reader.read();
        if (r.done) ctl.close();
        else ctl.enqueue(r.value);
      },
      cancel: () => reader.cancel(),
    }, { highWaterMark: 0 }),
    { headers: { "content-type": res.headers.get("content-type") ?? "video/mp2t" } },
  );
});
