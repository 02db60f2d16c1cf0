/** Form fields with label, hint and field error. */
import type { ComponentChild } from "preact";
import type { z } from "zod";

/** Field errors keyed by field name. */
export type FieldErrors = Record<string, string[]>;

/** Turns zod issues into field errors (first path segment). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const i of error.issues) (out[String(i.path[0] ?? "_")] ??= []).push(i.message);
  return out;
}

/** What every labelled control takes. */
export interface ControlProps {
  label: string;
  name: string;
  hint?: string;
  errors?: FieldErrors;
}

/** A control with its label above and its hint and field errors below. */
export function Labelled(
  props: ControlProps & { children: (id: string, invalid: "true" | undefined) => ComponentChild },
) {
  const id = `f-${props.name}`;
  const errs = props.errors?.[props.name];
  return (
    <div>
      <label for={id}>{props.label}</label>
      {props.children(id, errs ? "true" : undefined)}
      {props.hint && <div class="hint">{props.hint}</div>}
      {errs && <div class="field-error">{errs.join(" ")}</div>}
    </div>
  );
}

/** A labelled input. */
export function Field(
  props: ControlProps & {
    value?: string | number;
    type?: string;
    required?: boolean;
    autocomplete?: string;
  },
) {
  return (
    <Labelled {...props}>
      {(id, invalid) => (
        <input
          id={id}
          name={props.name}
          type={props.type ?? "text"}
          value={props.value ?? ""}
          required={props.required}
          autocomplete={props.autocomplete}
          aria-invalid={invalid}
        />
      )}
    </Labelled>
  );
}

/** A labelled textarea. */
export function TextArea(props: ControlProps & { value?: string }) {
  return (
    <Labelled {...props}>
      {(id) => <textarea id={id} name={props.name}>{props.value ?? ""}</textarea>}
    </Labelled>
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
