/** A hook for islands that follow the JSON API: fetches a URL every so often while mounted. */
import { useEffect } from "preact/hooks";

/**
 * Fetches `url` every `everyMs` while `active` (and the island is mounted) and hands each OK
 * JSON answer to `onData`; a failed fetch is tried again on the next tick.
 */
export function usePoll<T>(
  url: string,
  opts: { everyMs: number; active?: boolean; onData: (data: T) => void },
  deps: unknown[] = [],
): void {
  const active = opts.active ?? true;
  useEffect(() => {
    if (!active) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const res = await fetch(url, { credentials: "same-origin" });
        if (res.ok && !stop) opts.onData(await res.json() as T);
      } catch { /* the next tick tries again */ }
      if (!stop) timer = setTimeout(tick, opts.everyMs);
    };
    timer = setTimeout(tick, opts.everyMs);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [url, active, ...deps]);
}
