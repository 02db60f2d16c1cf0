/** `deno task start`: the manager and the proxy in one process, sharing one KV handle. */
import { ConfigError, loadConfig } from "./common/config.ts";
import { openKv } from "./common/db/open_kv.ts";
import { startManager } from "./manager/server.ts";
import { startProxy } from "./proxy/server.ts";

if (import.meta.main) {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      Deno.exit(2);
    }
    throw err;
  }
  const kv = await openKv(config);
  const manager = await startManager(kv, config);
  // One process: one change feed, channel index and membership cache for both services.
  const { feed, index, members } = manager.deps;
  await startProxy(kv, config, { feed, index, members });
}
