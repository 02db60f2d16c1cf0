/** How the import islands show a source's last run: status, progress bar, counts, errors. */
import type { ComponentChildren } from "preact";
import { formatTime } from "../components/Field.tsx";

/** The fields of an import run (a playlist's or a guide's) that every island shows. */
export interface BaseRunView {
  id: string;
  status: "running" | "ok" | "failed";
  bytes: number;
  totalBytes: number | null;
  durationMs: number | null;
  finishedAt: string | null;
  error: string | null;
}

function mb(n: number): string {
  return (n / 1048576).toFixed(1);
}

/** A run's status; `lead` comes first (a channel count), `counting` and `done` are its words. */
export function RunStatus(props: {
  run: BaseRunView | null;
  timeZone: string;
  lead?: ComponentChildren;
  /** What the running import has read so far ("120 entries"). */
  counting: string;
  /** What a finished import did ("3 new, 1 missing"). */
  done: ComponentChildren;
  warnings?: string[];
}) {
  const r = props.run;
  const lead = props.lead && <>{props.lead}{" "}</>;
  if (!r) {
    return (
      <div class="import-progress">
        {lead}
        <span class="badge off">never imported</span>
      </div>
    );
  }
  const pct = r.totalBytes ? Math.min(100, Math.round((r.bytes / r.totalBytes) * 100)) : null;
  const warnings = props.warnings ?? [];
  return (
    <div class="import-progress" data-status={r.status}>
      {lead}
      <span class={`badge ${r.status}`}>{r.status}</span>
      {r.status === "running" && (
        <div>
          {pct !== null ? <progress max={100} value={pct} /> : <progress />}
          <div class="hint">
            {mb(r.bytes)}
            {r.totalBytes ? ` of ${mb(r.totalBytes)}` : ""} MB, {props.counting}
          </div>
        </div>
      )}
      {r.status === "ok" && (
        <div class="hint">
          {props.done}; took {((r.durationMs ?? 0) / 1000).toFixed(1)} s
        </div>
      )}
      {r.status === "failed" && <div class="field-error">{r.error}</div>}
      {r.status !== "running" && warnings.length > 0 && (
        <details>
          <summary class="hint">{warnings.length} warnings</summary>
          <ul class="hint">{warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
        </details>
      )}
      {r.finishedAt && <div class="hint">{formatTime(r.finishedAt, props.timeZone)}</div>}
    </div>
  );
}
