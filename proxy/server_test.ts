import { deepEqual, equal } from "node:assert/strict";
import { createProxy, listProxies, updateProxy } from "../common/db/proxies.ts";
import { testConfig } from "../testing/harness.ts";
import { startProxy } from "./server.ts";

const opts = {};

Deno.test("startProxy() answers /healthz and registers itself under PROXY_NAME", opts, async () => {
  const config = await testConfig({
    PROXY_NAME: "Attic",
    EXTERNAL_PROXY_URL: "http://tv.example",
    EXTERNAL_PROXY_PORT: "9100",
  });
  const kv = await Deno.openKv(":memory:");
  const p = await startProxy(kv, config, { quiet: true });
  try {
    const res = await fetch(`http://127.0.0.1:${p.port}/healthz`);
    equal(res.status, 200);
    deepEqual(await res.json(), { status: "ok", service: "proxy", name: "Attic" });
    // It never fetches what a client names.
    const open = await fetch(`http://127.0.0.1:${p.port}/?url=http://127.0.0.1:${p.port}/healthz`);
    equal(open.status, 404);
    await open.body?.cancel();
    const [reg] = await listProxies(kv);
    equal(reg.name, "Attic");
    equal(reg.source, "registered");
    equal(reg.internalPort, p.port);
    equal(reg.externalUrl, "http://tv.example");
    equal(reg.externalPort, p.port, "with port 0 the real port is the only one that works");
  } finally {
    await p.shutdown();
    kv.close();
  }
});

Deno.test("a proxy restarting keeps an admin's manual addresses", opts, async () => {
  const kv = await Deno.openKv(":memory:");
  const config = await testConfig({ PROXY_NAME: "Den" });
  const manual = await createProxy(kv, {
    name: "Den",
    internalUrl: "http://10.0.0.2",
    internalPort: 8089,
    externalUrl: "http://den.example",
    externalPort: 80,
  });
  await updateProxy(kv, manual.id, { ...manual, externalPort: 8080 });
  const p = await startProxy(kv, config, { quiet: true });
  try {
    const [after] = await listProxies(kv);
    equal(after.id, manual.id);
    equal(after.externalUrl, "http://den.example");
    equal(after.externalPort, 8080);
    equal(typeof after.lastSeenAt, "string");
  } finally {
    await p.shutdown();
    kv.close();
  }
});
