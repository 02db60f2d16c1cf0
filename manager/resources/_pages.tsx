/** The pages a resource definition makes: list, new and edit forms, save, delete. */
import { Hono } from "hono";
import { ConflictError, ValidationError } from "../../common/errors.ts";
import type { ManagerEnv } from "../auth.ts";
import { Field, TextArea } from "../components/Field.tsx";
import { Csrf, page } from "../components/Layout.tsx";
import { TableHead } from "../components/TableHead.tsx";
import { Select } from "../components/Select.tsx";
import type { ManagerDeps } from "../deps.ts";
import { redirectWithNotice } from "../notice.ts";
import type { FormProps, PageContext, PagesSpec, ResourceSpec } from "./define.ts";
import {
  type FieldErrors,
  formErrors,
  type FormField,
  formSchema,
  formValues,
  postedValues,
} from "./form.ts";

/** The fields of a form, rendered from their definitions. */
export async function FormFields(props: FormProps & { fields: readonly FormField[] }) {
  const { deps, values, errors } = props;
  const out = [];
  for (const f of props.fields) {
    const hint = typeof f.hint === "function" ? f.hint(deps) : f.hint;
    const common = { label: f.label, name: f.name, value: values[f.name], errors, hint };
    if (f.kind === "checkbox") {
      out.push(
        <label>
          <input type="checkbox" name={f.name} checked={values[f.name] === "on"} /> {f.label}
        </label>,
      );
    } else if (f.kind === "lines" || f.kind === "custom") {
      out.push(<TextArea {...common} />);
    } else if (f.kind === "select") {
      out.push(<Select {...common} options={await f.options(deps)} />);
    } else {
      out.push(<Field {...common} type={f.kind} required={f.required} />);
    }
  }
  return <>{out}</>;
}

/** Routes of the pages of one resource. */
export function resourcePages<V extends { id: string; name: string }, I, O>(
  spec: ResourceSpec<V, I, O>,
  deps: ManagerDeps,
): Hono<ManagerEnv> {
  const pages = spec.pages as PagesSpec<V, O>;
  const base = `/admin/${spec.path}`;
  const parse = formSchema(spec.fields, spec.input);
  const app = new Hono<ManagerEnv>();

  const form = async (
    c: PageContext,
    opts: { id?: string; values: Record<string, string>; errors?: FieldErrors; error?: string },
  ) => {
    const props: FormProps = {
      c,
      deps,
      id: opts.id,
      values: opts.values,
      errors: opts.errors ?? {},
    };
    const body = pages.form
      ? await pages.form(props)
      : await FormFields({ ...props, fields: spec.fields });
    const aside = opts.id && pages.aside ? await pages.aside({ ...props, id: opts.id }) : null;
    return page(
      c,
      opts.id ? pages.editTitle(opts.values) : pages.newTitle,
      <>
        <form method="post" class="card" action={opts.id ? `${base}/${opts.id}` : base}>
          <Csrf c={c} />
          {body}
          {!opts.id && pages.newNote}
          <p>
            <button type="submit">Save</button>{" "}
            <a href={pages.cancelPath?.(opts.id) ?? base}>Cancel</a>
          </p>
        </form>
        {aside}
      </>,
      { status: opts.errors || opts.error ? 422 : 200, error: opts.error },
    );
  };

  const list = async (c: PageContext, error?: string) => {
    const items = await spec.ops.list(deps);
    const hasActions = !!pages.actions || pages.deleteInList !== false;
    const row = (v: V) => (
      <tr {...dataAttributes(pages.rowData?.(v))}>
        {pages.columns.map((col) => (
          <td
            key={col.head}
            class={[col.class, col.opt && "opt"].filter(Boolean).join(" ") || undefined}
          >
            {col.cell(v, c, deps)}
          </td>
        ))}
        {hasActions && <td class={pages.actions ? "actions" : undefined}>{actions(c, v)}</td>}
      </tr>
    );
    const table = (
      <table class={pages.tableClass}>
        <TableHead headings={pages.columns} actions={hasActions} />
        <tbody>{items.map(row)}</tbody>
      </table>
    );
    return page(
      c,
      pages.title,
      <>
        <div class="toolbar">
          <a class="btn" href={`${base}/new`}>{pages.addLabel}</a>
        </div>
        <div class="card">
          {items.length === 0 ? <p class="muted">{pages.empty}</p> : table}
        </div>
      </>,
      // An error, not a flash: the flash box says things went well.
      { status: error ? 409 : 200, error },
    );
  };

  /** A row's buttons: the resource's own, then Delete. */
  const actions = (c: PageContext, v: V) => (
    <>
      {pages.actions?.(v, c)}
      {pages.actions && pages.deleteInList !== false && " "}
      {pages.deleteInList !== false && (
        <form method="post" action={`${base}/${v.id}/delete`} class="inline">
          <Csrf c={c} />
          <button class="small danger" type="submit">Delete</button>
        </form>
      )}
    </>
  );

  const save = async (c: PageContext, id?: string) => {
    const body = await c.req.parseBody();
    const values = postedValues(body);
    const parsed = parse.safeParse(body);
    if (!parsed.success) {
      return form(c, { id, values, errors: formErrors(parsed.error, spec.fields) });
    }
    const input = parsed.data as I;
    let savedId = id ?? "";
    try {
      if (id) await spec.ops.update(deps, id, input, {});
      else {
        const ctx = {
          deps,
          userId: c.var.user.id,
          via: "form" as const,
          options: pages.formOptions as O,
        };
        savedId = (await spec.ops.create(input, ctx)).id;
      }
    } catch (err) {
      if (err instanceof ValidationError) return form(c, { id, values, errors: err.issues });
      if (err instanceof ConflictError) return form(c, { id, values, error: err.message });
      throw err;
    }
    return redirectWithNotice(c, pages.savedPath?.(savedId) ?? base, {
      notice: `${spec.noun} saved`,
    });
  };

  pages.routes?.(app, deps);
  app.get("/", (c) => list(c));
  app.get(
    "/new",
    (c) => form(c, { values: formValues(spec.fields, pages.defaults?.(deps) ?? {}) }),
  );
  app.get("/:id", async (c) => {
    const { value } = await spec.ops.get(deps, c.req.param("id"));
    return form(c, { id: value.id, values: formValues(spec.fields, value) });
  });
  app.post("/", (c) => save(c));
  app.post("/:id", (c) => save(c, c.req.param("id")));
  app.post("/:id/delete", async (c) => {
    try {
      await spec.ops.remove(deps, c.req.param("id"));
    } catch (err) {
      if (err instanceof ConflictError) return list(c, err.message);
      throw err;
    }
    return redirectWithNotice(c, base, { notice: `${spec.noun} deleted` });
  });
  return app;
}

/** `{ playlist: "Sports" }` as `data-playlist="Sports"`. */
function dataAttributes(data: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [`data-${k}`, v]));
}
