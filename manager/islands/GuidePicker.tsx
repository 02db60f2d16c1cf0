/**
 * A dialog to pick a guide channel from a search over every guide: each result shows its logo,
 * name, id, guide and what is on now, so a mapping is chosen by what it is, never typed as ids.
 * Keyboard: type to search, Down moves into the results, Up and Down between them, Enter picks,
 * Escape closes (the native <dialog>).
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { type GuideChannelView, searchGuide } from "./channel_api.ts";
import { Logo } from "./Logo.tsx";
import { searchTerm } from "./channel_text.ts";

/** Props of the picker. */
export interface GuidePickerProps {
  /** the channel being mapped, for the title and the first search */
  channelName: string;
  current: { epgId: string; channelId: string } | null;
  /** a guide channel, or null for "no manual mapping" */
  onPick: (picked: GuideChannelView | null) => void;
  onClose: () => void;
}

/** The guide channel picker, open while mounted. */
export function GuidePicker(props: GuidePickerProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const q = useSignal(searchTerm(props.channelName));
  const results = useSignal<GuideChannelView[] | null>(null);
  const total = useSignal(0);
  const error = useSignal("");

  useEffect(() => {
    const d = dialog.current!;
    if (!d.open) d.showModal();
    const input = d.querySelector<HTMLInputElement>("input[type=search]");
    input?.select();
  }, []);
  // Searched 200 ms after the last keystroke; an older answer arriving late is dropped.
  useEffect(() => {
    const ctl = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const page = await searchGuide(q.value, ctl.signal);
        results.value = page.items;
        total.value = page.total;
        error.value = "";
      } catch (err) {
        if (!ctl.signal.aborted) error.value = (err as Error).message;
      }
    }, results.value === null ? 0 : 200);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [q.value]);

  const move = (e: KeyboardEvent, from: number) => {
    const buttons = [...(list.current?.querySelectorAll("button") ?? [])];
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const to = from + (e.key === "ArrowDown" ? 1 : -1);
    if (to < 0) dialog.current?.querySelector<HTMLInputElement>("input[type=search]")?.focus();
    else buttons[Math.min(to, buttons.length - 1)]?.focus();
  };
  const isCurrent = (g: GuideChannelView) =>
    props.current?.epgId === g.epgId && props.current?.channelId === g.id;
  const items = results.value;
  return (
    <dialog
      ref={dialog}
      class="guide-picker"
      aria-labelledby="guide-picker-title"
      onClose={() => props.onClose()}
    >
      <h2 id="guide-picker-title">Guide channel for “{props.channelName}”</h2>
      <label for="guide-picker-q">Search guide channels by name or id</label>
      <input
        id="guide-picker-q"
        type="search"
        value={q.value}
        autocomplete="off"
        aria-controls="guide-picker-results"
        onInput={(e) => q.value = e.currentTarget.value}
        onKeyDown={(e) => {
          // A search box clears itself on the first Escape; in a dialog Escape means close.
          if (e.key === "Escape") {
            e.preventDefault();
            dialog.current?.close();
          } else move(e, -1);
        }}
      />
      <p class="hint" role="status">
        {error.value ||
          (items === null
            ? "Searching…"
            : items.length === 0 && !q.value.trim()
            ? "No guide is imported yet: add one under Guides first."
            : items.length === 0
            ? "No guide channel matches. Try a shorter search."
            : `${
              total.value === 1 ? "1 guide channel matches" : `${total.value} guide channels match`
            }${total.value > items.length ? `; the first ${items.length} are shown` : ""}.`)}
      </p>
      <ul id="guide-picker-results" ref={list} class="picks">
        {(items ?? []).map((g, i) => (
          <li key={`${g.epgId}/${g.id}`}>
            <button
              type="button"
              class={isCurrent(g) ? "pick on" : "pick"}
              aria-current={isCurrent(g) ? "true" : undefined}
              onKeyDown={(e) => move(e, i)}
              onClick={() => props.onPick(g)}
            >
              <Logo src={g.logo} name={g.name} />
              <span class="pick-text">
                <strong>{g.name}</strong> <code>{g.id}</code>
                <span class="hint">
                  {g.epgName}
                  {g.now ? ` · now: ${g.now.title}` : " · nothing on now"}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      <div class="toolbar">
        {props.current && (
          <button
            type="button"
            class="secondary"
            onClick={() => props.onPick(null)}
          >
            Remove the manual mapping
          </button>
        )}
        <button type="button" class="secondary" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
