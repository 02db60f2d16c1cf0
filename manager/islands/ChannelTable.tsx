/**
 * Island: the channel list. Filters live (server-side paging over the channel index), edits
 * numbers, names and guide mappings in place through the JSON API (each edit names the version
 * it was made from; a stale one is refused and the row shows what is stored now), toggles
 * enabled and keep status, and acts in bulk on the current filter. Without JavaScript the same
 * markup works as a plain GET form with paging links and posting bulk forms.
 */
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { BulkRename } from "./BulkRename.tsx";
import { type ChannelView, type OverridePatch, saveOverride } from "./channel_api.ts";
import { ChannelRow } from "./ChannelRow.tsx";
import { GuidePicker } from "./GuidePicker.tsx";
import { FilterFields, type FilterView } from "./channel_filter.tsx";

export type { ChannelView, FilterView };

/** Props rendered by the server. */
export interface ChannelTableProps extends Record<string, unknown> {
  filter: FilterView;
  rows: ChannelView[];
  total: number;
  offset: number;
  limit: number;
  playlists: { id: string; name: string }[];
  groups: { id: string; name: string; playlistId: string }[];
  csrf: string;
}

/** What the last edit came to, for the live region above the table. */
interface Message {
  kind: "saved" | "error";
  text: string;
}

function query(f: FilterView, offset: number): string {
  const p = new URLSearchParams();
  if (f.playlistId) p.set("playlistId", f.playlistId);
  if (f.groupId) p.set("groupId", f.groupId);
  if (f.enabled) p.set("enabled", f.enabled);
  if (f.q) p.set("q", f.q);
  if (f.guide) p.set("guide", f.guide);
  if (offset) p.set("offset", String(offset));
  return p.toString();
}

/** An option of a filter select: its value and its label. */
type Choice = [value: string, label: string];

/** A select of the filter form; choosing filters at once. */
function FilterSelect(props: {
  name: keyof FilterView;
  label: string;
  filter: FilterView;
  choices: Choice[];
  onChange: (patch: Partial<FilterView>) => void;
}) {
  return (
    <select
      name={props.name}
      aria-label={props.label}
      value={props.filter[props.name]}
      onChange={(e) => props.onChange({ [props.name]: e.currentTarget.value })}
    >
      {props.choices.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
    </select>
  );
}

/** The channel table with its filter form. */
export function ChannelTable(props: ChannelTableProps) {
  const filter = useSignal<FilterView>(props.filter);
  const rows = useSignal<ChannelView[]>(props.rows);
  const total = useSignal(props.total);
  const offset = useSignal(props.offset);
  const busy = useSignal(false);
  const message = useSignal<Message | null>(null);
  const picking = useSignal<ChannelView | null>(null);
  const seq = useRef(0);
  const groupName = new Map(props.groups.map((g) => [g.id, g.name]));
  const playlistName = new Map(props.playlists.map((p) => [p.id, p.name]));
  // Two playlists may both have a "UK" group: the playlist's name tells them apart.
  const groupLabel = (g: { name: string; playlistId: string }) =>
    props.playlists.length > 1 ? `${g.name} (${playlistName.get(g.playlistId) ?? "?"})` : g.name;

  const load = async (f: FilterView, off: number) => {
    const mine = ++seq.current;
    busy.value = true;
    const p = new URLSearchParams(query(f, 0));
    p.set("limit", String(props.limit));
    if (off) p.set("cursor", String(off));
    const res = await fetch(`/api/v1/channel-views?${p}`, { credentials: "same-origin" })
      .catch(() => null);
    if (mine !== seq.current) return;
    busy.value = false;
    if (!res?.ok) {
      message.value = { kind: "error", text: "Cannot load the channels: try again" };
      return;
    }
    const body = await res.json();
    rows.value = body.items;
    total.value = body.total;
    offset.value = off;
    history.replaceState(null, "", `/admin/channels?${query(f, off)}`);
  };
  // A ref, not a local: every keystroke re-renders, and the pending search must be cancelled.
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const change = (patch: Partial<FilterView>, debounce = false) => {
    const f = { ...filter.value, ...patch };
    if (patch.playlistId !== undefined) f.groupId = "";
    filter.value = f;
    clearTimeout(timer.current);
    if (debounce) timer.current = setTimeout(() => load(f, 0), 200);
    else load(f, 0);
  };
  // The row's button opened the picker; a new row is rendered after a save, so find it again.
  const refocus = (id: string) =>
    setTimeout(() =>
      document.querySelector<HTMLButtonElement>(
        `tr[data-channel-id="${id}"] td[data-col=guide] button`,
      )?.focus()
    );
  const replace = (v: ChannelView) => rows.value = rows.value.map((r) => r.id === v.id ? v : r);
  const edit = async (row: ChannelView, patch: OverridePatch, what: string) => {
    const res = await saveOverride(row, { patch, csrf: props.csrf });
    if (res.ok) {
      replace(res.view);
      message.value = { kind: "saved", text: `Saved the ${what} of ${res.view.name}` };
      return;
    }
    if (res.view) replace(res.view);
    message.value = {
      kind: "error",
      text: res.conflict
        ? `Not saved: ${row.name} was changed by someone else meanwhile. The row now shows ` +
          "what is stored; make your change again."
        : `Not saved: ${res.message}`,
    };
  };
  const toggle = async (row: ChannelView, field: "enabled" | "keepStatus") => {
    const res = await fetch(`/api/v1/channels/${row.id}`, {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": props.csrf },
      body: JSON.stringify({ [field]: !row[field] }),
    }).catch(() => null);
    if (!res?.ok) {
      const why = res ? `the server answered ${res.status}` : "the manager did not answer";
      message.value = { kind: "error", text: `Not saved: ${why}` };
      return;
    }
    const c = await res.json();
    replace({ ...row, enabled: c.enabled, keepStatus: c.keepStatus });
  };
  const f = filter.value;
  const groups = props.groups.filter((g) => !f.playlistId || g.playlistId === f.playlistId);
  const off = offset.value;
  const end = off + rows.value.length;
  const picked = picking.value;
  return (
    <div>
      <form
        method="get"
        action="/admin/channels"
        class="filters card"
        onSubmit={(e) => {
          e.preventDefault();
          load(filter.value, 0);
        }}
      >
        <input
          type="search"
          name="q"
          placeholder="Search name, tvg-id, group, URL"
          value={f.q}
          aria-label="Search"
          onInput={(e) => change({ q: e.currentTarget.value }, true)}
        />
        <FilterSelect
          name="playlistId"
          label="Playlist"
          filter={f}
          choices={[["", "All playlists"], ...props.playlists.map((p): Choice => [p.id, p.name])]}
          onChange={change}
        />
        <FilterSelect
          name="groupId"
          label="Group"
          filter={f}
          choices={[["", "All groups"], ...groups.map((g): Choice => [g.id, groupLabel(g)])]}
          onChange={change}
        />
        <FilterSelect
          name="enabled"
          label="State"
          filter={f}
          choices={[
            ["", "Enabled and disabled"],
            ["true", "Enabled only"],
            ["false", "Disabled only"],
          ]}
          onChange={change}
        />
        <FilterSelect
          name="guide"
          label="Guide data"
          filter={f}
          choices={[
            ["", "With and without guide data"],
            ["none", "Without guide data"],
            ["some", "With guide data"],
          ]}
          onChange={change}
        />
        <noscript>
          <button type="submit">Filter</button>
        </noscript>
      </form>
      <div class="toolbar">
        <span class="muted" data-testid="channel-count">
          {total.value === 0 ? "No channels match" : `${off + 1}–${end} of ${total.value} channels`}
          {busy.value ? " …" : ""}
        </span>
        <form method="post" action="/admin/channels/bulk" class="inline">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <FilterFields filter={f} />
          <button class="small secondary" name="action" value="enable" type="submit">
            Enable all {total.value} matching
          </button>{" "}
          <button class="small secondary" name="action" value="disable" type="submit">
            Disable all {total.value} matching
          </button>
        </form>
      </div>
      <BulkRename filter={f} total={total.value} csrf={props.csrf} />
      <div class="edit-status" aria-live="polite">
        {message.value && (
          <span
            class={message.value.kind === "saved" ? "saved" : "field-error"}
            role={message.value.kind === "error" ? "alert" : undefined}
          >
            {message.value.text}
          </span>
        )}
      </div>
      <div class="card">
        <table class="ch-table">
          <caption class="sr">
            Channels. Numbers and names save when you leave the field or press Enter.
          </caption>
          <thead>
            <tr>
              <th>
                <span class="sr">Logo</span>
              </th>
              <th>Number</th>
              <th>Name</th>
              <th class="opt">tvg-id and URL</th>
              <th>Guide</th>
              <th class="opt">Group</th>
              <th>Enabled</th>
              <th>Keep status</th>
            </tr>
          </thead>
          <tbody>
            {rows.value.map((r) => (
              <ChannelRow
                key={r.id}
                row={r}
                groupName={groupName.get(r.groupId) ?? ""}
                playlistName={playlistName.get(r.playlistId) ?? ""}
                onEdit={edit}
                onToggle={toggle}
                onPickGuide={(row) => picking.value = row}
              />
            ))}
          </tbody>
        </table>
      </div>
      <div class="toolbar">
        {off > 0 && (
          <a
            class="btn secondary small"
            href={`/admin/channels?${query(f, Math.max(0, off - props.limit))}`}
            onClick={(e) => {
              e.preventDefault();
              load(f, Math.max(0, off - props.limit));
            }}
          >
            Previous
          </a>
        )}
        {end < total.value && (
          <a
            class="btn secondary small"
            href={`/admin/channels?${query(f, end)}`}
            onClick={(e) => {
              e.preventDefault();
              load(f, end);
            }}
          >
            Next
          </a>
        )}
      </div>
      {picked && (
        <GuidePicker
          channelName={picked.name}
          current={picked.mapping}
          onClose={() => {
            picking.value = null;
            refocus(picked.id);
          }}
          onPick={async (g) => {
            picking.value = null;
            await edit(
              picked,
              { epg: g ? { epgId: g.epgId, channelId: g.id } : null },
              "guide mapping",
            );
            refocus(picked.id);
          }}
        />
      )}
    </div>
  );
}
