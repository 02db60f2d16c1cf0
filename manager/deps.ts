/** What the manager's routes share: the KV handle, the configuration and the channel index. */
import type { Config } from "../common/config.ts";
import { startImport } from "../common/import/playlist_import.ts";
import { startEpgImport } from "../common/import/epg_import.ts";
import { getEpg } from "../common/db/epgs.ts";
import { migrateChannelsToChunks } from "../common/db/channels.ts";
import { listEpgChannels } from "../common/xmltv/store.ts";
import type { EpgImportRun } from "../common/xmltv/schemas.ts";
import type { ImportRun } from "../common/schemas.ts";
import { createLogger, type Logger } from "../common/log.ts";
import { IconCache } from "../common/icons/mod.ts";
import { LoginThrottle } from "./auth.ts";
import { ChannelIndex } from "./channel_index.ts";
import { OutputCache } from "./output/cache.ts";

/** Shared state of one manager instance. */
export interface ManagerDeps {
  kv: Deno.Kv;
  config: Config;
  index: ChannelIndex;
  log: Logger;
  /** Failed-login slow-down, shared by the login form and HTTP Basic. */
  throttle: LoginThrottle;
  /** Rendered downstream playlists and guides. */
  output: OutputCache;
  /** Channel icons fetched from playlists and guides, served from /manager/icons. */
  icons: IconCache;
  /** Call after any change that a downstream playlist or guide depends on. */
  changed(): void;
  /** Starts an import and answers with the running run; `done` settles when it ends. */
  startImport(
    playlistId: string,
    trigger: ImportRun["trigger"],
  ): Promise<{ run: ImportRun; done: Promise<ImportRun> }>;
  /** Starts a guide (EPG) import and answers with the running run; `done` settles when it ends. */
  startEpgImport(
    epgId: string,
    trigger: EpgImportRun["trigger"],
  ): Promise<{ run: EpgImportRun; done: Promise<EpgImportRun> }>;
}

/** Queues the channel icons of a freshly imported guide for the icon cache. */
async function registerGuideIcons(kv: Deno.Kv, icons: IconCache, epgId: string): Promise<void> {
  const epg = await getEpg(kv, epgId).catch(() => null);
  if (!epg) return;
  const channels = await listEpgChannels(kv, epg);
  await icons.register(channels.map((c) => c.icon ?? ""));
}

/** Builds the manager's shared state and loads the channel index from KV. */
export async function createManagerDeps(kv: Deno.Kv, config: Config): Promise<ManagerDeps> {
  const index = new ChannelIndex();
  const log = createLogger(config.logLevel, "manager", config.debug);
  await migrateChannelsToChunks(kv);
  await index.load(kv);
  const output = new OutputCache();
  const icons = new IconCache(kv, {
    dataDir: config.dataDir,
    userAgent: config.userAgent,
    iconTimeout: config.iconTimeout,
    log,
    onChange: () => output.bump(),
  });
  await icons.load();
  return {
    kv,
    config,
    index,
    log,
    throttle: new LoginThrottle(),
    output,
    icons,
    changed: () => output.bump(),
    async startImport(playlistId, trigger) {
      const started = await startImport(kv, playlistId, {
        trigger,
        settings: config,
        onCompleted: (id, channels, groups) => {
          index.setGroups(groups);
          index.replace(id, channels);
          output.bump();
          // Downloads run in the background; register() never rejects. ICON_CACHE=false
          // publishes the original logo URLs and never contacts their hosts.
          if (config.iconCache) void icons.register(channels.map((c) => c.attrs["tvg-logo"] ?? ""));
        },
      });
      log.info(`Import of playlist ${playlistId} started (${trigger})`);
      started.done.then((run) => {
        if (run.status === "ok") {
          log.info(
            `Import of playlist ${playlistId} done: ${run.counts.channels} channels in ${run.durationMs} ms`,
          );
        } else log.warning(run.error ?? "Import failed");
      });
      return started;
    },
    async startEpgImport(epgId, trigger) {
      const started = await startEpgImport(kv, epgId, {
        trigger,
        settings: config,
        onCompleted: () => output.bump(),
      });
      log.info(`Import of guide ${epgId} started (${trigger})`);
      started.done.then((run) => {
        if (run.status === "ok") {
          log.info(
            `Import of guide ${epgId} done: ${run.counts.channels} channels, ${run.counts.programmes} programmes in ${run.durationMs} ms`,
          );
          if (config.iconCache) void registerGuideIcons(kv, icons, epgId);
        } else log.warning(run.error ?? "Guide import failed");
      });
      return started;
    },
  };
}
