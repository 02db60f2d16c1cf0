/** Island: one session, refreshed every second, with its Drop button. */
import { useSignal } from "@preact/signals";
import { usePoll } from "./use_poll.ts";
import { duration, type SessionRow, size } from "./SessionTable.tsx";

/** A session as the detail page shows it. */
export interface SessionDetailRow extends SessionRow {
  state: "live" | "ended";
  endedAt: string | null;
  endReason: string | null;
}

/** Props: the session as rendered, the page's CSRF token. */
export interface SessionDetailProps extends Record<string, unknown> {
  session: SessionDetailRow;
  csrf: string;
}

/** The session's details. */
export function SessionDetail(props: SessionDetailProps) {
  const s = useSignal<SessionDetailRow>(props.session);
  const asked = useSignal(false);
  usePoll<SessionDetailRow>(`/api/v1/sessions/${props.session.id}`, {
    everyMs: 1000,
    active: s.value.state === "live",
    onData: (data) => s.value = data,
  });
  const v = s.value;
  const drop = async () => {
    asked.value = true;
    await fetch(`/api/v1/sessions/${v.id}`, {
      method: "DELETE",
      credentials: "same-origin",
      headers: { "x-csrf-token": props.csrf },
    });
  };
  return (
    <div class="card" data-state={v.state}>
      <dl class="facts">
        <dt>Channel</dt>
        <dd>{v.channelName}</dd>
        <dt>Playlist</dt>
        <dd>{v.downstreamName}</dd>
        <dt>Client</dt>
        <dd>{v.client}</dd>
        <dt>User agent</dt>
        <dd>{v.userAgent || "none"}</dd>
        <dt>Proxy</dt>
        <dd>{v.proxy}</dd>
        <dt>Kind</dt>
        <dd>{v.kind === "hls" ? "HLS" : "stream"}</dd>
        <dt>State</dt>
        <dd data-testid="session-state">
          {v.state === "live" ? "watching" : `ended: ${v.endReason ?? "unknown"}`}
        </dd>
        <dt>Watching for</dt>
        <dd>{duration(v.startedAt, v.endedAt ? Date.parse(v.endedAt) : Date.now())}</dd>
        <dt>Sent</dt>
        <dd>{size(v.bytes)}</dd>
      </dl>
      {v.state === "live" && (
        <p>
          <button type="button" class="danger" disabled={asked.value} onClick={drop}>
            {asked.value ? "Dropping…" : "Drop this session"}
          </button>
        </p>
      )}
    </div>
  );
}
