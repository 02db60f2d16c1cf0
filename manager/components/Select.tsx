/** A labelled select with its hint and field error, like Field. */
import { type ControlProps, Labelled } from "./Field.tsx";

/** A labelled select; `options` are [value, label] pairs, the one equal to `value` chosen. */
export function Select(props: ControlProps & { value?: string; options: [string, string][] }) {
  return (
    <Labelled {...props}>
      {(id, invalid) => (
        <select id={id} name={props.name} aria-invalid={invalid}>
          {props.options.map(([v, l]) => (
            <option key={v} value={v} selected={v === (props.value ?? "")}>{l}</option>
          ))}
        </select>
      )}
    </Labelled>
  );
}
