/** Opens Deno KV: a remote KV Connect URL (DENO_KV_URL) or a file inside DATA_DIR. */
import type { Config } from "../config.ts";

/** Opens the product's KV store; never called at module top level. */
export async function openKv(config: Pick<Config, "dataDir" | "kvUrl">): Promise<Deno.Kv> {
  if (config.kvUrl) return await Deno.openKv(config.kvUrl);
  await Deno.mkdir(config.dataDir, { recursive: true });
  return await Deno.openKv(`${config.dataDir}/iptv.kv`);
}
