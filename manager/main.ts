/** Runs the manager alone (`deno task manager`). */
import { loadConfig } from "../common/config.ts";
import { openKv } from "../common/db/open_kv.ts";
import { startManager } from "./server.ts";

if (import.meta.main) {
  const config = loadConfig();
  const kv = await openKv(config);
  await startManager(kv, config);
}
