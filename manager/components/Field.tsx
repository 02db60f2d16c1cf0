/** Form fields with label, hint and field error. */
import type { z } from "zod";

/** Field errors keyed by field name. */
export type FieldErrors = Record<string, string[]>;

/** Turns zod issues into field errors (first path segment). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const i of error.issues) (out[String(i.path[0] ?? "_")] ??= []).push(i.message);
  return out;
}

/** A labelled input. */
export function Field(props: {
  label: string;
  name: string;
  value?: string | number;
  type?: string;
  hint?: string;
  errors?: FieldErrors;
  required?: boolean;
  autocomplete?: string;
}) {
  const id = `f-${props.name}`;
  const errs = props.errors?.[props.name];
  return (
    <div>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value ?? ""}
        required={props.required}
        autocomplete={props.autocomplete}
        aria-invalid={errs ? "true" : undefined}
      />
      {props.hint && <div class="hint">{props.hint}</div>}
      {errs && <div class="field-error">{errs.join(" ")}</div>}
    </div>
  );
}

/** A labelled textarea. */
export function TextArea(props: {
  label: string;
  name: string;
  value?: string;
  hint?: string;
  errors?: FieldErrors;
}) {
  const id = `f-${props.name}`;
  const errs = props.errors?.[props.name];
  return (
    <div>
      <label for={id}>{props.label}</label>
      <textarea id={id} name={props.name}>{props.value ?? ""}</textarea>
      {props.hint && <div class="hint">{props.hint}</div>}
      {errs && <div class="field-error">{errs.join(" ")}</div>}
    </div>
  );
}

/** Formats an ISO time in the configured time zone. */
export function formatTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "never";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    dateStyle: "medium",
    timeStyle: "short",
  }).format(new Date(iso));
}
