/**
 * Form fields of a resource: what kind of input each is, how the posted strings become the
 * input object (a zod schema piped into the resource's input schema, never coerced by hand),
 * how a record becomes the strings a form shows, and how zod issues become field errors.
 */
import { z } from "zod";
import type { FieldErrors } from "../components/Field.tsx";
import type { ManagerDeps } from "../deps.ts";

export type { FieldErrors };

/** A choice of a select: its value and its label. */
export type Choice = [value: string, label: string];

interface FieldBase {
  name: string;
  label: string;
  /** Shown under the input; a function when it names configuration. */
  hint?: string | ((deps: ManagerDeps) => string);
  /** Said instead of zod's words for any error of this field ("A port from 1 to 65535"). */
  invalid?: string;
}

/** One input of a resource form. */
export type FormField =
  | FieldBase & { kind: "text" | "url" | "number"; required?: boolean }
  | FieldBase & { kind: "checkbox" }
  /** A textarea of one value a line. */
  | FieldBase & { kind: "lines" }
  /** A value of its own encoding (a downstream playlist's group entries). */
  | FieldBase & {
    kind: "custom";
    /** From the posted string (undefined when not posted) to the input's value. */
    parse: z.ZodType<unknown, string | undefined>;
    /** From the record's value to the string the form shows. */
    show(value: unknown): string;
  }
  | FieldBase & {
    kind: "select";
    /** The choices; an empty value is "none" and leaves the input's default. */
    options(deps: ManagerDeps): Promise<Choice[]> | Choice[];
  };

/** The name field every resource has; `hint` says where the name shows. */
export function nameField(hint?: string): FormField {
  return { name: "name", label: "Name", kind: "text", required: true, hint };
}

/** The strings a form shows (and posts), keyed by field name. */
export type FormValues = Record<string, string>;

/** A posted text field: what was sent, or "" when it is missing (or a file). */
export const formText = z.string().catch("");

const optional = z.string().optional();
/** How a posted string becomes the input's value, by field kind. */
const COERCE = {
  text: optional.transform((v) => v ?? ""),
  url: optional.transform((v) => v ?? ""),
  // Empty leaves the input's default; anything else must be a number the input accepts.
  number: optional.transform((v) => (v ?? "").trim() === "" ? undefined : Number(v)),
  // An unchecked box is not posted at all (HTML 4.01 §17.13.2).
  checkbox: optional.transform((v) => v === "on"),
  lines: optional.transform((v) =>
    (v ?? "").split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "")
  ),
  select: optional.transform((v) => v || undefined),
} as const;

/** The schema that turns a posted form into `input`'s output. */
export function formSchema(fields: readonly FormField[], input: z.ZodType) {
  const shape: Record<string, z.ZodType> = Object.fromEntries(
    fields.map((f) => [f.name, f.kind === "custom" ? f.parse : COERCE[f.kind]]),
  );
  return z.object(shape).pipe(input as z.ZodType<unknown, Record<string, unknown>>);
}

/** The strings a form shows for a record (or for defaults). */
export function formValues(
  fields: readonly FormField[],
  record: Record<string, unknown>,
): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    const v = record[f.name];
    out[f.name] = f.kind === "custom"
      ? f.show(v)
      : f.kind === "checkbox"
      ? (v ? "on" : "")
      : f.kind === "lines"
      ? (Array.isArray(v) ? v.join("\n") : "")
      : v === null || v === undefined
      ? ""
      : String(v);
  }
  return out;
}

/** The values an input takes for fields not sent: its schema's defaults. */
export function inputDefaults(input: z.ZodObject<z.ZodRawShape>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, schema] of Object.entries(input.shape)) {
    const r = (schema as z.ZodType).safeParse(undefined);
    if (r.success && r.data !== undefined) out[k] = r.data;
  }
  return out;
}

/** The strings as posted, for showing the form again. */
export function postedValues(body: Record<string, unknown>): FormValues {
  return Object.fromEntries(
    Object.entries(body).filter(([, v]) => typeof v === "string"),
  ) as FormValues;
}

/**
 * Field errors of a failed parse: one message a field (an empty name breaks several rules;
 * saying all reads oddly), every message of a list field (each line can be wrong), or the
 * field's own words.
 */
export function formErrors(error: z.ZodError, fields: readonly FormField[]): FieldErrors {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const name = String(issue.path[0] ?? "_");
    const field = byName.get(name);
    const list = out[name] ??= [];
    if (field?.invalid) out[name] = [field.invalid];
    else if (field?.kind === "lines" || list.length === 0) list.push(issue.message);
  }
  return out;
}
