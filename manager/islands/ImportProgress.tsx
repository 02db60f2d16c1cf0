/**
 * Island: a playlist's channel count and the status of its last import, polled live while the
 * import runs so the count, the result and the time change without a page load.
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { type BaseRunView, RunStatus } from "./_run_status.tsx";

/** The fields of an import run this island shows. */
export interface RunView extends BaseRunView {
  counts: { entries: number; channels: number; added: number; missing: number; excluded: number };
}

/** Props: which playlist, its channel count and last run as rendered on the server. */
export interface ImportProgressProps extends Record<string, unknown> {
  playlistId: string;
  run: RunView | null;
  channelCount: number;
  timeZone: string;
}

interface Shown {
  run: RunView | null;
  channelCount: number;
}

/** Shows count, status, a progress bar and counts; polls the API every 700 ms while running. */
export function ImportProgress(props: ImportProgressProps) {
  const shown = useSignal<Shown>({ run: props.run, channelCount: props.channelCount });
  const running = shown.value.run?.status === "running";
  useEffect(() => {
    if (!running) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchView = async () => {
      try {
        const res = await fetch(`/api/v1/upstream-playlists/${props.playlistId}`, {
          credentials: "same-origin",
        });
        if (res.ok && !stop) {
          const body = await res.json();
          shown.value = { run: body.lastImport ?? null, channelCount: body.channelCount };
        }
      } catch { /* try again on the next tick */ }
    };
    const tick = async () => {
      await fetchView();
      if (stop) return;
      // One more read after the run ends: the channel count follows the run's status.
      timer = setTimeout(shown.value.run?.status === "running" ? tick : fetchView, 700);
    };
    timer = setTimeout(tick, 700);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
    // Keyed by the run alone: the status turning "ok" must not cancel the last read it planned.
  }, [shown.value.run?.id]);
  const { run: r, channelCount } = shown.value;
  return (
    <RunStatus
      run={r}
      timeZone={props.timeZone}
      lead={
        <a href={`/admin/channels?playlistId=${props.playlistId}`} data-testid="playlist-channels">
          {channelCount} channels
        </a>
      }
      counting={`${r?.counts.entries ?? 0} entries`}
      done={r &&
        `${r.counts.added} new, ${r.counts.missing} missing, ${r.counts.excluded} excluded`}
    />
  );
}
