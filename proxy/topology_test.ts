/**
 * The proxy as a process of its own beside the manager on one KV file (`deno task manager` and
 * `deno task proxy`): a drop made through the manager cuts the stream within a second (the proxy
 * polls the shared file), and the slots of a proxy killed with SIGKILL are reclaimed once its
 * heartbeat is stale.
 */
import { equal, ok } from "node:assert/strict";
import { endSessionsOfDeadProxies, listSessions } from "../common/streams/sessions.ts";
import { proxyAlive } from "../common/streams/slots.ts";
import { apiClient, serveLocal, startTestManager, waitFor } from "../testing/harness.ts";
import { startPacketUpstream } from "../testing/proxy_setup.ts";
import { startProxy } from "./server.ts";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test("a proxy process of its own: drops within a second, a killed proxy's slots come back", async () => {
  const up = startPacketUpstream();
  const m = await startTestManager();
  const call = apiClient(m);
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-kv",
      "--unstable-no-legacy-abort",
      new URL("./main.ts", import.meta.url).pathname,
    ],
    env: {
      DATA_DIR: m.config.dataDir,
      SOCKET_ADDRESS: "127.0.0.1",
      INTERNAL_PROXY_PORT: String(port),
      EXTERNAL_PROXY_PORT: String(port),
      PROXY_NAME: "Attic",
      LOG_LEVEL: "warning",
    },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  let killed = false;
  const list = serveLocal(() =>
    new Response(
      `#EXTM3U\n#EXTINF:-1 group-title="Live",One\n${up.base}/ch/1.ts\n#EXTINF:-1 group-title="Live",Two\n${up.base}/ch/2.ts\n`,
    )
  );
  let local: Awaited<ReturnType<typeof startProxy>> | null = null;
  try {
    const p = await call("POST", "/upstream-playlists", {
      name: "P",
      url: list.url,
      maxConnections: 1,
    });
    const run = await call("POST", `/upstream-playlists/${p.body.id}/import`);
    await waitFor(async () => {
      const last = (await call("GET", `/upstream-playlists/${p.body.id}`)).body.lastImport;
      return last?.id === run.body.id && last.status === "ok";
    }, "import");
    const attic = await waitFor(
      async () =>
        (await call("GET", "/proxies")).body.items.find((x: { name: string }) =>
          x.name === "Attic"
        ),
      "the proxy to register",
    );
    const d = await call("POST", "/downstream-playlists", {
      name: "Den",
      proxyId: attic.id,
      groups: ["Live"],
    });
    const text = await (await fetch(
      m.base + new URL(d.body.playlistUrl).pathname + new URL(d.body.playlistUrl).search,
    )).text();
    const urls = text.split("\n").filter((l) => l.startsWith("http")).map((u) =>
      `http://127.0.0.1:${port}${new URL(u).pathname}`
    );
    equal(urls.length, 2);

    // A drop through the manager's API, seen by the other process through the KV file.
    const res = await fetch(urls[0]);
    equal(res.status, 200);
    const id = res.headers.get("x-session-id")!;
    const reader = res.body!.getReader();
    await reader.read();
    const t0 = performance.now();
    equal((await call("DELETE", `/sessions/${id}`)).status, 202);
    try {
      while (!(await reader.read()).done) { /* what was on the way */ }
    } catch { /* cut */ }
    const ms = performance.now() - t0;
    ok(ms < 1000, `the stream ended ${Math.round(ms)} ms after the drop`);
    await waitFor(
      async () =>
        (await listSessions(m.kv, { ended: true }))[0]?.endReason === "dropped by an admin",
      "drop recorded",
    );

    // A viewer on the other proxy holds the only slot; that proxy dies.
    const held = await fetch(urls[1]);
    equal(held.status, 200);
    const heldReader = held.body!.getReader();
    await heldReader.read();
    child.kill("SIGKILL");
    killed = true;
    await child.status;
    await heldReader.cancel().catch(() => undefined);
    local = await startProxy(m.kv, m.config, {
      quiet: true,
      feed: m.deps.feed,
      index: m.deps.index,
      members: m.deps.members,
    });
    const here = (u: string) => u.replace(`:${port}/`, `:${local!.port}/`);
    const refused = await fetch(here(urls[0]));
    equal(refused.status, 503, "the dead proxy's slot still counts while its heartbeat is fresh");
    await refused.body?.cancel();
    const t1 = Date.now();
    const back = await waitFor(
      async () => {
        const r = await fetch(here(urls[0]));
        if (r.status === 200) return r;
        await r.body?.cancel();
        await new Promise((resolve) => setTimeout(resolve, 500));
        return null;
      },
      "the slot to be reclaimed",
      30_000,
    );
    ok(Date.now() - t1 < 25_000);
    await back.body?.cancel();
    // The manager's scheduler ends the sessions the dead proxy left behind.
    await endSessionsOfDeadProxies(m.kv, (name) => proxyAlive(m.kv, name));
    const attics = (await listSessions(m.kv, { ended: true })).filter((x) => x.proxy === "Attic");
    ok(attics.every((x) => x.state === "ended"));
    ok(attics.some((x) => x.endReason === "its proxy stopped responding"));
  } finally {
    if (!killed) {
      child.kill("SIGKILL");
      await child.status;
    }
    await local?.shutdown();
    await list.close();
    await m.close();
    await up.close();
  }
});
