/** What the manager's routes share: the KV handle, the configuration and the channel index. */
import type { Config } from "../common/config.ts";
import { startImport } from "../common/import/playlist_import.ts";
import type { ImportRun } from "../common/schemas.ts";
import { LoginThrottle } from "./auth.ts";
import { ChannelIndex } from "./channel_index.ts";

/** Shared state of one manager instance. */
export interface ManagerDeps {
  kv: Deno.Kv;
  config: Config;
  index: ChannelIndex;
  /** Failed-login slow-down, shared by the login form and HTTP Basic. */
  throttle: LoginThrottle;
  /** Starts an import and answers with the running run; `done` settles when it ends. */
  startImport(
    playlistId: string,
    trigger: ImportRun["trigger"],
  ): Promise<{ run: ImportRun; done: Promise<ImportRun> }>;
}

/** Builds the manager's shared state and loads the channel index from KV. */
export async function createManagerDeps(kv: Deno.Kv, config: Config): Promise<ManagerDeps> {
  const index = new ChannelIndex();
  await index.load(kv);
  return {
    kv,
    config,
    index,
    throttle: new LoginThrottle(),
    startImport: (playlistId, trigger) =>
      startImport(kv, playlistId, {
        trigger,
        settings: config,
        onCompleted: (id, channels, groups) => {
          index.setGroups(groups);
          index.replace(id, channels);
        },
      }),
  };
}
