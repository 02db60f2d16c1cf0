/** /admin/channels/:id: a channel as imported, and the admin's overrides of it. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { getGroup } from "../../common/db/groups.ts";
import { getUpstreamPlaylist } from "../../common/db/upstream_playlists.ts";
import { ConflictError, NotFoundError } from "../../common/errors.ts";
import { ChannelOverride } from "../../common/schemas.ts";
import type { ManagerEnv } from "../auth.ts";
import { ChannelStyles } from "../components/channel_styles.tsx";
import { Field, type FieldErrors, fieldErrors } from "../components/Field.tsx";
import { Csrf, page } from "../components/Layout.tsx";
import { playCard } from "../components/Play.tsx";
import type { ManagerDeps } from "../deps.ts";
import { GuideMappingField } from "../islands/GuideMappingField.tsx";
import { Island } from "../islands/island.tsx";
import { Logo } from "../islands/Logo.tsx";
import { channelViewById } from "../services/channel_views.ts";
import { findGuideChannel, nowNext, type ProgrammeView } from "../services/guide_channels.ts";
import { getEpg } from "../../common/db/epgs.ts";
import { getChannelOverride, putChannelOverride } from "../services/overrides.ts";
import { redirectWithNotice } from "../notice.ts";

const OverrideForm = z.object({
  name: z.string().trim().max(500).default(""),
  group: z.string().trim().max(500).default(""),
  number: z.string().trim().regex(/^\d*$/, "A whole number, or empty").default(""),
  tvgId: z.string().trim().max(500).default(""),
  logo: z.string().trim().max(4000).default(""),
  epgId: z.string().trim().max(64).default(""),
  epgChannelId: z.string().trim().max(500).default(""),
}).refine((f) => !f.epgId === !f.epgChannelId, {
  // One half of a mapping maps nothing; saying so beats dropping it without a word.
  path: ["epgChannelId"],
  message: "Give both the guide id and the guide channel id, or neither",
}).transform((f): z.input<typeof ChannelOverride> => ({
  // An empty field keeps the imported value.
  name: f.name || undefined,
  group: f.group || undefined,
  number: f.number ? Number(f.number) : undefined,
  tvgId: f.tvgId || undefined,
  logo: f.logo || undefined,
  epg: f.epgId ? { epgId: f.epgId, channelId: f.epgChannelId } : undefined,
})).pipe(ChannelOverride);

const BY = { manual: "mapped by hand", "tvg-id": "found by tvg-id", name: "found by name" };

/** "20:00–21:00 News" in the configured time zone. */
function programmeLine(p: ProgrammeView | null, timeZone: string): string {
  if (!p) return "nothing in the guide";
  const t = (iso: string) =>
    new Intl.DateTimeFormat("en-GB", { timeZone, timeStyle: "short" }).format(new Date(iso));
  return `${t(p.start)}${p.stop ? `–${t(p.stop)}` : ""} ${p.title || "(no title)"}`;
}

/** Long URLs and attribute values wrap anywhere instead of running out of the card. */
const WRAP = "overflow-wrap:anywhere";

/** Routes of the channel detail page. */
export function channelDetailRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  const show = async (
    c: Context<ManagerEnv>,
    id: string,
    opts: { values?: Record<string, string>; errors?: FieldErrors; conflict?: string } = {},
  ) => {
    const ch = deps.index.get(id);
    if (!ch) throw new NotFoundError(`Channel ${id} was not found`);
    const [versioned, playlist, group, view] = await Promise.all([
      getChannelOverride(deps, id),
      getUpstreamPlaylist(deps.kv, ch.playlistId),
      getGroup(deps.kv, ch.playlistId, ch.groupId),
      channelViewById(deps, id),
    ]);
    const o = versioned.value;
    const play = await playCard(c, deps, id);
    const match = view.guide;
    const v = opts.values ?? {
      name: o.name ?? "",
      group: o.group ?? "",
      number: o.number !== undefined ? String(o.number) : "",
      tvgId: o.tvgId ?? "",
      logo: o.logo ?? "",
      epgId: o.epg?.epgId ?? "",
      epgChannelId: o.epg?.channelId ?? "",
    };
    const [tv, mapped] = await Promise.all([
      match
        ? getEpg(deps.kv, match.epgId).then((epg) =>
          nowNext(deps, { epg, channelId: match.channelId, at: Date.now() })
        )
        : null,
      v.epgId && v.epgChannelId
        ? findGuideChannel(deps, { epgId: v.epgId, channelId: v.epgChannelId })
        : null,
    ]);
    const tz = deps.config.timeZone;
    return page(
      c,
      o.name || ch.name,
      <>
        <ChannelStyles />
        <div class="card channel-head">
          <Logo src={view.logo} name={view.name} size={72} />
          <div class="channel-facts">
            <div class="hint">
              {[
                view.number !== null ? `Number ${view.number}` : "",
                view.tvgId ? `tvg-id ${view.tvgId}` : "no tvg-id",
                ch.enabled ? "enabled" : "disabled",
                view.logo ? "" : o.logo || ch.attrs["tvg-logo"] ? "no cached logo yet" : "no logo",
              ].filter(Boolean).join(" · ")}
            </div>
            <div data-testid="guide-match">
              {match
                ? (
                  <>
                    <div class="guide-cell">
                      <Logo src={match.logo} name={match.name} size={28} />
                      <span class="what">
                        <strong>Guide data: {match.name}</strong>
                        <span class="hint">
                          channel "{match.channelId}" of guide "{match.epgName}", {BY[match.by]}
                        </span>
                      </span>
                    </div>
                    <dl class="facts tv">
                      <dt>On now</dt>
                      <dd data-testid="on-now">{programmeLine(tv?.now ?? null, tz)}</dd>
                      <dt>Next</dt>
                      <dd data-testid="on-next">{programmeLine(tv?.next ?? null, tz)}</dd>
                    </dl>
                  </>
                )
                : (
                  <p>
                    <strong>Guide data:</strong>{" "}
                    none found. Set a tvg-id the guides know, or choose the guide channel below.
                  </p>
                )}
            </div>
          </div>
        </div>
        <div class="card">
          <table>
            <tbody>
              <tr>
                <th>Imported name</th>
                <td>{ch.name}</td>
              </tr>
              <tr>
                <th>Playlist</th>
                <td>{playlist.name}</td>
              </tr>
              <tr>
                <th>Group</th>
                <td>
                  <a href={`/admin/groups/${group.id}`}>{group.name}</a>{" "}
                  <a
                    class="hint"
                    href={`/admin/channels?playlistId=${ch.playlistId}&groupId=${group.id}`}
                  >
                    its channels
                  </a>
                </td>
              </tr>
              <tr>
                <th>Stream URL</th>
                <td style={WRAP}>{ch.url}</td>
              </tr>
              {Object.entries(ch.attrs).map(([k, val]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td style={WRAP}>{val}</td>
                </tr>
              ))}
              <tr>
                <th>State</th>
                <td>
                  {ch.enabled ? "enabled" : "disabled"}
                  {ch.missing ? ", gone upstream" : ""}
                  {ch.keepStatus ? ", status kept" : ""}
                </td>
              </tr>
            </tbody>
          </table>
        </div>
        {play}
        <form method="post" class="card" action={`/admin/channels/${id}`}>
          <h2>Overrides</h2>
          <p class="hint">Empty fields use the imported value. Overrides survive every refresh.</p>
          <Csrf c={c} />
          <input
            type="hidden"
            name="version"
            value={opts.values?.version ?? versioned.version ?? ""}
          />
          <Field label="Display name" name="name" value={v.name} errors={opts.errors} />
          <Field label="Group" name="group" value={v.group} errors={opts.errors} />
          <Field label="Channel number" name="number" value={v.number} errors={opts.errors} />
          <Field label="tvg-id" name="tvgId" value={v.tvgId} errors={opts.errors} />
          <Field label="Logo URL" name="logo" value={v.logo} errors={opts.errors} />
          <Island
            name="GuideMappingField"
            component={GuideMappingField}
            props={{
              channelName: o.name || ch.name,
              mapped: v.epgId && v.epgChannelId
                ? {
                  epgId: v.epgId,
                  channelId: v.epgChannelId,
                  name: mapped?.name ?? null,
                  epgName: mapped?.epgName ?? null,
                  logo: mapped?.logo ?? null,
                }
                : null,
            }}
          />
          <p>
            <button type="submit">Save overrides</button>
          </p>
        </form>
      </>,
      { status: opts.conflict ? 409 : opts.errors ? 422 : 200, error: opts.conflict },
    );
  };
  app.get("/:id", (c) => show(c, c.req.param("id")));
  app.post("/:id", async (c) => {
    const id = c.req.param("id");
    const body = await c.req.parseBody();
    const values = Object.fromEntries(
      Object.entries(body).filter(([, v]) => typeof v === "string"),
    ) as Record<string, string>;
    const o = OverrideForm.safeParse(values);
    if (!o.success) return show(c, id, { values, errors: fieldErrors(o.error) });
    // The version the form was rendered with: a save over someone else's edit is a conflict.
    try {
      await putChannelOverride(deps, id, o.data, values.version || null);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // The form shows what is stored now; the admin makes the change again over it.
      return show(c, id, {
        conflict: "Not saved: someone else changed this channel's overrides meanwhile. The form " +
          "now shows what is stored; make your change again.",
      });
    }
    return redirectWithNotice(c, `/admin/channels/${id}`, { notice: "Overrides saved" });
  });
  return app;
}
