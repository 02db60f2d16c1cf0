/** /admin/channels/:id: a channel as imported, and the admin's overrides of it. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { getGroup } from "../../common/db/groups.ts";
import { getUpstreamPlaylist } from "../../common/db/upstream_playlists.ts";
import { NotFoundError } from "../../common/errors.ts";
import { ChannelOverride } from "../../common/schemas.ts";
import type { ManagerEnv } from "../auth.ts";
import { Field, type FieldErrors, fieldErrors } from "../components/Field.tsx";
import { Csrf, page } from "../components/Layout.tsx";
import { playCard } from "../components/Play.tsx";
import type { ManagerDeps } from "../deps.ts";
import { matchGuide } from "../output/guide_map.ts";
import { guideIndex } from "../services/guides.ts";
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
});

/** Long URLs and attribute values wrap anywhere instead of running out of the card. */
const WRAP = "overflow-wrap:anywhere";

/** Routes of the channel detail page. */
export function channelDetailRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  const show = async (
    c: Context<ManagerEnv>,
    id: string,
    opts: { values?: Record<string, string>; errors?: FieldErrors } = {},
  ) => {
    const ch = deps.index.get(id);
    if (!ch) throw new NotFoundError(`Channel ${id} was not found`);
    const [versioned, playlist, group, guides] = await Promise.all([
      getChannelOverride(deps, id),
      getUpstreamPlaylist(deps.kv, ch.playlistId),
      getGroup(deps.kv, ch.playlistId, ch.groupId),
      guideIndex(deps),
    ]);
    const o = versioned.value;
    const play = await playCard(c, deps, id);
    const match = matchGuide(guides, {
      channel: ch,
      name: o.name || ch.name,
      group: o.group || group.name,
      number: o.number ?? null,
      tvgId: o.tvgId || ch.attrs["tvg-id"] || "",
      logo: o.logo || ch.attrs["tvg-logo"] || "",
      override: o,
    });
    const v = opts.values ?? {
      name: o.name ?? "",
      group: o.group ?? "",
      number: o.number !== undefined ? String(o.number) : "",
      tvgId: o.tvgId ?? "",
      logo: o.logo ?? "",
      epgId: o.epg?.epgId ?? "",
      epgChannelId: o.epg?.channelId ?? "",
    };
    return page(
      c,
      o.name || ch.name,
      <>
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
        <div class="card" data-testid="guide-match">
          <strong>Guide data:</strong>{" "}
          {match
            ? `channel "${match.info.id}" of guide "${match.epg.name}" (found by ${match.by})`
            : "none found. Set a tvg-id the guides know, or map it below by guide id and channel id."}
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
          <Field
            label="Guide id"
            name="epgId"
            value={v.epgId}
            errors={opts.errors}
            hint="Manual guide mapping: the guide's id and the channel id inside it."
          />
          <Field
            label="Guide channel id"
            name="epgChannelId"
            value={v.epgChannelId}
            errors={opts.errors}
          />
          <p>
            <button type="submit">Save overrides</button>
          </p>
        </form>
      </>,
      { status: opts.errors ? 422 : 200 },
    );
  };
  app.get("/:id", (c) => show(c, c.req.param("id")));
  app.post("/:id", async (c) => {
    const id = c.req.param("id");
    const body = await c.req.parseBody();
    const values = Object.fromEntries(
      Object.entries(body).filter(([, v]) => typeof v === "string"),
    ) as Record<string, string>;
    const f = OverrideForm.safeParse(values);
    if (!f.success) return show(c, id, { values, errors: fieldErrors(f.error) });
    const o = ChannelOverride.safeParse({
      name: f.data.name || undefined,
      group: f.data.group || undefined,
      number: f.data.number ? Number(f.data.number) : undefined,
      tvgId: f.data.tvgId || undefined,
      logo: f.data.logo || undefined,
      epg: f.data.epgId && f.data.epgChannelId
        ? { epgId: f.data.epgId, channelId: f.data.epgChannelId }
        : undefined,
    });
    if (!o.success) return show(c, id, { values, errors: fieldErrors(o.error) });
    // The version the form was rendered with: a save over someone else's edit is a conflict.
    await putChannelOverride(deps, id, o.data, values.version || null);
    return redirectWithNotice(c, `/admin/channels/${id}`, { notice: "Overrides saved" });
  });
  return app;
}
