/** A labelled select with its hint and field error, like Field. */
import type { FieldErrors } from "./Field.tsx";

/** A labelled select; `options` are [value, label] pairs, the one equal to `value` chosen. */
export function Select(props: {
  label: string;
  name: string;
  value?: string;
  options: [string, string][];
  hint?: string;
  errors?: FieldErrors;
}) {
  const id = `f-${props.name}`;
  const errs = props.errors?.[props.name];
  return (
    <div>
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} aria-invalid={errs ? "true" : undefined}>
        {props.options.map(([v, l]) => (
          <option key={v} value={v} selected={v === (props.value ?? "")}>{l}</option>
        ))}
      </select>
      {props.hint && <div class="hint">{props.hint}</div>}
      {errs && <div class="field-error">{errs.join(" ")}</div>}
    </div>
  );
}
