/**
 * The preview part of the downstream playlist editor: the channels the unsaved settings give,
 * with numbers, logos and guide match. Renders what DownstreamGroups fetched; no state of its own.
 */
import type { Preview } from "../services/downstream_editor.ts";

/** Props: the last preview (null before the first), and what went wrong fetching one. */
export interface GroupPreviewProps {
  preview: Preview | null;
  busy: boolean;
  error: string | null;
  /** The playlist names by id, to tell two groups of one name apart. */
  playlistNames: Map<string, string>;
}

function summary(p: Preview): string {
  if (p.perEntry.length === 0) return "No channels yet: add groups to the playlist.";
  if (p.total === 0) {
    return "No channels: the chosen groups have no enabled channels, or the filters exclude all.";
  }
  const channels = p.total === 1 ? "1 channel" : `${p.total} channels`;
  const guide = p.withoutGuide === 0
    ? "every one has guide data"
    : `${p.withoutGuide} without guide data`;
  return `${channels}, ${guide}.`;
}

const GUIDE_BY = { manual: "mapped by hand", "tvg-id": "by tvg-id", name: "by name" } as const;

/** The preview of the channels, its count announced to screen readers as it changes. */
export function GroupPreview(props: GroupPreviewProps) {
  const p = props.preview;
  return (
    <section class="ge-preview" aria-labelledby="ge-preview-h" aria-busy={props.busy}>
      <h2 id="ge-preview-h">Preview</h2>
      <p class="ge-count">
        {/* Polite, and without "Updating…": the count is read out once it settles. */}
        <span aria-live="polite" data-testid="preview-count">
          {props.error
            ? `Preview unavailable: ${props.error}`
            : p
            ? summary(p)
            : "Loading the preview…"}
        </span>
        {props.busy && p && <span class="muted" aria-hidden="true">Updating…</span>}
      </p>
      <p class="hint">
        Follows the groups above and the exclusion filters and numbering below; nothing is saved
        until you save the form.
      </p>
      {p && p.channels.length > 0 && (
        // A scroll box of its own: a long preview does not push the rest of the form away.
        <div class="ge-scroll" tabIndex={0} role="region" aria-label="Preview channels">
          <table class="ge-table" data-testid="preview">
            <thead>
              <tr>
                <th scope="col" class="ge-num">#</th>
                <th scope="col" class="ge-logo">
                  <span class="ge-sr">Logo</span>
                </th>
                <th scope="col">Channel</th>
                <th scope="col">Guide</th>
              </tr>
            </thead>
            <tbody>
              {p.channels.map((c) => (
                <tr key={c.id} data-channel={c.name}>
                  <td class="ge-num">{c.number ?? "–"}</td>
                  <td class="ge-logo">
                    {c.logo
                      ? <img src={c.logo} alt="" loading="lazy" width={40} height={30} />
                      : <span class="muted" title={c.logoSource || "No logo"}>–</span>}
                  </td>
                  <td>
                    {/* Plain text: a link would leave the form and lose what is not saved. */}
                    {c.name}
                    <div class="hint">
                      {c.group} · {props.playlistNames.get(c.playlistId) ?? ""} ·{" "}
                      {/* Its own tab: the form stays as it is. */}
                      <a
                        href={`/admin/channels/${c.id}?play=1`}
                        target="_blank"
                        rel="noopener"
                        data-testid="preview-play"
                      >
                        Play<span class="ge-sr">{` ${c.name} (opens in a new tab)`}</span>
                      </a>
                    </div>
                  </td>
                  <td>
                    {c.guide
                      ? (
                        <>
                          <span class="badge ok" title={c.tvgId}>{c.guide.name}</span>
                          <div class="hint">{GUIDE_BY[c.guide.by]}</div>
                        </>
                      )
                      : <span class="badge failed">none</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p && p.total > p.channels.length && (
        <p class="muted">First {p.channels.length} of {p.total} shown.</p>
      )}
    </section>
  );
}
