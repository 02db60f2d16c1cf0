/**
 * One definition per admin resource, in the spirit of Fresh's `define*` helpers: its schemas,
 * its operations, its form fields and list columns make its pages (list, form, save with 303 or
 * 422, delete) and its API routes (list, get, create, replace, PATCH, delete, documented with
 * their errors). Domain errors become statuses in common/http_errors.ts, nowhere else.
 */
import type { Context, Hono } from "hono";
import type { OpenAPIHono, z } from "@hono/zod-openapi";
import type { ComponentChildren } from "preact";
import type { NamedRecord, Repository, Versioned } from "../../common/db/_repository.ts";
import type { ManagerEnv } from "../auth.ts";
import type { ManagerDeps } from "../deps.ts";
import { resourceApi } from "./_api.ts";
import { resourcePages } from "./_pages.tsx";
import type { FieldErrors, FormField, FormValues } from "./form.ts";

/** What a page of a resource renders with. */
export type PageContext = Context<ManagerEnv>;

/** Who asks for a change, and what the caller asked for besides the input. */
export interface ChangeContext<O> {
  deps: ManagerDeps;
  /** The admin making the change, and through what. */
  userId: string;
  via: "form" | "api";
  /** Options of a create beside the record's fields (a playlist's `import`). */
  options: O;
}

/** The operations of a resource, over its repository and services. */
export interface ResourceOps<V extends { id: string; name: string }, I, O> {
  list(deps: ManagerDeps): Promise<V[]>;
  get(deps: ManagerDeps, id: string): Promise<Versioned<V>>;
  /** Creates; answers the id, or the whole answer where the API says more (a token's secret). */
  create(input: I, ctx: ChangeContext<O>): Promise<{ id: string; body?: unknown }>;
  update(
    deps: ManagerDeps,
    id: string,
    input: I,
    opts: { expectVersion?: string | null },
  ): Promise<unknown>;
  remove(deps: ManagerDeps, id: string): Promise<void>;
}

/** A column of the list page. */
export interface Column<V> {
  head: string;
  /** Hidden on a phone. */
  opt?: boolean;
  class?: string;
  cell(v: V, c: PageContext, deps: ManagerDeps): ComponentChildren;
}

/** What the form of a resource shows: generic fields, or markup of its own around them. */
export interface FormProps {
  c: PageContext;
  deps: ManagerDeps;
  id?: string;
  values: FormValues;
  errors: FieldErrors;
}

/** The pages of a resource under /admin/<path>. */
export interface PagesSpec<V, O> {
  /** List page title ("User agents") and its "Add …" button. */
  title: string;
  addLabel: string;
  empty: ComponentChildren;
  newTitle: string;
  editTitle(values: FormValues): string;
  /** Class of the list's table (`stack` stacks rows on a phone). */
  tableClass?: string;
  columns: Column<V>[];
  /** `data-*` attributes of a row, found by browser tests. */
  rowData?(v: V): Record<string, string>;
  /** Buttons of a row before Delete. */
  actions?(v: V, c: PageContext): ComponentChildren;
  /** False leaves Delete to another page (a downstream playlist's view). */
  deleteInList?: boolean;
  /** The form's values of a new record. */
  defaults?(deps: ManagerDeps): Record<string, unknown>;
  /** Markup of the form's fields, where generic fields do not say enough. */
  form?(props: FormProps): ComponentChildren | Promise<ComponentChildren>;
  /** Shown after the form of an existing record (offers of what to do next). */
  aside?(props: FormProps & { id: string }): ComponentChildren | Promise<ComponentChildren>;
  /** Shown under the fields of a new record's form ("Saving imports it at once"). */
  newNote?: ComponentChildren;
  /** Options of a create from the form. */
  formOptions?: O;
  /** Where Save leads (the list by default) and where Cancel does. */
  savedPath?(id: string): string;
  cancelPath?(id?: string): string;
  /** Further routes (an import button, a view page), mounted before the generic ones. */
  routes?(app: Hono<ManagerEnv>, deps: ManagerDeps): void;
}

/** The API of a resource under /api/v1<path>. */
export interface ApiSpec {
  path: string;
  /** Stem of the document's schema names: `${name}List`, `${name}Patch`, `${name}Create`. */
  name: string;
  tag: string;
  /** Singular words for descriptions ("user agent"). */
  noun: string;
  /** The record as the API shows it. */
  view: z.ZodType;
  /** Options of a create beside the record's fields, with their defaults. */
  createOptions?: z.ZodRawShape;
  /** The answer of a create, where it is not `view` (a token with its secret). */
  created?: z.ZodType;
  /** Further routes (an import), added to the same router. */
  routes?(app: OpenAPIHono<ManagerEnv>, deps: ManagerDeps): void;
}

/** One resource, as defined. */
export interface ResourceSpec<V extends { id: string; name: string }, I, O> {
  /** Sentence-case noun of notices: "User agent saved". */
  noun: string;
  /** Path under /admin. */
  path: string;
  /** The input of create and replace; `shape` is what a PATCH may send. */
  input: z.ZodObject<z.ZodRawShape> & z.ZodType<I>;
  /** The fields of the form (also how a posted form is parsed). */
  fields: FormField[];
  ops: ResourceOps<V, I, O>;
  pages?: PagesSpec<V, O>;
  api: ApiSpec;
}

/** What the app mounts of a resource, whatever its types. */
export interface MountableResource {
  /** Path under /admin. */
  path: string;
  /** Pages, when it has pages of its own. */
  pages: ((deps: ManagerDeps) => Hono<ManagerEnv>) | null;
  api(deps: ManagerDeps): OpenAPIHono<ManagerEnv>;
}

/** A defined resource: its spec, and what makes its pages and its API routes. */
export interface Resource<V extends { id: string; name: string }, I, O> extends MountableResource {
  spec: ResourceSpec<V, I, O>;
}

/** Defines a resource; its pages and API routes are made from the one definition. */
export function defineResource<
  V extends { id: string; name: string },
  I,
  O = Record<string, never>,
>(spec: ResourceSpec<V, I, O>): Resource<V, I, O> {
  return {
    spec,
    path: spec.path,
    pages: spec.pages ? (deps) => resourcePages(spec, deps) : null,
    api: (deps) => resourceApi(spec, deps),
  };
}

/**
 * The operations of a resource kept as is in a repository; `check` refuses an input that names
 * what does not exist (ValidationError) before a create or an update.
 */
export function repositoryOps<T extends NamedRecord, I, O>(
  repo: Repository<T, I>,
  check?: (deps: ManagerDeps, input: I) => Promise<void>,
): ResourceOps<T, I, O> {
  return {
    list: (deps) => repo.list(deps.kv),
    get: (deps, id) => repo.getVersioned(deps.kv, id),
    create: async (input, { deps }) => {
      await check?.(deps, input);
      return await repo.create(deps.kv, input);
    },
    update: async (deps, id, input, opts) => {
      await check?.(deps, input);
      return await repo.update(deps.kv, id, input, opts);
    },
    remove: (deps, id) => repo.remove(deps.kv, id),
  };
}
