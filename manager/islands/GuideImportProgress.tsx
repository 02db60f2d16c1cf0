/**
 * Island: the status of a guide's last import, polled live while it runs so progress, counts
 * and the result change without a page load.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { type BaseRunView, RunStatus } from "./_run_status.tsx";

/** The fields of a guide import run this island shows. */
export interface GuideRunView extends BaseRunView {
  warnings: string[];
  counts: { channels: number; programmes: number; skipped: number };
}

/** Props: the API URL of the guide (answers `{ lastImport }`) and its last run. */
export interface GuideImportProgressProps extends Record<string, unknown> {
  apiUrl: string;
  run: GuideRunView | null;
  timeZone: string;
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
  const n = r?.counts;
  return (
    <RunStatus
      run={r}
      timeZone={props.timeZone}
      counting={`${n?.programmes ?? 0} programmes`}
      done={n &&
        `${n.channels} channels, ${n.programmes} programmes${
          n.skipped ? `, ${n.skipped} skipped` : ""
        }`}
      warnings={r?.warnings}
    />
  );
}
