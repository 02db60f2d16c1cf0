/**
 * One row of the channel list: logo, number and name edited in place (saved when the field is
 * left or Enter is pressed), tvg-id, the guide match with a button to pick another, and the
 * enabled and keep-status toggles.
 */
import type { ChannelView, OverridePatch } from "./channel_api.ts";
import { Logo } from "./Logo.tsx";

/** Props of a row. */
export interface ChannelRowProps {
  row: ChannelView;
  groupName: string;
  playlistName: string;
  /** saves a change of the overrides */
  onEdit: (row: ChannelView, patch: OverridePatch, what: string) => void;
  onToggle: (row: ChannelView, field: "enabled" | "keepStatus") => void;
  onPickGuide: (row: ChannelView) => void;
}

const BY = { manual: "mapped by hand", "tvg-id": "by tvg-id", name: "by name" };

/** A channel row. */
export function ChannelRow(props: ChannelRowProps) {
  const r = props.row;
  const number = (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const raw = input.value.trim();
    if (raw !== "" && !/^\d+$/.test(raw)) {
      input.setCustomValidity("A whole number, or empty for none");
      input.reportValidity();
      return;
    }
    input.setCustomValidity("");
    const n = raw === "" ? null : Number(raw);
    if (n !== r.number) props.onEdit(r, { number: n }, "number");
  };
  const name = (e: Event) => {
    const raw = (e.currentTarget as HTMLInputElement).value.trim();
    // Empty, or the imported name again: back to the imported name.
    const next = raw === "" || raw === r.importedName ? null : raw;
    if ((next ?? r.importedName) !== r.name) props.onEdit(r, { name: next }, "name");
  };
  // Enter saves and moves down a row, as in a spreadsheet (leaving the field fires "change").
  const enter = (e: KeyboardEvent) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    const input = e.currentTarget as HTMLInputElement;
    const col = input.closest("td")?.dataset.col;
    const below = input.closest("tr")?.nextElementSibling
      ?.querySelector<HTMLInputElement>(`td[data-col="${col}"] input`);
    if (below) below.focus();
    else input.blur();
  };
  return (
    <tr data-channel-id={r.id}>
      <td data-col="logo">
        <Logo src={r.logo} name={r.name} />
      </td>
      <td data-col="number">
        <input
          // A new stored value remounts the field (defaultValue applies at mount only); the
          // other fields of the row keep their focus and what is being typed in them.
          key={`number:${r.number}`}
          class="num"
          type="text"
          inputMode="numeric"
          defaultValue={r.number === null ? "" : String(r.number)}
          placeholder={r.chno || "#"}
          aria-label={`Number of ${r.name}`}
          onChange={number}
          onKeyDown={enter}
        />
      </td>
      <td data-col="name">
        <input
          key={`name:${r.name}`}
          class="name"
          type="text"
          defaultValue={r.name}
          aria-label={`Name of ${r.importedName}`}
          onChange={name}
          onKeyDown={enter}
        />
        <div class="sub">
          <a href={`/admin/channels/${r.id}`}>
            Details<span class="sr">{` of ${r.name}`}</span>
          </a>
          {r.name !== r.importedName && ` · imported as ${r.importedName}`}
          {r.missing && <span class="badge failed">gone upstream</span>}
        </div>
        {r.blockedReason && <div class="hint">Disabled on import: {r.blockedReason}</div>}
      </td>
      <td data-col="tvg-id" class="opt">
        {r.tvgId ? <code>{r.tvgId}</code> : "—"}
        <div class="sub url" title={r.url}>{r.url}</div>
      </td>
      <td data-col="guide">
        <div class="guide-cell">
          {r.guide
            ? (
              <>
                <Logo src={r.guide.logo} name={r.guide.name} size={24} />
                <span class="what">
                  <span>{r.guide.name}</span>
                  <span class="sub">
                    <code>{r.guide.channelId}</code> {BY[r.guide.by]}
                  </span>
                </span>
              </>
            )
            : (
              <span class="what">
                <span class="badge nodata">No guide data</span>
              </span>
            )}
          <button
            type="button"
            class="small secondary"
            onClick={() => props.onPickGuide(r)}
          >
            {r.guide ? "Change" : "Map"}
            <span class="sr">{` the guide channel of ${r.name}`}</span>
          </button>
        </div>
      </td>
      <td data-col="group" class="opt">
        {props.groupName}
        <div class="sub">{props.playlistName}</div>
      </td>
      <td data-col="enabled" data-label="Enabled">
        <button
          type="button"
          class={`small ${r.enabled ? "" : "secondary"}`}
          aria-pressed={r.enabled}
          onClick={() => props.onToggle(r, "enabled")}
        >
          {r.enabled ? "On" : "Off"}
        </button>
      </td>
      <td data-col="keep" data-label="Keep status">
        <button
          type="button"
          class={`small ${r.keepStatus ? "" : "secondary"}`}
          aria-pressed={r.keepStatus}
          onClick={() => props.onToggle(r, "keepStatus")}
        >
          {r.keepStatus ? "Kept" : "No"}
        </button>
      </td>
    </tr>
  );
}
