/**
 * Island: the live sessions, refreshed every second without a page load, each with a Drop
 * button that asks the serving proxy to end it (DELETE /api/v1/sessions/{id}).
 */
import { useSignal } from "@preact/signals";
import { usePoll } from "./use_poll.ts";
import { TableHead } from "../components/TableHead.tsx";

/** The fields of a session this island shows. */
export interface SessionRow {
  id: string;
  proxy: string;
  downstreamName: string;
  channelName: string;
  kind: string;
  client: string;
  userAgent: string;
  startedAt: string;
  bytes: number;
  lastActivityAt: string;
}

/** Props: the sessions as rendered, the page's CSRF token. */
export interface SessionTableProps extends Record<string, unknown> {
  sessions: SessionRow[];
  csrf: string;
}

/** "1 h 05 min", "3 min 12 s". */
export function duration(fromIso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(fromIso)) / 1000));
  if (s >= 3600) {
    return `${Math.floor(s / 3600)} h ${String(Math.floor(s / 60) % 60).padStart(2, "0")} min`;
  }
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${s} s`;
}

/** "12.3 MB". */
export function size(bytes: number): string {
  return bytes >= 1073741824
    ? `${(bytes / 1073741824).toFixed(2)} GB`
    : `${(bytes / 1048576).toFixed(1)} MB`;
}

/** The live session table. */
export function SessionTable(props: SessionTableProps) {
  const rows = useSignal<SessionRow[]>(props.sessions);
  const dropping = useSignal<Record<string, boolean>>({});
  usePoll<{ items: SessionRow[] }>("/api/v1/sessions", {
    everyMs: 1000,
    onData: (data) => rows.value = data.items,
  });
  const drop = async (id: string) => {
    dropping.value = { ...dropping.value, [id]: true };
    await fetch(`/api/v1/sessions/${id}`, {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "x-csrf-token": props.csrf },
    });
  };
  if (!rows.value.length) {
    return <p class="muted" data-testid="session-count">Nobody is watching.</p>;
  }
  return (
    <div class="card">
      <p class="muted" data-testid="session-count">
        {rows.value.length} watching now, {size(rows.value.reduce((n, r) => n + r.bytes, 0))} sent
      </p>
      <table>
        <TableHead
          headings={[
            { head: "Channel" },
            { head: "Playlist", opt: true },
            { head: "Client", opt: true },
            { head: "Proxy", opt: true },
            { head: "Watching" },
            { head: "Sent", opt: true },
          ]}
        />
        <tbody>
          {rows.value.map((r) => (
            <tr key={r.id} data-session-id={r.id}>
              <td>
                <a href={`/admin/sessions/${r.id}`}>{r.channelName}</a>
                {r.kind === "hls" && <span class="badge">HLS</span>}
              </td>
              <td class="opt">{r.downstreamName}</td>
              <td class="opt" title={r.userAgent}>{r.client}</td>
              <td class="opt">{r.proxy}</td>
              <td>{duration(r.startedAt)}</td>
              <td class="opt">{size(r.bytes)}</td>
              <td>
                <button
                  type="button"
                  class="small danger"
                  disabled={dropping.value[r.id]}
                  onClick={() => drop(r.id)}
                >
                  {dropping.value[r.id] ? "Dropping…" : "Drop"}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
