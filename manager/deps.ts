/** What the manager's routes share: the KV handle, the configuration, the change feed, caches. */
import type { Config } from "../common/config.ts";
import { startImport } from "../common/import/playlist_import.ts";
import { startEpgImport } from "../common/import/epg_import.ts";
import { getEpg, listEpgs } from "../common/db/epgs.ts";
import { listUpstreamPlaylists } from "../common/db/upstream_playlists.ts";
import { migrateChannelsToChunks } from "../common/db/channels.ts";
import { ChangeFeed } from "../common/kv/change_feed.ts";
import { listEpgChannels } from "../common/xmltv/store.ts";
import type { EpgImportRun } from "../common/xmltv/schemas.ts";
import type { ImportRun } from "../common/schemas.ts";
import { createLogger, type Logger } from "../common/log.ts";
import { IconCache } from "../common/icons/mod.ts";
import { ChannelIndex } from "../common/db/channel_index.ts";
import { PlaylistMembers } from "../common/output/membership.ts";
import { LoginGuard } from "./login_guard.ts";
import { OutputCache } from "./output/cache.ts";
import { outputKinds } from "./output/outputs.ts";
import { GuideIndexCache } from "./services/guides.ts";

/** Shared state of one manager instance. */
export interface ManagerDeps {
  kv: Deno.Kv;
  config: Config;
  /** The change feed: caches catch up through it; `sync()` before answering a request. */
  feed: ChangeFeed;
  index: ChannelIndex;
  log: Logger;
  /** Password and API token checks, counted in KV before they are made. */
  guard: LoginGuard;
  /** Each enabled downstream playlist's channels, by the proxy's rule; current with the feed. */
  members: PlaylistMembers;
  /** Rendered downstream playlists and guides. */
  output: OutputCache;
  /** The guide channels of every usable guide, for matching. */
  guides: GuideIndexCache;
  /** Channel icons fetched from playlists and guides, served from /manager/icons. */
  icons: IconCache;
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
  /** Work started in the background (imports and what follows them); shutdown awaits it. */
  background: Set<Promise<unknown>>;
  /** Stops the caches and the feed and waits for background work. */
  close(): Promise<void>;
}

/** Builds the manager's shared state, starts the change feed and loads the channel index. */
export async function createManagerDeps(kv: Deno.Kv, config: Config): Promise<ManagerDeps> {
  const log = createLogger(config.logLevel, "manager", config.debug);
  await migrateChannelsToChunks(kv);
  const feed = await new ChangeFeed(kv, {
    onError: (err) => log.error("Change feed", err),
  }).start();
  const index = new ChannelIndex();
  // Subscribed before the load: a change landing during it is applied again afterwards.
  feed.subscribe(["channels"], () => index.refresh(kv));
  await index.load(kv);
  const icons = new IconCache(kv, {
    dataDir: config.dataDir,
    userAgent: config.userAgent,
    iconTimeout: config.iconTimeout,
    allowedHosts: async () => [...config.allowedPrivateHosts, ...await sourceHosts(kv)],
    log,
  });
  feed.subscribe(["icons"], () => icons.reload());
  await icons.load();
  const background = new Set<Promise<unknown>>();
  /** Keeps a background task until it settles; its failure is logged. */
  const own = (what: string, p: Promise<unknown>) => {
    const task = p.catch((err) => log.error(what, err)).finally(() => background.delete(task));
    background.add(task);
  };
  const deps: ManagerDeps = {
    kv,
    config,
    feed,
    index,
    log,
    guard: new LoginGuard(kv, { secretKey: config.secretKey }),
    members: new PlaylistMembers(kv, feed, index),
    output: null as unknown as OutputCache,
    guides: new GuideIndexCache(kv, feed),
    icons,
    background,
    async startImport(playlistId, trigger) {
      const started = await startImport(kv, playlistId, { trigger, settings: config });
      log.info(`Import of playlist ${playlistId} started (${trigger})`);
      own(
        `After the import of playlist ${playlistId}`,
        started.done.then(async (run) => {
          if (run.status !== "ok") return log.warning(run.error ?? "Import failed");
          log.info(
            `Import of playlist ${playlistId} done: ${run.counts.channels} channels in ${run.durationMs} ms`,
          );
          // ICON_CACHE=false publishes the original logo URLs and never contacts their hosts.
          if (!config.iconCache) return;
          await feed.sync();
          await icons.register(index.channelsOf(playlistId).map((c) => c.attrs["tvg-logo"] ?? ""));
        }),
      );
      return started;
    },
    async startEpgImport(epgId, trigger) {
      const started = await startEpgImport(kv, epgId, { trigger, settings: config });
      log.info(`Import of guide ${epgId} started (${trigger})`);
      own(
        `After the import of guide ${epgId}`,
        started.done.then(async (run) => {
          if (run.status !== "ok") return log.warning(run.error ?? "Guide import failed");
          log.info(
            `Import of guide ${epgId} done: ${run.counts.channels} channels, ${run.counts.programmes} programmes in ${run.durationMs} ms`,
          );
          if (config.iconCache) await registerGuideIcons(kv, icons, epgId);
        }),
      );
      return started;
    },
    async close() {
      await deps.output.close();
      await icons.close();
      await Promise.allSettled([...background]);
      await feed.close();
    },
  };
  deps.output = new OutputCache(feed, outputKinds(deps), log);
  return deps;
}

/**
 * The hosts of the source URLs the admin typed (upstream playlists and guides): a LAN provider
 * serves its logos from there, so they may be internal addresses (common/net/outbound.ts).
 */
async function sourceHosts(kv: Deno.Kv): Promise<string[]> {
  const sources = [...await listUpstreamPlaylists(kv), ...await listEpgs(kv)];
  const hosts = new Set<string>();
  for (const s of sources) {
    if (!s.url) continue;
    try {
      hosts.add(new URL(s.url).hostname);
    } catch {
      // Not a URL (the schema refuses those): nothing to allow.
    }
  }
  return [...hosts];
}

/** Queues the channel icons of a freshly imported guide for the icon cache. */
async function registerGuideIcons(kv: Deno.Kv, icons: IconCache, epgId: string): Promise<void> {
  const epg = await getEpg(kv, epgId);
  const channels = await listEpgChannels(kv, epg);
  await icons.register(channels.map((c) => c.icon ?? ""));
}
