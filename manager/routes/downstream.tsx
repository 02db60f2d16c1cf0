/** /admin/downstream: downstream playlists, their URLs with tokens, and what they contain. */
import { type Context, Hono } from "hono";
import { getProxy, listProxies } from "../../common/db/proxies.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../common/errors.ts";
import { DownstreamPlaylistInput } from "../../common/schemas.ts";
import { groupLines, parseGroupLines } from "../../common/output/group_entries.ts";
import type { ManagerEnv } from "../auth.ts";
import { Field, type FieldErrors, fieldErrors, TextArea } from "../components/Field.tsx";
import { Csrf, page } from "../components/Layout.tsx";
import { Copy } from "../components/Copy.tsx";
import { DownstreamGroups } from "../islands/DownstreamGroups.tsx";
import { Island } from "../islands/island.tsx";
import type { ManagerDeps } from "../deps.ts";
import { mappedDownstream } from "../services/guides.ts";
import {
  downstreamViewById,
  downstreamViews,
  joinPort,
  removeDownstream,
  rotateTokens,
  saveDownstream,
} from "../services/downstream.ts";
import { redirectWithNotice } from "../notice.ts";

type Values = Record<string, string>;

function lines(v: unknown): string[] {
  return typeof v === "string" ? v.split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : [];
}

function toInput(body: Record<string, unknown>) {
  const s = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : "");
  const n = (k: string, d: number) => (s(k).trim() === "" ? d : Number(s(k)));
  return {
    name: s("name"),
    proxyId: s("proxyId") || null,
    groups: parseGroupLines(typeof body.groups === "string" ? body.groups : ""),
    excludeFilters: lines(body.excludeFilters),
    filterMode: s("filterMode") || "any",
    numbering: s("numbering") || "keep",
    numberStart: n("numberStart", 1),
    streamMode: s("streamMode") || "proxy",
    guidePastDays: n("guidePastDays", 1),
    guideFutureDays: n("guideFutureDays", 7),
    enabled: s("enabled") === "on",
  };
}

/** Shown wherever a playlist hands out upstream URLs as they are. */
const DIRECT_WARNING =
  "Direct mode: devices get the provider's stream URLs, so their viewers bypass connection " +
  "limits, sessions and Drop.";

/** What a number field takes, said instead of zod's "expected number, received NaN". */
const NUMBER_RULES: Record<string, string> = {
  numberStart: "A whole number from 0 to 1000000",
  guidePastDays: "A whole number of days from 0 to 30",
  guideFutureDays: "A whole number of days from 1 to 30",
};

/** One message a field (an empty name breaks two rules; saying both reads oddly). */
function readableErrors(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(
    Object.entries(errors).map((
      [k, m],
    ) => [k, k === "excludeFilters" ? m : [NUMBER_RULES[k] ?? m[0]]]),
  );
}

function Select(
  props: { label: string; name: string; value: string; options: [string, string][]; hint?: string },
) {
  return (
    <div>
      <label for={`f-${props.name}`}>{props.label}</label>
      <select id={`f-${props.name}`} name={props.name}>
        {props.options.map(([v, l]) => (
          <option key={v} value={v} selected={v === props.value}>{l}</option>
        ))}
      </select>
      {props.hint && <div class="hint">{props.hint}</div>}
    </div>
  );
}

/** Routes of the downstream playlist pages. */
export function downstreamRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  const form = async (
    c: Context<ManagerEnv>,
    opts: { id?: string; values: Values; errors?: FieldErrors; error?: string },
  ) => {
    const proxies = await listProxies(deps.kv);
    const v = opts.values;
    const errs = opts.errors ?? {};
    const filterErrors = Object.entries(errs).filter(([k]) => k.startsWith("excludeFilters"))
      .flatMap(([, m]) => m);
    return page(
      c,
      opts.id ? `Edit ${v.name || "downstream playlist"}` : "New downstream playlist",
      <form
        method="post"
        class="card"
        action={opts.id ? `/admin/downstream/${opts.id}` : "/admin/downstream"}
      >
        <Csrf c={c} />
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
          options={[
            ["proxy", "Through a proxy"],
            ["direct", "Direct"],
          ]}
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
          options={[
            ["any", "contains"],
            ["exact", "is exactly"],
            ["prefix", "starts with"],
            ["suffix", "ends with"],
            ["regex", "matches the regular expression"],
          ]}
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
          options={[
            ["keep", "Keep tvg-chno"],
            ["sequential", "Number in order"],
          ]}
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
        <p>
          <button type="submit">Save</button>{" "}
          <a href={opts.id ? `/admin/downstream/${opts.id}/view` : "/admin/downstream"}>Cancel</a>
        </p>
      </form>,
      { status: opts.errors || opts.error ? 422 : 200, error: opts.error },
    );
  };

  app.get("/", async (c) => {
    const [list, proxies] = await Promise.all([downstreamViews(deps), listProxies(deps.kv)]);
    const proxyNames = new Map(proxies.map((p) => [p.id, p.name]));
    return page(
      c,
      "Downstream playlists",
      <>
        <div class="toolbar">
          <a class="btn" href="/admin/downstream/new">Add playlist</a>
        </div>
        <div class="card">
          {list.length === 0 ? <p class="muted">No downstream playlists yet.</p> : (
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Streams</th>
                  <th>Groups</th>
                  <th class="opt">Playlist URL</th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <tr data-downstream={p.name}>
                    <td>
                      <a href={`/admin/downstream/${p.id}/view`}>{p.name}</a>
                      {!p.enabled && (
                        <>
                          {" "}
                          <span class="badge off">disabled</span>
                        </>
                      )}
                    </td>
                    <td>
                      {p.streamMode === "direct"
                        ? <span class="badge failed" title={DIRECT_WARNING}>direct</span>
                        : `via ${proxyNames.get(p.proxyId ?? "") ?? "a missing proxy"}`}
                    </td>
                    <td>{p.groups.length}</td>
                    {/* On a phone the URL is too long for a cell; the view page shows it whole. */}
                    <td class="url opt">
                      <a href={p.playlistUrl}>{p.playlistUrl}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </>,
    );
  });
  app.get("/new", (c) =>
    form(c, {
      values: {
        streamMode: "proxy",
        filterMode: "any",
        numbering: "keep",
        numberStart: "1",
        guidePastDays: "1",
        guideFutureDays: "7",
        enabled: "on",
      },
    }));
  app.get("/:id/view", async (c) => {
    const p = await downstreamViewById(deps, c.req.param("id"));
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
                  Streams through proxy <a href={`/admin/proxies/${proxy.id}`}>{proxy.name}</a> at
                  {" "}
                  {joinPort(proxy.externalUrl, proxy.externalPort)}.
                </>
              )
              : "Streams through a proxy that no longer exists: choose one under Edit."}
          </p>
          <p>
            <strong>Playlist URL</strong> (give it to the device):
          </p>
          <pre
            class="copy"
            style={wrap}
            id="playlist-url"
            data-testid="playlist-url"
          >{p.playlistUrl}</pre>
          <Copy target="playlist-url" what="playlist URL" />
          <p>
            <strong>Guide URL</strong>:
          </p>
          <pre class="copy" style={wrap} id="guide-url" data-testid="guide-url">{p.guideUrl}</pre>
          <Copy target="guide-url" what="guide URL" />
          <div class="toolbar">
            <a class="btn secondary" href={`/admin/downstream/${p.id}`}>Edit</a>
            <form method="post" action={`/admin/downstream/${p.id}/rotate`} class="inline">
              <Csrf c={c} />
              <button class="secondary" type="submit">New tokens (old URLs stop working)</button>
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
  app.get("/:id", async (c) => {
    const p = await downstreamViewById(deps, c.req.param("id"));
    return form(c, {
      id: p.id,
      values: {
        name: p.name,
        proxyId: p.proxyId ?? "",
        groups: groupLines(p.groups),
        excludeFilters: p.excludeFilters.join("\n"),
        filterMode: p.filterMode,
        numbering: p.numbering,
        numberStart: String(p.numberStart),
        streamMode: p.streamMode,
        guidePastDays: String(p.guidePastDays),
        guideFutureDays: String(p.guideFutureDays),
        enabled: p.enabled ? "on" : "",
      },
    });
  });
  const save = async (c: Context<ManagerEnv>, id?: string) => {
    const body = await c.req.parseBody();
    const values = Object.fromEntries(
      Object.entries(body).filter(([, v]) => typeof v === "string"),
    ) as Values;
    const parsed = DownstreamPlaylistInput.safeParse(toInput(body));
    if (!parsed.success) {
      return form(c, { id, values, errors: readableErrors(fieldErrors(parsed.error)) });
    }
    let savedId: string;
    try {
      savedId = (await saveDownstream(deps, id ?? null, parsed.data)).id;
    } catch (err) {
      if (err instanceof ValidationError) return form(c, { id, values, errors: err.issues });
      if (err instanceof ConflictError) return form(c, { id, values, error: err.message });
      throw err;
    }
    return redirectWithNotice(c, `/admin/downstream/${savedId}/view`, { notice: "Playlist saved" });
  };
  app.post("/", (c) => save(c));
  app.post("/:id", (c) => save(c, c.req.param("id")));
  app.post("/:id/rotate", async (c) => {
    await rotateTokens(deps, c.req.param("id"));
    return redirectWithNotice(c, `/admin/downstream/${c.req.param("id")}/view`, {
      notice: "New tokens issued",
    });
  });
  app.post("/:id/delete", async (c) => {
    await removeDownstream(deps, c.req.param("id"));
    return redirectWithNotice(c, "/admin/downstream", { notice: "Playlist deleted" });
  });
  return app;
}
