/**
 * Island: the status of a guide's last import, polled live while it runs so progress, counts
 * and the result change without a page load.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { formatTime } from "../components/Field.tsx";

/** The fields of a guide import run this island shows. */
export interface GuideRunView {
  id: string;
  status: "running" | "ok" | "failed";
  bytes: number;
  totalBytes: number | null;
  durationMs: number | null;
  finishedAt: string | null;
  error: string | null;
  warnings: string[];
  counts: { channels: number; programmes: number; skipped: number };
}

/** Props: the API URL of the guide (answers `{ lastImport }`) and its last run. */
export interface GuideImportProgressProps extends Record<string, unknown> {
  apiUrl: string;
  run: GuideRunView | null;
  timeZone: string;
}

function mb(n: number): string {
  return (n / 1048576).toFixed(1);
}

/** Shows status, a progress bar and counts; polls the API every 700 ms while running. */
export function GuideImportProgress(props: GuideImportProgressProps) {
  const run = useSignal<GuideRunView | null>(props.run);
  const status = run.value?.status;
  useEffect(() => {
    if (status !== "running") return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const res = await fetch(props.apiUrl, { credentials: "same-origin" });
        if (res.ok && !stop) run.value = (await res.json()).lastImport ?? null;
      } catch { /* try again on the next tick */ }
      if (!stop && run.value?.status === "running") timer = setTimeout(tick, 700);
    };
    timer = setTimeout(tick, 700);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [run.value?.id, status]);
  const r = run.value;
  if (!r) return <span class="badge off">never imported</span>;
  const pct = r.totalBytes ? Math.min(100, Math.round((r.bytes / r.totalBytes) * 100)) : null;
  const n = r.counts;
  return (
    <div class="import-progress" data-status={r.status}>
      <span class={`badge ${r.status}`}>{r.status}</span>
      {r.status === "running" && (
        <div>
          {pct !== null ? <progress max={100} value={pct} /> : <progress />}
          <div class="hint">
            {mb(r.bytes)}
            {r.totalBytes ? ` of ${mb(r.totalBytes)}` : ""} MB, {n.programmes} programmes
          </div>
        </div>
      )}
      {r.status === "ok" && (
        <div class="hint">
          {n.channels} channels, {n.programmes} programmes
          {n.skipped ? `, ${n.skipped} skipped` : ""}; took{" "}
          {((r.durationMs ?? 0) / 1000).toFixed(1)} s
        </div>
      )}
      {r.status === "failed" && <div class="field-error">{r.error}</div>}
      {r.status !== "running" && r.warnings.length > 0 && (
        <details>
          <summary class="hint">{r.warnings.length} warnings</summary>
          <ul class="hint">{r.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
        </details>
      )}
      {r.finishedAt && <div class="hint">{formatTime(r.finishedAt, props.timeZone)}</div>}
    </div>
  );
}
