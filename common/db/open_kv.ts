/** Opens Deno KV: a remote KV Connect URL (DENO_KV_URL), Deploy's own KV, or a file in DATA_DIR. */
import type { Config } from "../config.ts";
import { markWatchCrossesProcesses } from "../kv/watch.ts";

/** File name of the KV store inside DATA_DIR (SQLite adds `-wal`, `-shm` beside it). */
export const KV_FILE_NAME = "iptv.kv";

/** Opens the product's KV store; never called at module top level. */
export async function openKv(config: Pick<Config, "dataDir" | "kvUrl">): Promise<Deno.Kv> {
  // KV Connect and Deploy's KV carry watch() across processes; a local file does not.
  if (config.kvUrl) return markRemote(await Deno.openKv(config.kvUrl));
  // On Deno Deploy the file system is read-only and openKv() without a path is the project's KV.
  if (Deno.env.get("DENO_DEPLOYMENT_ID")) return markRemote(await Deno.openKv());
  await Deno.mkdir(config.dataDir, { recursive: true });
  return await Deno.openKv(`${config.dataDir}/${KV_FILE_NAME}`);
}

function markRemote(kv: Deno.Kv): Deno.Kv {
  markWatchCrossesProcesses(kv);
  return kv;
}
