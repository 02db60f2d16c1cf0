/**
 * Island: the groups of a downstream playlist. The admin searches the known groups (each shown
 * with its upstream playlist and channel count), adds them, orders them with buttons (keyboard)
 * or by dragging, and sees the channels the whole form would give before saving. It posts the
 * form's `groups` field as a hidden input once running; without JavaScript the page's noscript
 * textarea posts the same field.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { groupLines } from "../../common/output/group_entries.ts";
import type { Preview } from "../services/downstream_editor.ts";
import { GroupPreview } from "./GroupPreview.tsx";
import { KnownGroups } from "./KnownGroups.tsx";
import {
  describeEntry,
  entryKey,
  type EntryView,
  type GroupChoices,
  type GroupEntry,
  moveEntry,
  pickBareNames,
  pickOf,
} from "./group_editor.ts";

/** Props rendered by the server. */
export interface DownstreamGroupsProps extends Record<string, unknown> {
  entries: GroupEntry[];
  /** A field error of `groups` from the last save. */
  error?: string;
}

const API = "/api/v1/downstream-playlists/editor";

const CSS = `
.ge{border:0;padding:0;margin:.6rem 0 0;min-width:0}.ge legend{font-weight:600;padding:0}
.ge-cols{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin-top:.4rem}
.ge-box{border:1px solid #dde3ea;border-radius:8px;padding:.6rem;min-width:0}.ge h2{font-size:1rem;margin:0 0 .4rem}
.ge-list{list-style:none;margin:.4rem 0 0;padding:0;max-height:22rem;overflow:auto}
.ge-list li{display:flex;align-items:center;gap:.5rem;padding:.35rem .25rem;border-bottom:1px solid #eef1f5}
.ge-list li[draggable=true]{cursor:grab}.ge-list li.ge-over{outline:2px dashed #1f5fbf}
.ge-what{flex:1;min-width:0;overflow-wrap:anywhere}.ge-what .hint{display:block}
.ge-pos{color:#5b6778;min-width:1.5rem;text-align:right;font-variant-numeric:tabular-nums}
.ge-actions{display:flex;gap:.25rem;flex:none}.ge-actions button{min-width:2.2rem}
.ge button[aria-disabled=true]{opacity:.55;cursor:default}
.ge-preview{margin-top:1rem}.ge-count{font-weight:600;margin-bottom:.2rem}.ge-count .muted{font-weight:400;margin-left:.5rem}
.ge-scroll{max-height:28rem;overflow:auto;border:1px solid #dde3ea;border-radius:8px}
.ge-table thead th{position:sticky;top:0;background:#fff}.ge-table .ge-num{width:3.5rem;font-variant-numeric:tabular-nums;white-space:nowrap}
.ge-table .ge-logo{width:56px}.ge-logo img{display:block;max-width:40px;max-height:30px;object-fit:contain}
.ge-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:640px){.ge-cols{grid-template-columns:1fr}.ge-list{max-height:16rem}
.ge-table th,.ge-table td{padding:.3rem .25rem}.ge-table .ge-num{width:2.2rem}.ge-table .ge-logo{width:46px}}
`;

function formSettings(form: HTMLFormElement | null) {
  const get = (name: string) =>
    (form?.elements.namedItem(name) as HTMLInputElement | null)?.value ?? "";
  const start = Number(get("numberStart"));
  return {
    excludeFilters: get("excludeFilters").split(/\r?\n/).map((l) => l.trim()).filter(Boolean),
    filterMode: get("filterMode") || "any",
    numbering: get("numbering") || "keep",
    numberStart: Number.isInteger(start) && start >= 0 ? start : 1,
  };
}

/** Where a chosen entry's channels come from, and how many there are. */
function entryHint(v: EntryView, listed: number | undefined): string {
  const where = v.playlist ?? "Every upstream playlist";
  if (!v.known) return `${where} · no such group now`;
  if (v.channels === null) return where;
  const hint = `${where} · ${v.channels === 1 ? "1 channel" : `${v.channels} channels`}`;
  // Fewer listed than it has: filters exclude some, or an entry above already lists them.
  return listed === undefined || listed === v.channels ? hint : `${hint}, ${listed} listed`;
}

/** The group picker, the chosen groups in order, and the preview. */
export function DownstreamGroups(props: DownstreamGroupsProps) {
  const entries = useSignal<GroupEntry[]>(props.entries);
  const choices = useSignal<GroupChoices | null>(null);
  const loadError = useSignal<string | null>(null);
  const replaced = useSignal<string[]>([]);
  const q = useSignal("");
  const preview = useSignal<Preview | null>(null);
  // The request the preview answers: its counts per entry hold only for those entries.
  const previewOf = useSignal("");
  const previewBusy = useSignal(false);
  const previewError = useSignal<string | null>(null);
  const said = useSignal("");
  const mounted = useSignal(false);
  const dragFrom = useSignal<number | null>(null);
  const dragOver = useSignal<number | null>(null);
  const root = useRef<HTMLFieldSetElement>(null);
  const seq = useRef(0);
  const lastAsked = useRef("");
  const timer = useRef<ReturnType<typeof setTimeout>>();
  // Where focus goes after the list re-renders: a moved entry keeps it on its button.
  const focusNext = useRef<{ key: string; button: string } | null>(null);

  const form = () => root.current?.closest("form") ?? null;
  const csrf = () => (form()?.elements.namedItem("_csrf") as HTMLInputElement | null)?.value ?? "";

  const refresh = async () => {
    const groups = entries.value;
    const request = JSON.stringify({ groups, ...formSettings(form()) });
    // A field's change event follows its input events with the same value: asked once.
    if (request === lastAsked.current) return;
    lastAsked.current = request;
    const mine = ++seq.current;
    previewBusy.value = true;
    try {
      const res = await fetch(`${API}/preview`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrf-token": csrf() },
        body: request,
      });
      const body = await res.json();
      if (mine !== seq.current) return;
      if (res.ok) {
        preview.value = body as Preview;
        previewOf.value = JSON.stringify(groups);
        previewError.value = null;
      } else {
        const first = Object.values(body.issues ?? {}).flat()[0];
        previewError.value = String(first ?? body.error ?? `the manager answered ${res.status}`);
      }
    } catch (err) {
      if (mine !== seq.current) return;
      previewError.value = (err as Error).message;
      lastAsked.current = ""; // the same settings may be asked again
    } finally {
      if (mine === seq.current) previewBusy.value = false;
    }
  };
  const refreshSoon = (ms: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(refresh, ms);
  };
  const change = (next: GroupEntry[], message: string) => {
    entries.value = next;
    said.value = message;
    refreshSoon(150);
  };

  const loadChoices = async () => {
    loadError.value = null;
    try {
      const res = await fetch(`${API}/groups`, { credentials: "same-origin" });
      if (!res.ok) throw new Error(`the manager answered ${res.status}`);
      const c = await res.json() as GroupChoices;
      const picked = pickBareNames(entries.value, c);
      choices.value = c;
      replaced.value = picked.replaced;
      if (picked.replaced.length) entries.value = picked.entries;
    } catch (err) {
      loadError.value = `Cannot load the groups: ${(err as Error).message}`;
    }
  };

  useEffect(() => {
    mounted.value = true;
    loadChoices().then(refresh);
    // Exclusion filters and numbering are fields of the same form: the preview follows them.
    // Listened for on the document: this first render had no element to find the form from.
    const onInput = (e: Event) => {
      const field = e.target as HTMLInputElement;
      if (field.form && field.form === form() && !root.current?.contains(field)) refreshSoon(400);
    };
    document.addEventListener("input", onInput);
    document.addEventListener("change", onInput);
    return () => {
      document.removeEventListener("input", onInput);
      document.removeEventListener("change", onInput);
      clearTimeout(timer.current);
    };
  }, []);

  useEffect(() => {
    const want = focusNext.current;
    if (!want || !root.current) return;
    focusNext.current = null;
    const li = [...root.current.querySelectorAll<HTMLElement>("[data-key]")]
      .find((el) => el.dataset.key === want.key);
    const buttons = [...(li?.querySelectorAll<HTMLButtonElement>("button") ?? [])];
    const target = buttons.find((b) => b.dataset.action === want.button && !b.disabled) ??
      buttons.find((b) => !b.disabled);
    (target ?? root.current.querySelector<HTMLInputElement>("#ge-search"))?.focus();
  });

  // Nothing before it runs: without JavaScript the page's noscript field is the whole editor.
  if (!mounted.value) return null;
  const c = choices.value;
  const list = entries.value;
  const listed = previewOf.value === JSON.stringify(list) && preview.value
    ? preview.value.perEntry
    : [];
  const playlistNames = new Map((c?.playlists ?? []).map((p) => [p.id, p.name]));
  const nameOf = (e: GroupEntry) => {
    const v = describeEntry(e, c);
    return v.playlist === null ? v.label : `${v.label} from ${v.playlist}`;
  };
  const move = (i: number, to: number, button: string) => {
    if (to < 0 || to >= list.length || to === i) return;
    const next = moveEntry(list, i, to);
    focusNext.current = { key: entryKey(list[i]), button };
    change(next, `${nameOf(list[i])} moved to position ${to + 1} of ${list.length}.`);
  };
  const remove = (i: number) => {
    const next = list.filter((_, j) => j !== i);
    const neighbour = next[Math.min(i, next.length - 1)];
    focusNext.current = neighbour ? { key: entryKey(neighbour), button: "remove" } : null;
    change(next, `${nameOf(list[i])} removed.`);
  };

  return (
    <fieldset class="ge" ref={root} data-testid="group-editor">
      <style dangerouslySetInnerHTML={{ __html: CSS }} />
      <legend>Groups, in order</legend>
      <div class="hint">
        Pick groups from the upstream playlists; the playlist lists their channels in this order.
      </div>
      {props.error && <div class="field-error">{props.error}</div>}
      {replaced.value.length > 0 && (
        <p class="hint" data-testid="replaced-names">
          Saved before by name alone, so far matched in every upstream playlist:{" "}
          {replaced.value.join(", ")}. They are shown picked from each playlist that has them, and
          saved that way.
        </p>
      )}
      <div class="ge-cols">
        <KnownGroups
          choices={c}
          entries={list}
          query={q.value}
          loadError={loadError.value}
          onSearch={(v) => q.value = v}
          onRetry={loadChoices}
          onAdd={(g, where) => change([...list, pickOf(g)], `${g.label} from ${where} added.`)}
        />
        <section class="ge-box" aria-labelledby="ge-chosen-h">
          <h2 id="ge-chosen-h">Chosen groups ({list.length})</h2>
          {list.length === 0 && <p class="muted">None yet: add groups from the known groups.</p>}
          <ol class="ge-list" data-testid="chosen-groups">
            {list.map((e, i) => {
              const v = describeEntry(e, c);
              const name = nameOf(e);
              return (
                <li
                  key={entryKey(e)}
                  data-key={entryKey(e)}
                  draggable
                  class={dragOver.value === i ? "ge-over" : undefined}
                  onDragStart={(ev) => {
                    dragFrom.value = i;
                    ev.dataTransfer?.setData("text/plain", name);
                  }}
                  onDragOver={(ev) => {
                    ev.preventDefault();
                    dragOver.value = i;
                  }}
                  onDragLeave={() => dragOver.value = null}
                  onDrop={(ev) => {
                    ev.preventDefault();
                    const from = dragFrom.value;
                    dragFrom.value = dragOver.value = null;
                    if (from !== null) move(from, i, "up");
                  }}
                >
                  <span class="ge-pos">{i + 1}</span>
                  <span class="ge-what">
                    <strong>{v.label}</strong>
                    <span class="hint">{entryHint(v, listed[i])}</span>
                  </span>
                  <span class="ge-actions">
                    <button
                      type="button"
                      class="small secondary"
                      data-action="up"
                      aria-label={`Move ${name} up`}
                      disabled={i === 0}
                      onClick={() => move(i, i - 1, "up")}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      class="small secondary"
                      data-action="down"
                      aria-label={`Move ${name} down`}
                      disabled={i === list.length - 1}
                      onClick={() => move(i, i + 1, "down")}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      class="small secondary"
                      data-action="remove"
                      aria-label={`Remove ${name}`}
                      onClick={() => remove(i)}
                    >
                      ✕
                    </button>
                  </span>
                </li>
              );
            })}
          </ol>
          <p class="ge-sr" aria-live="polite" data-testid="editor-said">{said.value}</p>
        </section>
      </div>
      <GroupPreview
        preview={preview.value}
        busy={previewBusy.value}
        error={previewError.value}
        playlistNames={playlistNames}
      />
      {/* Rendered only once running: without JavaScript the noscript field posts instead. */}
      <input type="hidden" name="groups" value={groupLines(list)} />
    </fieldset>
  );
}
