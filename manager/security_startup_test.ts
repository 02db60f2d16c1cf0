/** What a start says: the default-password message only while the default is in place. */
import { equal, ok } from "node:assert/strict";
import { Client, testConfig } from "../testing/harness.ts";
import { startManager } from "./server.ts";

const opts = {};

/** Starts and stops a manager on `dataDir`, answering what it printed. */
async function startOnce(env: Record<string, string>, dataDir?: string) {
  const config = await testConfig({
    ADMIN_PASSWORD: "",
    ...env,
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
  });
  const kv = await Deno.openKv(`${config.dataDir}/iptv.kv`);
  const printed: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => printed.push(args.map(String).join(" "));
  let m;
  try {
    m = await startManager(kv, config, { scheduler: false });
  } finally {
    console.log = original;
  }
  return {
    printed: printed.join("\n"),
    base: `http://127.0.0.1:${m.port}`,
    dataDir: config.dataDir,
    async stop() {
      await m.shutdown();
      kv.close();
    },
  };
}

Deno.test(
  "the default-password message is printed only while the default password is in place",
  opts,
  async () => {
    const first = await startOnce({});
    try {
      ok(first.printed.includes("still has the default password"), first.printed);
      const c = new Client(first.base);
      await c.login("admin", "password");
      await c.page("/admin/account/password");
      const changed = await c.postForm("/admin/account/password", {
        current: "password",
        password: "a much better secret",
        confirm: "a much better secret",
      });
      equal(changed.status, 303);
    } finally {
      await first.stop();
    }
    const second = await startOnce({}, first.dataDir);
    try {
      ok(!second.printed.includes("default password"), second.printed);
    } finally {
      await second.stop();
    }
    const configured = await startOnce({ ADMIN_PASSWORD: "set from the environment" });
    try {
      ok(!configured.printed.includes("default password"), configured.printed);
    } finally {
      await configured.stop();
      await Deno.remove(first.dataDir, { recursive: true });
      await Deno.remove(configured.dataDir, { recursive: true });
    }
  },
);
