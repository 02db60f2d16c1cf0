/** /admin/downstream: downstream playlists, their URLs with tokens, and what they contain. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  downstreamPlaylists,
  rotateDownstreamTokens,
} from "../../common/db/downstream_playlists.ts";
import { getProxy, listProxies } from "../../common/db/proxies.ts";
import { NotFoundError } from "../../common/errors.ts";
import { groupLines, parseGroupLines } from "../../common/output/group_entries.ts";
import {
  DownstreamPlaylist,
  DownstreamPlaylistInput,
  type GroupEntry,
} from "../../common/schemas.ts";
import { errorsOf, IdParam, json } from "../api/_common.ts";
import { Copy } from "../components/Copy.tsx";
import { Field, TextArea } from "../components/Field.tsx";
import { Csrf, page } from "../components/Layout.tsx";
import { Select } from "../components/Select.tsx";
import type { ManagerDeps } from "../deps.ts";
import { DownstreamGroups } from "../islands/DownstreamGroups.tsx";
import { Island } from "../islands/island.tsx";
import { mappedDownstream } from "../services/guides.ts";
import {
  checkDownstreamInput,
  downstreamView,
  downstreamViews,
  joinPort,
  withUrls,
} from "../services/downstream.ts";
import { NameLink } from "../components/NameLink.tsx";
import { redirectWithNotice } from "../notice.ts";
import { defineResource, type FormProps, repositoryOps } from "../resources/define.ts";
import { inputDefaults, nameField } from "../resources/form.ts";

/** Shown wherever a playlist hands out upstream URLs as they are. */
const DIRECT_WARNING =
  "Direct mode: devices get the provider's stream URLs, so their viewers bypass connection " +
  "limits, sessions and Drop.";

/** The choices of the form's selects, [value, label]. */
const STREAM_MODES: [string, string][] = [
  ["proxy", "Through a proxy"],
  ["direct", "Direct"],
];
const FILTER_MODES: [string, string][] = [
  ["any", "contains"],
  ["exact", "is exactly"],
  ["prefix", "starts with"],
  ["suffix", "ends with"],
  ["regex", "matches the regular expression"],
];
const NUMBERINGS: [string, string][] = [
  ["keep", "Keep tvg-chno"],
  ["sequential", "Number in order"],
];

/** The form's fields of a downstream playlist, in their own markup. */
async function DownstreamForm({ deps, values: v, errors: errs }: FormProps) {
  const proxies = await listProxies(deps.kv);
  const filterErrors = Object.entries(errs).filter(([k]) => k.startsWith("excludeFilters"))
    .flatMap(([, m]) => m);
  return (
    <>
      <Field
        label="Name"
        name="name"
        value={v.name}
        errors={errs}
        required
        hint="Part of the playlist URL."
      />
      <Select
        label="Streams"
        name="streamMode"
        value={v.streamMode}
        options={STREAM_MODES}
        hint="A proxy enforces connection limits and can drop a viewer; direct hands out the upstream URLs as they are."
      />
      <label for="f-proxyId">Proxy</label>
      <select id="f-proxyId" name="proxyId">
        <option value="">None</option>
        {proxies.map((p) => (
          <option key={p.id} value={p.id} selected={p.id === v.proxyId}>{p.name}</option>
        ))}
      </select>
      {proxies.length === 0 && (
        <div class="hint">
          No proxies yet: <a href="/admin/proxies/new">add one</a>, or choose direct streams.
        </div>
      )}
      {errs.proxyId && <div class="field-error">{errs.proxyId.join(" ")}</div>}
      <Island
        name="DownstreamGroups"
        component={DownstreamGroups}
        props={{ entries: parseGroupLines(v.groups ?? ""), error: errs.groups?.join(" ") }}
      />
      <noscript>
        <TextArea
          label="Groups, in order"
          name="groups"
          value={v.groups}
          errors={errs}
          hint="One group name a line, matched in every upstream playlist; the playlist lists them in this order."
        />
      </noscript>
      <Select
        label="Exclude channels whose name"
        name="filterMode"
        value={v.filterMode}
        options={FILTER_MODES}
      />
      <TextArea
        label="Exclusion filters"
        name="excludeFilters"
        value={v.excludeFilters}
        hint="One a line; case-insensitive."
      />
      {filterErrors.length > 0 && <div class="field-error">{filterErrors.join(" ")}</div>}
      <Select
        label="Channel numbers"
        name="numbering"
        value={v.numbering}
        options={NUMBERINGS}
        hint="Numbers set as overrides always win; numbering in order counts from the start value."
      />
      <Field
        label="Start value"
        name="numberStart"
        type="number"
        value={v.numberStart}
        errors={errs}
        hint="Used when numbering in order."
      />
      <Field
        label="Guide: days back"
        name="guidePastDays"
        type="number"
        value={v.guidePastDays}
        errors={errs}
      />
      <Field
        label="Guide: days ahead"
        name="guideFutureDays"
        type="number"
        value={v.guideFutureDays}
        errors={errs}
      />
      <label>
        <input type="checkbox" name="enabled" checked={v.enabled === "on"} /> Enabled
      </label>
    </>
  );
}

/** A downstream playlist as pages and the API show it: its URLs and its proxy's name. */
const View = DownstreamPlaylist.extend({
  playlistUrl: z.string(),
  guideUrl: z.string(),
  proxyName: z.string().nullable(),
}).openapi("DownstreamPlaylistView");
type View = z.infer<typeof View>;

/** Adds the proxy names (null: direct, or the proxy is gone). */
async function withProxyNames(deps: ManagerDeps, list: Omit<View, "proxyName">[]): Promise<View[]> {
  const names = new Map((await listProxies(deps.kv)).map((p) => [p.id, p.name]));
  return list.map((p) => ({ ...p, proxyName: names.get(p.proxyId ?? "") ?? null }));
}

/** The downstream playlist resource. */
export const downstreamResource = defineResource({
  noun: "Playlist",
  path: "downstream",
  input: DownstreamPlaylistInput,
  // How the form is parsed; DownstreamForm renders it (and lists the proxies itself).
  fields: [
    nameField("Part of the playlist URL."),
    { name: "streamMode", label: "Streams", kind: "select", options: () => STREAM_MODES },
    { name: "proxyId", label: "Proxy", kind: "select", options: () => [] },
    {
      name: "groups",
      label: "Groups, in order",
      kind: "custom",
      // A line is a bare group name or a JSON pick (upstream playlist, name): the island's field.
      parse: z.string().optional().transform((v) => parseGroupLines(v ?? "")),
      show: (v) => groupLines((v ?? []) as GroupEntry[]),
    },
    {
      name: "filterMode",
      label: "Exclude channels whose name",
      kind: "select",
      options: () => FILTER_MODES,
    },
    { name: "excludeFilters", label: "Exclusion filters", kind: "lines" },
    { name: "numbering", label: "Channel numbers", kind: "select", options: () => NUMBERINGS },
    {
      name: "numberStart",
      label: "Start value",
      kind: "number",
      invalid: "A whole number from 0 to 1000000",
    },
    {
      name: "guidePastDays",
      label: "Guide: days back",
      kind: "number",
      invalid: "A whole number of days from 0 to 30",
    },
    {
      name: "guideFutureDays",
      label: "Guide: days ahead",
      kind: "number",
      invalid: "A whole number of days from 1 to 30",
    },
    { name: "enabled", label: "Enabled", kind: "checkbox" },
  ],
  ops: {
    ...repositoryOps(downstreamPlaylists, checkDownstreamInput),
    list: async (deps) => withProxyNames(deps, await downstreamViews(deps)),
    get: async (deps, id) => {
      const { value, version } = await downstreamView(deps, id);
      return { value: (await withProxyNames(deps, [value]))[0], version };
    },
  },
  pages: {
    title: "Downstream playlists",
    addLabel: "Add playlist",
    empty: "No downstream playlists yet.",
    newTitle: "New downstream playlist",
    editTitle: (v) => `Edit ${v.name || "downstream playlist"}`,
    defaults: () => inputDefaults(DownstreamPlaylistInput),
    form: DownstreamForm,
    deleteInList: false,
    savedPath: (id) => `/admin/downstream/${id}/view`,
    cancelPath: (id) => id ? `/admin/downstream/${id}/view` : "/admin/downstream",
    rowData: (p) => ({ downstream: p.name }),
    columns: [
      {
        head: "Name",
        cell: (p) => (
          <NameLink href={`/admin/downstream/${p.id}/view`} name={p.name} enabled={p.enabled} />
        ),
      },
      {
        head: "Streams",
        cell: (p) =>
          p.streamMode === "direct"
            ? <span class="badge failed" title={DIRECT_WARNING}>direct</span>
            : `via ${p.proxyName ?? "a missing proxy"}`,
      },
      { head: "Groups", cell: (p) => p.groups.length },
      {
        // On a phone the URL is too long for a cell; the view page shows it whole.
        head: "Playlist URL",
        opt: true,
        class: "url",
        cell: (p) => <a href={p.playlistUrl}>{p.playlistUrl}</a>,
      },
    ],
    routes: (app, deps) => {
      app.get("/:id/view", async (c) => {
        const { value: p } = await downstreamView(deps, c.req.param("id"));
        const [channels, proxy] = await Promise.all([
          mappedDownstream(deps, p),
          p.streamMode === "proxy" && p.proxyId
            ? getProxy(deps.kv, p.proxyId).catch((err) => {
              if (err instanceof NotFoundError) return null;
              throw err;
            })
            : null,
        ]);
        const noGuide = channels.filter((r) => !r.match).length;
        // A URL has no spaces to wrap at; without this it runs out of its box on a phone.
        const wrap = "overflow-wrap:anywhere";
        return page(
          c,
          p.name,
          <>
            <div class="card">
              {p.streamMode === "direct" && (
                <p class="error" data-testid="direct-warning">{DIRECT_WARNING}</p>
              )}
              {!p.enabled && (
                <p class="error" data-testid="disabled">
                  Disabled: both URLs answer 404 until you enable the playlist.
                </p>
              )}
              <p data-testid="streams">
                {p.streamMode === "direct"
                  ? "Streams direct: the playlist hands out the upstream URLs."
                  : proxy
                  ? (
                    <>
                      Streams through proxy <a href={`/admin/proxies/${proxy.id}`}>{proxy.name}</a>
                      {" "}
                      at {joinPort(proxy.externalUrl, proxy.externalPort)}.
                    </>
                  )
                  : "Streams through a proxy that no longer exists: choose one under Edit."}
              </p>
              <p>
                <strong>Playlist URL</strong> (give it to the device):
              </p>
              <pre class="copy" style={wrap} id="playlist-url" data-testid="playlist-url">
                {p.playlistUrl}
              </pre>
              <Copy target="playlist-url" what="playlist URL" />
              <p>
                <strong>Guide URL</strong>:
              </p>
              <pre
                class="copy"
                style={wrap}
                id="guide-url"
                data-testid="guide-url"
              >{p.guideUrl}</pre>
              <Copy target="guide-url" what="guide URL" />
              <div class="toolbar">
                <a class="btn secondary" href={`/admin/downstream/${p.id}`}>Edit</a>
                <form method="post" action={`/admin/downstream/${p.id}/rotate`} class="inline">
                  <Csrf c={c} />
                  <button class="secondary" type="submit">
                    New tokens (old URLs stop working)
                  </button>
                </form>
                <form method="post" action={`/admin/downstream/${p.id}/delete`} class="inline">
                  <Csrf c={c} />
                  <button class="danger" type="submit">Delete</button>
                </form>
              </div>
            </div>
            <div class="card">
              <h2>{channels.length} channels</h2>
              <p data-testid="guide-summary">
                {noGuide === 0
                  ? "Every channel has guide data."
                  : `${noGuide} of ${channels.length} channels have no guide data` +
                    " (map them on the channel's page, or give them a tvg-id the guides know)."}
              </p>
              <table>
                <thead>
                  <tr>
                    <th>#</th>
                    <th>Name</th>
                    <th>Group</th>
                    <th class="opt">tvg-id</th>
                    <th>Guide</th>
                  </tr>
                </thead>
                <tbody>
                  {channels.slice(0, 500).map(({ channel: a, match, tvgId }) => (
                    <tr key={a.channel.id} data-guide={match ? match.by : "none"}>
                      <td>{a.number ?? ""}</td>
                      <td>
                        <a href={`/admin/channels/${a.channel.id}`}>{a.name}</a>
                      </td>
                      <td>{a.group}</td>
                      <td class="opt">{tvgId}</td>
                      <td>
                        {match
                          ? <span class="badge ok" title={match.info.id}>by {match.by}</span>
                          : <span class="badge failed">no guide data</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {channels.length > 500 && <p class="muted">First 500 shown.</p>}
            </div>
          </>,
        );
      });

      app.post("/:id/rotate", async (c) => {
        await rotateDownstreamTokens(deps.kv, c.req.param("id"));
        return redirectWithNotice(c, `/admin/downstream/${c.req.param("id")}/view`, {
          notice: "New tokens issued",
        });
      });
    },
  },
  api: {
    path: "/downstream-playlists",
    name: "DownstreamPlaylist",
    tag: "Downstream playlists",
    noun: "downstream playlist",
    view: View,
    routes: (app, deps) => {
      app.openapi(
        createRoute({
          method: "post",
          path: "/downstream-playlists/{id}/rotate-tokens",
          tags: ["Downstream playlists"],
          summary: "Issue new tokens",
          request: { params: IdParam },
          responses: {
            200: json(View, "New URLs; the old ones stop working"),
            ...errorsOf(404, 409),
          },
        }),
        async (c) => {
          const p = await rotateDownstreamTokens(deps.kv, c.req.valid("param").id);
          return c.json((await withProxyNames(deps, [withUrls(deps.config, p)]))[0], 200);
        },
      );
    },
  },
});
