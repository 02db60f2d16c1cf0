/**
 * What upstream playlists do beyond a source: a new one is imported when the form (or an API
 * caller asking for it) saves it, and the guides its header names become guide sources.
 */
import { ConflictError } from "../../common/errors.ts";
import { epgs } from "../../common/db/epgs.ts";
import { upstreamPlaylists } from "../../common/db/upstream_playlists.ts";
import type { UpstreamPlaylist, UpstreamPlaylistInput } from "../../common/schemas.ts";
import type { Epg } from "../../common/xmltv/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import { checkSourceInput } from "./sources.ts";

export { lastRun } from "./sources.ts";

/** Options of a new playlist: import it at once (the form does; the API when asked). */
export interface PlaylistCreateOptions {
  import?: boolean;
}

/**
 * Creates a playlist after checking its input, and starts its first import when asked. A
 * restore writes through the repository and never imports.
 */
export async function createPlaylist(
  deps: ManagerDeps,
  input: UpstreamPlaylistInput,
  opts: PlaylistCreateOptions & { trigger: "manual" | "api" },
): Promise<UpstreamPlaylist> {
  await checkSourceInput(deps, input);
  const p = await upstreamPlaylists.create(deps.kv, input);
  if (opts.import && p.enabled) await deps.startImport(p.id, opts.trigger);
  return p;
}

/**
 * The guide URLs a playlist's #EXTM3U header names: `url-tvg`, `x-tvg-url` (and `tvg-url`),
 * each a comma-separated list; http(s) only, each once.
 */
export function headerGuideUrls(p: Pick<UpstreamPlaylist, "headerAttrs">): string[] {
  const urls = new Set<string>();
  for (const attr of ["url-tvg", "x-tvg-url", "tvg-url"]) {
    for (const part of (p.headerAttrs[attr] ?? "").split(",")) {
      const u = part.trim();
      if (/^https?:\/\/[^\s]+$/i.test(u) && URL.canParse(u)) urls.add(u);
    }
  }
  return [...urls];
}

/** The header's guide URLs that no guide source has yet. */
export async function offeredGuides(deps: ManagerDeps, p: UpstreamPlaylist): Promise<string[]> {
  const have = new Set((await epgs.list(deps.kv)).map((g) => g.url));
  return headerGuideUrls(p).filter((u) => !have.has(u));
}

/**
 * Adds the header's guides that are not sources yet as guide sources named after the playlist
 * ("Provider guide", "Provider guide 2"). They are not imported here: a header may name a
 * hundred guides; the scheduler imports a new guide on its next tick.
 */
export async function addHeaderGuides(deps: ManagerDeps, playlistId: string): Promise<Epg[]> {
  const p = await upstreamPlaylists.get(deps.kv, playlistId);
  const added: Epg[] = [];
  // A guide's name is a segment of its URL: no / ? # \ or control characters.
  // deno-lint-ignore no-control-regex -- control characters are what is replaced
  const stem = `${p.name.replace(/[/?#\\\u0000-\u001f\u007f]+/g, " ").trim()} guide`.slice(0, 90);
  for (const url of await offeredGuides(deps, p)) {
    for (let n = 1;; n++) {
      try {
        const name = n === 1 ? stem : `${stem} ${n}`;
        added.push(
          await epgs.create(deps.kv, {
            name,
            url,
            path: "",
            userAgentId: p.userAgentId,
            refreshMinutes: 1440,
            enabled: true,
          }),
        );
        break;
      } catch (err) {
        // Only a taken name is tried again, with the next number.
        if (!(err instanceof ConflictError) || n >= 50) throw err;
      }
    }
  }
  return added;
}
