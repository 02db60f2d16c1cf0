/** Island: the status of a playlist's last import, polled live while it runs. */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

/** The fields of an import run this island shows. */
export interface RunView {
  id: string;
  status: "running" | "ok" | "failed";
  bytes: number;
  totalBytes: number | null;
  durationMs: number | null;
  error: string | null;
  counts: { entries: number; channels: number; added: number; missing: number; excluded: number };
}

/** Props: which playlist, and its last run as rendered on the server. */
export interface ImportProgressProps extends Record<string, unknown> {
  playlistId: string;
  run: RunView | null;
}

function mb(n: number): string {
  return (n / 1048576).toFixed(1);
}

/** Shows status, a progress bar and counts; polls the API every 700 ms while running. */
export function ImportProgress(props: ImportProgressProps) {
  const run = useSignal<RunView | null>(props.run);
  useEffect(() => {
    if (run.value?.status !== "running") return;
    let stop = false;
    const tick = async () => {
      if (stop) return;
      try {
        const res = await fetch(`/api/v1/upstream-playlists/${props.playlistId}`, {
          credentials: "same-origin",
        });
        if (res.ok) {
          const body = await res.json();
          run.value = body.lastImport ?? null;
        }
      } catch { /* try again on the next tick */ }
      if (!stop && run.value?.status === "running") setTimeout(tick, 700);
    };
    const t = setTimeout(tick, 700);
    return () => {
      stop = true;
      clearTimeout(t);
    };
  }, [run.value?.id, run.value?.status]);
  const r = run.value;
  if (!r) return <span class="badge off">never imported</span>;
  const pct = r.totalBytes ? Math.min(100, Math.round((r.bytes / r.totalBytes) * 100)) : null;
  return (
    <div class="import-progress" data-status={r.status}>
      <span class={`badge ${r.status}`}>{r.status}</span>{" "}
      {r.status === "running" && (
        <>
          {pct !== null ? <progress max={100} value={pct} /> : <progress />}{" "}
          <span class="muted">
            {mb(r.bytes)}
            {r.totalBytes ? ` of ${mb(r.totalBytes)}` : ""} MB, {r.counts.entries} entries
          </span>
        </>
      )}
      {r.status === "ok" && (
        <span class="muted">
          {r.counts.channels} channels ({r.counts.added} new, {r.counts.missing} missing,{" "}
          {r.counts.excluded} excluded) in {((r.durationMs ?? 0) / 1000).toFixed(1)} s
        </span>
      )}
      {r.status === "failed" && <div class="field-error">{r.error}</div>}
    </div>
  );
}
