/**
 * Island: the channel list with live filtering, paging, single enable/disable and keep-status
 * toggles. Without JavaScript the same markup works as a plain GET form with paging links.
 */
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";

/** One channel row as the island shows it. */
export interface ChannelRow {
  id: string;
  name: string;
  url: string;
  groupId: string;
  playlistId: string;
  enabled: boolean;
  keepStatus: boolean;
  missing: boolean;
  blockedReason: string | null;
  logo: string;
}

/** The filter fields (query string of /admin/channels). */
export interface FilterView {
  playlistId: string;
  groupId: string;
  enabled: string;
  q: string;
}

/** Props rendered by the server. */
export interface ChannelTableProps extends Record<string, unknown> {
  filter: FilterView;
  rows: ChannelRow[];
  total: number;
  offset: number;
  limit: number;
  playlists: { id: string; name: string }[];
  groups: { id: string; name: string; playlistId: string }[];
  csrf: string;
}

function query(f: FilterView, offset: number): string {
  const p = new URLSearchParams();
  if (f.playlistId) p.set("playlistId", f.playlistId);
  if (f.groupId) p.set("groupId", f.groupId);
  if (f.enabled) p.set("enabled", f.enabled);
  if (f.q) p.set("q", f.q);
  if (offset) p.set("offset", String(offset));
  return p.toString();
}

/** Maps an API channel to a row. */
export function toRow(c: {
  id: string;
  name: string;
  url: string;
  groupId: string;
  playlistId: string;
  enabled: boolean;
  keepStatus: boolean;
  missing: boolean;
  blockedReason: string | null;
  attrs: Record<string, string>;
}): ChannelRow {
  return {
    id: c.id,
    name: c.name,
    url: c.url,
    groupId: c.groupId,
    playlistId: c.playlistId,
    enabled: c.enabled,
    keepStatus: c.keepStatus,
    missing: c.missing,
    blockedReason: c.blockedReason,
    logo: c.attrs["tvg-logo"] ?? "",
  };
}

/** The channel table with its filter form. */
export function ChannelTable(props: ChannelTableProps) {
  const filter = useSignal<FilterView>(props.filter);
  const rows = useSignal<ChannelRow[]>(props.rows);
  const total = useSignal(props.total);
  const offset = useSignal(props.offset);
  const busy = useSignal(false);
  const seq = useRef(0);
  const groupName = new Map(props.groups.map((g) => [g.id, g.name]));
  const playlistName = new Map(props.playlists.map((p) => [p.id, p.name]));

  const load = async (f: FilterView, off: number) => {
    const mine = ++seq.current;
    busy.value = true;
    const p = new URLSearchParams(query(f, 0));
    p.set("limit", String(props.limit));
    if (off) p.set("cursor", String(off));
    const res = await fetch(`/api/v1/channels?${p}`, { credentials: "same-origin" });
    if (mine !== seq.current) return;
    busy.value = false;
    if (!res.ok) return;
    const body = await res.json();
    rows.value = body.items.map(toRow);
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
  const toggle = async (row: ChannelRow, field: "enabled" | "keepStatus") => {
    const res = await fetch(`/api/v1/channels/${row.id}`, {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": props.csrf },
      body: JSON.stringify({ [field]: !row[field] }),
    });
    if (res.ok) {
      const c = toRow(await res.json());
      rows.value = rows.value.map((r) => r.id === c.id ? c : r);
    }
  };
  const f = filter.value;
  const groups = props.groups.filter((g) => !f.playlistId || g.playlistId === f.playlistId);
  const off = offset.value;
  const end = off + rows.value.length;
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
        <select
          name="playlistId"
          aria-label="Playlist"
          value={f.playlistId}
          onChange={(e) => change({ playlistId: e.currentTarget.value })}
        >
          <option value="">All playlists</option>
          {props.playlists.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
        <select
          name="groupId"
          aria-label="Group"
          value={f.groupId}
          onChange={(e) => change({ groupId: e.currentTarget.value })}
        >
          <option value="">All groups</option>
          {groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
        </select>
        <select
          name="enabled"
          aria-label="State"
          value={f.enabled}
          onChange={(e) => change({ enabled: e.currentTarget.value })}
        >
          <option value="">Enabled and disabled</option>
          <option value="true">Enabled only</option>
          <option value="false">Disabled only</option>
        </select>
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
          <input type="hidden" name="q" value={f.q} />
          <input type="hidden" name="playlistId" value={f.playlistId} />
          <input type="hidden" name="groupId" value={f.groupId} />
          <input type="hidden" name="enabled" value={f.enabled} />
          <button class="small secondary" name="action" value="enable" type="submit">
            Enable all {total.value} matching
          </button>{" "}
          <button class="small secondary" name="action" value="disable" type="submit">
            Disable all {total.value} matching
          </button>
        </form>
      </div>
      <div class="card">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th class="opt">Group</th>
              <th class="opt">Playlist</th>
              <th class="opt">URL</th>
              <th>Enabled</th>
              <th>Keep status</th>
            </tr>
          </thead>
          <tbody>
            {rows.value.map((r) => (
              <tr key={r.id} data-channel-id={r.id}>
                <td>
                  <a href={`/admin/channels/${r.id}`}>{r.name}</a>
                  {r.missing && (
                    <>
                      {" "}
                      <span class="badge failed">gone upstream</span>
                    </>
                  )}
                  {r.blockedReason && <div class="hint">Disabled on import: {r.blockedReason}</div>}
                </td>
                <td class="opt">{groupName.get(r.groupId) ?? ""}</td>
                <td class="opt">{playlistName.get(r.playlistId) ?? ""}</td>
                <td class="url opt" title={r.url}>{r.url}</td>
                <td>
                  <button
                    type="button"
                    class={`small ${r.enabled ? "" : "secondary"}`}
                    aria-pressed={r.enabled}
                    onClick={() => toggle(r, "enabled")}
                  >
                    {r.enabled ? "On" : "Off"}
                  </button>
                </td>
                <td>
                  <button
                    type="button"
                    class={`small ${r.keepStatus ? "" : "secondary"}`}
                    aria-pressed={r.keepStatus}
                    onClick={() => toggle(r, "keepStatus")}
                  >
                    {r.keepStatus ? "Kept" : "No"}
                  </button>
                </td>
              </tr>
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
    </div>
  );
}
