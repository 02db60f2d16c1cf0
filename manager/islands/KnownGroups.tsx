/**
 * The searchable list of known groups in the downstream playlist editor, each with its upstream
 * playlist and channel count. Renders what DownstreamGroups holds; no state of its own.
 */
import {
  type GroupChoice,
  type GroupChoices,
  type GroupEntry,
  isChosen,
  searchChoices,
} from "./group_editor.ts";

/** Results listed at most; more ask for a narrower search (a provider may have thousands). */
const SHOWN = 100;

/** Props: the groups (null while they load), the chosen entries, the search and the actions. */
export interface KnownGroupsProps {
  choices: GroupChoices | null;
  entries: GroupEntry[];
  query: string;
  loadError: string | null;
  onSearch: (q: string) => void;
  onRetry: () => void;
  onAdd: (g: GroupChoice, playlistName: string) => void;
}

function channels(n: number): string {
  return n === 1 ? "1 channel" : `${n} channels`;
}

/** The search field and the groups it finds, each with an Add button. */
export function KnownGroups(props: KnownGroupsProps) {
  const c = props.choices;
  const found = c ? searchChoices(c, props.query) : [];
  const playlistNames = new Map((c?.playlists ?? []).map((p) => [p.id, p.name]));
  return (
    <section class="ge-box" aria-labelledby="ge-known-h">
      <h2 id="ge-known-h">Known groups</h2>
      <label for="ge-search">Search groups</label>
      <input
        id="ge-search"
        type="search"
        placeholder="Group or playlist name"
        autocomplete="off"
        value={props.query}
        aria-controls="ge-known"
        onInput={(e) => props.onSearch(e.currentTarget.value)}
      />
      {props.loadError && (
        <p class="field-error" role="alert">
          {props.loadError}{" "}
          <button type="button" class="small secondary" onClick={props.onRetry}>Try again</button>
        </p>
      )}
      <p class="hint" aria-live="polite">
        {!c
          ? "Loading the groups…"
          : found.length === 0
          ? "No group matches."
          : found.length > SHOWN
          ? `${SHOWN} of ${found.length} groups shown; narrow the search.`
          : `${found.length} of ${c.groups.length} groups.`}
      </p>
      <ul class="ge-list" id="ge-known">
        {found.slice(0, SHOWN).map((g) => {
          const chosen = isChosen(props.entries, g);
          const where = playlistNames.get(g.playlistId) ?? "";
          return (
            <li key={`${g.playlistId}:${g.name}`}>
              <span class="ge-what">
                <strong>{g.label}</strong>
                <span class="hint">
                  {where} · {channels(g.channels)}
                  {g.label !== g.name ? ` · renamed from ${g.name}` : ""}
                  {!g.enabled ? " · disabled" : ""}
                </span>
              </span>
              {
                /* aria-disabled, not disabled: the button keeps the focus once it is added. Its
                  name is its visible word and hidden words (WCAG 2.5.3, label in name). */
              }
              <button
                type="button"
                class="small"
                aria-disabled={chosen ? "true" : undefined}
                onClick={() => {
                  if (!chosen) props.onAdd(g, where);
                }}
              >
                {chosen ? "Added" : "Add"}
                <span class="ge-sr">{` ${g.label} from ${where}`}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
