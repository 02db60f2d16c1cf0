/**
 * Import sources (upstream playlists, guides) as resources: one shape of form (a URL or a
 * DATA_DIR file, a user agent, a refresh interval), one list with live import progress and an
 * import button, and one import route in the pages and the API.
 */
import type { Hono } from "hono";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { ComponentChildren } from "preact";
import { listUserAgents } from "../../common/db/user_agents.ts";
import { ConflictError } from "../../common/errors.ts";
import type { ImportRun } from "../../common/schemas.ts";
import { errorsOf, IdParam, json } from "../api/_common.ts";
import type { ManagerEnv } from "../auth.ts";
import { Csrf } from "../components/Layout.tsx";
import { NameLink } from "../components/NameLink.tsx";
import type { ManagerDeps } from "../deps.ts";
import { redirectWithNotice } from "../notice.ts";
import {
  checkSourceInput,
  type Source,
  type SourceFields,
  type SourceView,
  sourceViews,
  viewOf,
} from "../services/sources.ts";
import {
  defineResource,
  type FormProps,
  repositoryOps,
  type Resource,
  type ResourceOps,
} from "./define.ts";
import { type FormField, inputDefaults, nameField } from "./form.ts";

/** What differs between the kinds of source. */
export interface SourceSpec<S extends SourceFields & { id: string }, I, R, X, O> {
  source: Source<S, I, R, X>;
  noun: string;
  /** Sentence words for the API's descriptions ("playlist"). */
  apiNoun: string;
  path: string;
  input: z.ZodObject<z.ZodRawShape> & z.ZodType<I>;
  titles: { list: string; add: string; empty: string; new: string; edit(name: string): string };
  /** Hints of the URL and the local file fields. */
  urlHint: string;
  pathHint(deps: ManagerDeps): string;
  /** Fields of this kind only, between the user agent and the refresh interval. */
  fields?: FormField[];
  rowData(v: SourceView<S, R, X>): Record<string, string>;
  /** Under the name in the list. */
  nameNote?(v: SourceView<S, R, X>): ComponentChildren;
  /** The live import progress of a row (an island). */
  progress(v: SourceView<S, R, X>, deps: ManagerDeps): ComponentChildren;
  progressHead: string;
  api: {
    path: string;
    name: string;
    tag: string;
    view: z.ZodType;
    run: z.ZodType;
    createOptions?: z.ZodRawShape;
  };
  /** Creates; by default the repository's create after the input's checks. */
  create?: ResourceOps<SourceView<S, R, X>, I, O>["create"];
  newNote?: ComponentChildren;
  formOptions?: O;
  aside?(props: FormProps & { id: string }): ComponentChildren | Promise<ComponentChildren>;
  /** Further page routes (before the generic ones). */
  routes?(app: Hono<ManagerEnv>, deps: ManagerDeps): void;
  /** Further API routes. */
  apiRoutes?(app: OpenAPIHono<ManagerEnv>, deps: ManagerDeps): void;
}

/** Defines an import source as a resource with its import routes. */
export function defineSource<
  S extends SourceFields & { id: string },
  I extends Partial<SourceFields>,
  R,
  X,
  O,
>(
  spec: SourceSpec<S, I, R, X, O>,
): Resource<SourceView<S, R, X>, I, O> {
  const { source } = spec;
  const base = `/admin/${spec.path}`;
  const tags = [spec.api.tag];
  type V = SourceView<S, R, X>;
  return defineResource<V, I, O>({
    noun: spec.noun,
    path: spec.path,
    input: spec.input,
    fields: [
      nameField(),
      { name: "url", label: "URL", kind: "url", hint: spec.urlHint },
      { name: "path", label: "Local file", kind: "text", hint: spec.pathHint },
      {
        name: "userAgentId",
        label: "User agent",
        kind: "select",
        options: async (deps) => [
          ["", "Default (USER_AGENT_STRING)"],
          ...(await listUserAgents(deps.kv)).map((ua): [string, string] => [ua.id, ua.name]),
        ],
      },
      ...spec.fields ?? [],
      {
        name: "refreshMinutes",
        label: "Refresh every (minutes)",
        kind: "number",
        hint: "0 turns the scheduled refresh off.",
      },
      { name: "enabled", label: "Enabled", kind: "checkbox" },
    ],
    ops: {
      ...repositoryOps(source.repo, checkSourceInput) as ResourceOps<V, I, O>,
      list: (deps) => sourceViews(deps, source),
      get: async (deps, id) => {
        const { value, version } = await source.repo.getVersioned(deps.kv, id);
        return { value: await viewOf(deps, source, value), version };
      },
      ...spec.create && { create: spec.create },
    },
    pages: {
      title: spec.titles.list,
      addLabel: spec.titles.add,
      empty: spec.titles.empty,
      newTitle: spec.titles.new,
      editTitle: (v) => spec.titles.edit(v.name ?? ""),
      tableClass: "stack",
      defaults: () => inputDefaults(spec.input),
      rowData: spec.rowData,
      columns: [
        {
          head: "Name",
          cell: (v) => (
            <>
              <NameLink href={`${base}/${v.id}`} name={v.name} enabled={v.enabled} />
              {spec.nameNote?.(v)}
            </>
          ),
        },
        {
          head: "Source",
          opt: true,
          class: "url",
          cell: (v) => <span title={v.url || v.path}>{v.url || v.path}</span>,
        },
        { head: spec.progressHead, cell: (v, _c, deps) => spec.progress(v, deps) },
      ],
      actions: (v, c) => (
        <form method="post" action={`${base}/${v.id}/import`} class="inline">
          <Csrf c={c} />
          <button class="small" type="submit">Download and import now</button>
        </form>
      ),
      newNote: spec.newNote,
      formOptions: spec.formOptions,
      aside: spec.aside,
      routes: (app, deps) => {
        spec.routes?.(app, deps);
        app.post("/:id/import", async (c) => {
          try {
            await source.start(deps, c.req.param("id"), "manual");
          } catch (err) {
            if (err instanceof ConflictError) {
              return redirectWithNotice(c, base, { notice: err.message });
            }
            throw err;
          }
          return redirectWithNotice(c, base, { notice: "Import started" });
        });
      },
    },
    api: {
      path: spec.api.path,
      name: spec.api.name,
      tag: spec.api.tag,
      noun: spec.apiNoun,
      view: spec.api.view,
      createOptions: spec.api.createOptions,
      routes: (app, deps) => {
        app.openapi(
          createRoute({
            method: "post",
            path: `${spec.api.path}/{id}/import`,
            tags,
            summary: `Start an import of a ${spec.apiNoun}`,
            request: { params: IdParam },
            responses: {
              202: json(spec.api.run, `The import started; poll the ${spec.apiNoun}`),
              ...errorsOf(404, 409),
            },
          }),
          async (c) => {
            const { run } = await source.start(deps, c.req.valid("param").id, "api");
            return c.json(run as ImportRun, 202);
          },
        );
        spec.apiRoutes?.(app, deps);
      },
    },
  });
}
