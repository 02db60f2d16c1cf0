/** Runs the proxy alone (`deno task proxy`). */
import { loadConfig } from "../common/config.ts";
import { openKv } from "../common/db/open_kv.ts";
import { startProxy } from "./server.ts";

if (import.meta.main) {
  const config = loadConfig();
  const kv = await openKv(config);
  await startProxy(kv, config);
}
