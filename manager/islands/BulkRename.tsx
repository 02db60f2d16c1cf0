/**
 * Renaming every channel of the current filter: replace text (or a regular expression), add a
 * prefix or suffix, or go back to the imported names. Preview asks the API for a dry run; the
 * form itself posts to /admin/channels/rename, so it works without JavaScript too.
 */
import { useSignal } from "@preact/signals";
import { FilterFields, type FilterView } from "./channel_filter.tsx";

/** Props: the filter the rename applies to, how many match, the CSRF token. */
export interface BulkRenameProps {
  filter: FilterView;
  total: number;
  csrf: string;
}

interface Preview {
  matched: number;
  changed: number;
  samples: { id: string; from: string; to: string }[];
}

type Mode = "replace" | "prefix" | "suffix" | "reset";

/** The rename form of the current filter. */
export function BulkRename(props: BulkRenameProps) {
  const mode = useSignal<Mode>("replace");
  const preview = useSignal<Preview | null>(null);
  const error = useSignal("");
  const f = props.filter;
  const run = async (form: HTMLFormElement) => {
    const data = new FormData(form);
    const text = (k: string) => String(data.get(k) ?? "");
    const rename = mode.value === "replace"
      ? { mode: "replace", find: text("find"), replace: text("replace"), regex: data.has("regex") }
      : mode.value === "reset"
      ? { mode: "reset" }
      : { mode: mode.value, text: text("text") };
    const res = await fetch("/api/v1/channels/bulk-rename", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": props.csrf },
      body: JSON.stringify({
        playlistId: f.playlistId || undefined,
        groupId: f.groupId || undefined,
        enabled: f.enabled === "" ? undefined : f.enabled === "true",
        q: f.q || undefined,
        guide: f.guide || undefined,
        rename,
        dryRun: true,
      }),
    });
    const body = await res.json();
    if (res.ok) {
      preview.value = body;
      error.value = "";
    } else {
      preview.value = null;
      const issues = Object.values(body.issues ?? {}).flat().join(" ");
      error.value = `${body.error}${issues ? `: ${issues}` : ""}`;
    }
  };
  const p = preview.value;
  return (
    <details class="bulk">
      <summary>Rename all {props.total} matching…</summary>
      <form
        method="post"
        action="/admin/channels/rename"
        class="card"
        onInput={() => preview.value = null}
      >
        <input type="hidden" name="_csrf" value={props.csrf} />
        <FilterFields filter={f} />
        <div class="rename">
          <div>
            <label for="rename-mode">How</label>
            <select
              id="rename-mode"
              name="mode"
              value={mode.value}
              onChange={(e) => mode.value = e.currentTarget.value as Mode}
            >
              <option value="replace">Replace text</option>
              <option value="prefix">Add a prefix</option>
              <option value="suffix">Add a suffix</option>
              <option value="reset">Back to the imported names</option>
            </select>
          </div>
          {mode.value === "replace" && (
            <>
              <div>
                <label for="rename-find">Find</label>
                <input id="rename-find" name="find" type="text" required />
              </div>
              <div>
                <label for="rename-replace">Replace with</label>
                <input id="rename-replace" name="replace" type="text" />
              </div>
              <div>
                <label class="check">
                  <input type="checkbox" name="regex" value="true" /> Regular expression
                </label>
              </div>
            </>
          )}
          {(mode.value === "prefix" || mode.value === "suffix") && (
            <div>
              <label for="rename-text">{mode.value === "prefix" ? "Prefix" : "Suffix"}</label>
              <input id="rename-text" name="text" type="text" required />
            </div>
          )}
        </div>
        <p class="hint">
          New names are stored as overrides and survive every refresh; a name emptied or set back to
          the imported one uses the imported name again.
        </p>
        <div class="toolbar">
          <button
            type="button"
            class="secondary"
            onClick={(e) => {
              const form = e.currentTarget.form!;
              if (form.reportValidity()) run(form);
            }}
          >
            Preview
          </button>
          <button type="submit">Rename</button>
        </div>
        <div role="status">
          {error.value && <p class="field-error">{error.value}</p>}
          {p && (
            <div data-testid="rename-preview">
              <p>
                {p.changed} of {p.matched} channels would be renamed{p.changed ? ", e.g." : "."}
              </p>
              <ul class="samples">
                {p.samples.map((s) => <li key={s.id}>{s.from} → {s.to}</li>)}
              </ul>
            </div>
          )}
        </div>
      </form>
    </details>
  );
}
