/** The JSON API calls of the channel islands (same-origin session, CSRF header on writes). */
import type { ChannelView } from "../services/channel_views.ts";
import type { GuideChannelView } from "../services/guide_channels.ts";

export type { ChannelView, GuideChannelView };

/** A field-by-field change of a channel's overrides (null clears). */
export interface OverridePatch {
  name?: string | null;
  number?: number | null;
  epg?: { epgId: string; channelId: string } | null;
}

/** What an edit came to: saved, refused as stale (409), or failed with a message. */
export type EditResult =
  | { ok: true; view: ChannelView }
  | { ok: false; conflict: boolean; message: string; view: ChannelView | null };

async function errorOf(res: Response): Promise<string> {
  try {
    return (await res.json()).error ?? `The server answered ${res.status}`;
  } catch {
    return `The server answered ${res.status}`;
  }
}

/** Reads one channel as the list shows it. */
export async function fetchView(id: string): Promise<ChannelView | null> {
  const res = await fetch(`/api/v1/channel-views/${id}`, { credentials: "same-origin" })
    .catch(() => null);
  return res?.ok ? await res.json() : null;
}

/**
 * Saves a change made on `row`, naming the version the row was read at (If-Match): a change
 * made meanwhile by someone else answers 409 and the row's current state comes back with it.
 */
export async function saveOverride(
  row: ChannelView,
  { patch, csrf }: { patch: OverridePatch; csrf: string },
): Promise<EditResult> {
  let res: Response;
  try {
    res = await fetch(`/api/v1/channels/${row.id}/override`, {
      method: "PATCH",
      credentials: "same-origin",
      headers: {
        "content-type": "application/json",
        "x-csrf-token": csrf,
        "if-match": `"${row.version ?? ""}"`,
      },
      body: JSON.stringify(patch),
    });
  } catch {
    // Offline or the manager restarting: nothing was saved, and the row stays as typed.
    return { ok: false, conflict: false, message: "the manager did not answer", view: null };
  }
  if (res.ok) {
    await res.body?.cancel();
    const view = await fetchView(row.id);
    if (view) return { ok: true, view };
    return { ok: false, conflict: false, message: "Saved, but the channel is gone", view: null };
  }
  const message = await errorOf(res);
  return { ok: false, conflict: res.status === 409, message, view: await fetchView(row.id) };
}

/** A page of guide channels matching `q`. */
export async function searchGuide(
  q: string,
  signal: AbortSignal,
): Promise<{ items: GuideChannelView[]; total: number }> {
  const p = new URLSearchParams({ q, limit: "20" });
  const res = await fetch(`/api/v1/guide-channels?${p}`, { credentials: "same-origin", signal });
  if (!res.ok) throw new Error(await errorOf(res));
  return await res.json();
}
