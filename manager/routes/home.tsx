/**
 * /admin: what is going on at a glance. Who watches now (the live session table), sources with
 * their last and next runs and errors, downstream playlists with their URLs and channel counts,
 * proxies online or offline, and how many published channels have no guide data.
 */
import { Hono } from "hono";
import { listProxies } from "../../common/db/proxies.ts";
import { listSessions } from "../../common/streams/sessions.ts";
import { HEARTBEAT_STALE_MS, listHeartbeats } from "../../common/streams/slots.ts";
import type { ManagerEnv } from "../auth.ts";
import { Copy } from "../components/Copy.tsx";
import { formatTime } from "../components/Field.tsx";
import { page } from "../components/Layout.tsx";
import type { ManagerDeps } from "../deps.ts";
import { Island } from "../islands/island.tsx";
import { SessionTable } from "../islands/SessionTable.tsx";
import { downstreamViews } from "../services/downstream.ts";
import { mappedDownstream } from "../services/guides.ts";
import { GUIDE_SOURCE, PLAYLIST_SOURCE, sourceViews } from "../services/sources.ts";

interface SourceRow {
  kind: "Playlist" | "Guide";
  name: string;
  href: string;
  enabled: boolean;
  status: string;
  lastAt: string | null;
  nextAt: string | null;
  error: string | null;
  size: string;
}

/** When a source's next scheduled run is due (null: no schedule). */
function nextRun(
  s: { enabled: boolean; refreshMinutes: number },
  last: { startedAt: string; status: string } | null,
): string | null {
  if (!s.enabled || s.refreshMinutes <= 0) return null;
  if (!last) return new Date().toISOString();
  // A failed run is tried again after a fifth of the interval (the scheduler's rule).
  const wait = last.status === "failed"
    ? Math.max(60_000, (s.refreshMinutes * 60_000) / 5)
    : s.refreshMinutes * 60_000;
  return new Date(Date.parse(last.startedAt) + wait).toISOString();
}

/** Routes of the home page. */
export function homeRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  app.get("/", async (c) => {
    const [playlists, guides, downstreams, proxies, beats, sessions] = await Promise.all([
      sourceViews(deps, PLAYLIST_SOURCE),
      sourceViews(deps, GUIDE_SOURCE),
      downstreamViews(deps),
      listProxies(deps.kv),
      listHeartbeats(deps.kv),
      listSessions(deps.kv),
    ]);
    const tz = deps.config.timeZone;
    const sources: SourceRow[] = [
      ...playlists.map((p) => ({
        kind: "Playlist" as const,
        name: p.name,
        href: `/admin/playlists`,
        enabled: p.enabled,
        status: p.lastImport?.status ?? "never imported",
        lastAt: p.lastImport?.finishedAt ?? p.lastImport?.startedAt ?? null,
        nextAt: nextRun(p, p.lastImport),
        error: p.lastImport?.status === "failed" ? p.lastImport.error : null,
        size: `${p.channelCount} channels`,
      })),
      ...guides.map((g) => ({
        kind: "Guide" as const,
        name: g.name,
        href: `/admin/epgs/${g.id}`,
        enabled: g.enabled,
        status: g.lastImport?.status ?? "never imported",
        lastAt: g.lastImport?.finishedAt ?? g.lastImport?.startedAt ?? null,
        nextAt: nextRun(g, g.lastImport),
        error: g.lastImport?.status === "failed" ? g.lastImport.error : null,
        size: g.lastImport?.status === "ok"
          ? `${g.lastImport.counts.channels} channels, ${g.lastImport.counts.programmes} programmes`
          : "",
      })),
    ];
    const published = await Promise.all(downstreams.map(async (d) => {
      const rows = d.enabled ? await mappedDownstream(deps, d) : [];
      return { d, channels: rows.length, noGuide: rows.filter((r) => !r.match).length };
    }));
    const noGuide = published.reduce((n, p) => n + p.noGuide, 0);
    const csrf = c.var.session?.csrfToken ?? "";
    const online = (name: string) =>
      Date.now() - (beats.get(name.toLowerCase())?.at ?? 0) < HEARTBEAT_STALE_MS;
    return page(
      c,
      "Overview",
      <>
        <h2>Watching now</h2>
        <Island name="SessionTable" component={SessionTable} props={{ sessions, csrf }} />
        <h2>Sources</h2>
        <div class="card">
          {sources.length === 0
            ? (
              <p class="muted">
                No sources yet: <a href="/admin/playlists/new">add a playlist</a>.
              </p>
            )
            : (
              <table>
                <thead>
                  <tr>
                    <th>Source</th>
                    <th>Last run</th>
                    <th class="opt">Next run</th>
                    <th class="opt">Holds</th>
                  </tr>
                </thead>
                <tbody>
                  {sources.map((s) => (
                    <tr data-source={s.name}>
                      <td>
                        <span class="muted">{s.kind}</span> <a href={s.href}>{s.name}</a>
                        {!s.enabled && <span class="badge off">disabled</span>}
                      </td>
                      <td>
                        <span class={`badge ${s.status}`}>{s.status}</span>{" "}
                        {s.lastAt && formatTime(s.lastAt, tz)}
                        {s.error && <div class="field-error">{s.error}</div>}
                      </td>
                      <td class="opt">{s.nextAt ? formatTime(s.nextAt, tz) : "not scheduled"}</td>
                      <td class="opt">{s.size}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
        </div>
        <h2>Downstream playlists</h2>
        <div class="card">
          {published.length === 0
            ? (
              <p class="muted">
                None yet: <a href="/admin/downstream/new">make one</a> for your first device.
              </p>
            )
            : (
              <table>
                <thead>
                  <tr>
                    <th>Playlist</th>
                    <th>Channels</th>
                    <th class="opt">Playlist URL</th>
                    <th class="opt">Guide URL</th>
                  </tr>
                </thead>
                <tbody>
                  {published.map(({ d, channels, noGuide }) => (
                    <tr>
                      <td>
                        <a href={`/admin/downstream/${d.id}/view`}>{d.name}</a>
                        {!d.enabled && <span class="badge off">disabled</span>}
                        {d.streamMode === "direct" && <span class="badge failed">direct</span>}
                      </td>
                      <td>
                        {channels}
                        {noGuide > 0 && <div class="hint">{noGuide} without guide data</div>}
                      </td>
                      <td class="url opt">
                        <div class="copy-row">
                          <input
                            readonly
                            id={`playlist-url-${d.id}`}
                            value={d.playlistUrl}
                            aria-label={`${d.name} playlist URL`}
                          />
                          <Copy target={`playlist-url-${d.id}`} what={`${d.name} playlist URL`} />
                        </div>
                      </td>
                      <td class="url opt">
                        <div class="copy-row">
                          <input
                            readonly
                            id={`guide-url-${d.id}`}
                            value={d.guideUrl}
                            aria-label={`${d.name} guide URL`}
                          />
                          <Copy target={`guide-url-${d.id}`} what={`${d.name} guide URL`} />
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          {noGuide > 0 && (
            <p class="hint" data-testid="no-guide">
              {noGuide} published channels have no guide data: map them on their channel page.
            </p>
          )}
        </div>
        <h2>Proxies</h2>
        <div class="card">
          {proxies.length === 0 ? <p class="muted">No proxy has registered yet.</p> : (
            <ul>
              {proxies.map((p) => (
                <li>
                  <a href={`/admin/proxies/${p.id}`}>{p.name}</a> {online(p.name)
                    ? <span class="badge ok">online</span>
                    : <span class="badge off">offline</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      </>,
    );
  });
  return app;
}
