/**
 * Upstream playlists: a source of channels with its last import and live progress; a new one
 * is imported on saving the form, and the guides its header names are offered as sources.
 */
import { z } from "@hono/zod-openapi";
import { getUpstreamPlaylist } from "../../common/db/upstream_playlists.ts";
import { ImportRun, UpstreamPlaylist, UpstreamPlaylistInput } from "../../common/schemas.ts";
import { Csrf } from "../components/Layout.tsx";
import { ImportProgress, type RunView } from "../islands/ImportProgress.tsx";
import { Island } from "../islands/island.tsx";
import { redirectWithNotice } from "../notice.ts";
import { defineSource } from "../resources/source.tsx";
import {
  addHeaderGuides,
  createPlaylist,
  offeredGuides,
  type PlaylistCreateOptions,
} from "../services/playlists.ts";
import { PLAYLIST_SOURCE } from "../services/sources.ts";

/** The few fields of a run the progress island needs (its props travel in the page). */
function runView(r: ImportRun): RunView {
  const { id, status, bytes, totalBytes, durationMs, finishedAt, error, counts } = r;
  return { id, status, bytes, totalBytes, durationMs, finishedAt, error, counts };
}

const View = UpstreamPlaylist.extend({
  lastImport: ImportRun.nullable(),
  channelCount: z.number().int(),
}).openapi("UpstreamPlaylistView");

/** The upstream playlist resource. */
export const playlistResource = defineSource({
  source: PLAYLIST_SOURCE,
  noun: "Playlist",
  apiNoun: "upstream playlist",
  path: "playlists",
  input: UpstreamPlaylistInput,
  titles: {
    list: "Upstream playlists",
    add: "Add playlist",
    empty: "No playlists yet.",
    new: "New upstream playlist",
    edit: (name) => `Edit playlist ${name}`,
  },
  urlHint: "An http(s) address of the M3U playlist. Leave empty for a local file.",
  pathHint: (deps) => `A file inside DATA_DIR (${deps.config.dataDir}), e.g. imports/provider.m3u.`,
  fields: [
    {
      name: "excludedGroups",
      label: "Excluded groups",
      kind: "lines",
      hint: "One group-title a line; channels of these groups are not imported.",
    },
    {
      name: "maxConnections",
      label: "Max connections",
      kind: "number",
      hint: "How many streams the provider allows at once (0: no limit).",
    },
  ],
  rowData: (p) => ({ playlist: p.name }),
  progressHead: "Channels and last import",
  progress: (p, deps) => (
    <Island
      name="ImportProgress"
      component={ImportProgress}
      props={{
        playlistId: p.id,
        run: p.lastImport && runView(p.lastImport),
        channelCount: p.channelCount,
        timeZone: deps.config.timeZone,
      }}
    />
  ),
  api: {
    path: "/upstream-playlists",
    name: "UpstreamPlaylist",
    tag: "Upstream playlists",
    view: View,
    run: ImportRun,
    createOptions: {
      import: z.boolean().optional().default(false).openapi({
        description: "Start the first import at once (the admin form always does)",
      }),
    },
  },
  create: async (input, { deps, via, options }) =>
    await createPlaylist(deps, input, { ...options, trigger: via === "form" ? "manual" : "api" }),
  newNote: (
    <p class="hint" data-testid="imports-on-save">
      Saving downloads and imports the playlist at once.
    </p>
  ),
  formOptions: { import: true } as PlaylistCreateOptions,
  aside: async ({ c, deps, id }) => {
    const urls = await offeredGuides(deps, await getUpstreamPlaylist(deps.kv, id));
    if (!urls.length) return null;
    return (
      <form method="post" action={`/admin/playlists/${id}/add-guides`} class="card">
        <Csrf c={c} />
        <p>The playlist's header names {urls.length === 1 ? "a guide" : "guides"}:</p>
        <ul data-testid="header-guides">{urls.map((u) => <li key={u} class="url">{u}</li>)}</ul>
        <button type="submit">
          Add {urls.length === 1 ? "it as a guide source" : `these ${urls.length} as guide sources`}
        </button>
      </form>
    );
  },
  routes: (app, deps) => {
    app.post("/:id/add-guides", async (c) => {
      const added = await addHeaderGuides(deps, c.req.param("id"));
      return redirectWithNotice(c, "/admin/epgs", {
        notice: added.length
          ? `Added ${added.length} ${added.length === 1 ? "guide" : "guides"}; each is imported ` +
            "on its schedule, or now with Download and import now"
          : "Every guide of the header is a source already",
      });
    });
  },
});
