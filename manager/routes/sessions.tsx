/**
 * /admin/sessions: who watches what now (a live island with Drop), viewing statistics per
 * channel, and one session's page. Drop works from both pages and, without JavaScript, as a form.
 */
import { Hono } from "hono";
import {
  getSession,
  listChannelStats,
  listSessions,
  requestDrop,
} from "../../common/streams/sessions.ts";
import type { ManagerEnv } from "../auth.ts";
import { Csrf, page } from "../components/Layout.tsx";
import type { ManagerDeps } from "../deps.ts";
import { Island } from "../islands/island.tsx";
import { SessionDetail } from "../islands/SessionDetail.tsx";
import { duration, SessionTable, size } from "../islands/SessionTable.tsx";

/** Routes of the sessions pages. */
export function sessionRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();
  app.get("/", async (c) => {
    const [sessions, stats] = await Promise.all([
      listSessions(deps.kv),
      listChannelStats(deps.kv),
    ]);
    const names = new Map<string, string>();
    for (const id of stats.map((s) => s.channelId)) {
      const ch = deps.index.get(id);
      if (ch) names.set(id, ch.name);
    }
    const csrf = c.var.session?.csrfToken ?? "";
    const top = stats.sort((a, b) => b.watchMs - a.watchMs).slice(0, 50);
    return page(
      c,
      "Sessions",
      <>
        <Island name="SessionTable" component={SessionTable} props={{ sessions, csrf }} />
        <h2>Channels watched</h2>
        {top.length === 0
          ? <p class="muted">No channel has been watched yet.</p>
          : (
            <div class="card">
              <table>
                <thead>
                  <tr>
                    <th>Channel</th>
                    <th>Sessions</th>
                    <th>Watched</th>
                    <th class="opt">Sent</th>
                    <th class="opt">Last watched</th>
                    <th>Refused at the limit</th>
                  </tr>
                </thead>
                <tbody>
                  {top.map((s) => (
                    <tr>
                      <td>{names.get(s.channelId) ?? s.channelId}</td>
                      <td>{s.sessions}</td>
                      <td>{duration(new Date(Date.now() - s.watchMs).toISOString())}</td>
                      <td class="opt">{size(s.bytes)}</td>
                      <td class="opt">{s.lastWatchedAt?.slice(0, 16).replace("T", " ") ?? ""}</td>
                      <td>{s.refusals}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
      </>,
    );
  });
  app.get("/:id", async (c) => {
    const s = await getSession(deps.kv, c.req.param("id"));
    const csrf = c.var.session?.csrfToken ?? "";
    return page(
      c,
      `Session: ${s.channelName}`,
      <>
        <Island name="SessionDetail" component={SessionDetail} props={{ session: s, csrf }} />
        <form method="post" action={`/admin/sessions/${s.id}/drop`}>
          <Csrf c={c} />
          <noscript>
            <button type="submit" class="danger">Drop this session</button>
          </noscript>
        </form>
        <a href="/admin/sessions">All sessions</a>
      </>,
    );
  });
  app.post("/:id/drop", async (c) => {
    await requestDrop(deps.kv, c.req.param("id"));
    return c.redirect(`/admin/sessions/${c.req.param("id")}`, 303);
  });
  return app;
}
