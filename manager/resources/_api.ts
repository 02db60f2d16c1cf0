/** The API routes a resource definition makes: list, get, create, replace, PATCH, delete. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { InvalidRequestError } from "../../common/errors.ts";
import { apiRouter, errorsOf, flattenIssues, IdParam, json, listOf } from "../api/_common.ts";
import { ifMatch, setEtag } from "../api/_if_match.ts";
import type { ManagerEnv } from "../auth.ts";
import type { ManagerDeps } from "../deps.ts";
import type { ResourceSpec } from "./define.ts";

/**
 * What a PATCH may send: every field of the input, none required and none defaulted (a
 * default would overwrite the stored value of a field the caller left out).
 */
export function patchSchema(input: z.ZodObject<z.ZodRawShape>): z.ZodObject<z.ZodRawShape> {
  const shape = Object.fromEntries(
    Object.entries(input.shape).map(([k, s]) => [
      k,
      (s instanceof z.ZodDefault ? s.removeDefault() as z.ZodType : s as z.ZodType).optional(),
    ]),
  );
  return z.object(shape);
}

/** The stored value's fields that the input has, for merging a PATCH into. */
function inputFields(input: z.ZodObject<z.ZodRawShape>, value: object): Record<string, unknown> {
  const v = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(input.shape).filter((k) => k in v).map((k) => [k, v[k]]));
}

/** Answers a record with its version as the ETag (RFC 9110 §8.8.3). */
function withVersion(c: Context<ManagerEnv>, version: string, body: unknown, status: 200 | 201) {
  setEtag(c, version);
  return c.json(body as Record<string, unknown>, status);
}

/** Routes of the API of one resource. */
export function resourceApi<V extends { id: string; name: string }, I, O>(
  spec: ResourceSpec<V, I, O>,
  deps: ManagerDeps,
): OpenAPIHono<ManagerEnv> {
  const app = apiRouter();
  const api = spec.api;
  const { path, tag, noun, view, name } = api;
  const tags = [tag];
  const item = `${path}/{id}`;
  const body = (schema: z.ZodType) => ({
    content: { "application/json": { schema } },
    required: true,
  });
  const createInput = api.createOptions
    ? spec.input.safeExtend(api.createOptions).openapi(`${name}Create`)
    : spec.input;
  const patch = patchSchema(spec.input).openapi(`${name}Patch`);
  const etag = { headers: { etag: { schema: { type: "string" as const } } } };
  const answer = async (c: Context<ManagerEnv>, id: string, status: 200 | 201) => {
    const { value, version } = await spec.ops.get(deps, id);
    return withVersion(c, version, value, status);
  };

  app.openapi(
    createRoute({
      method: "get",
      path,
      tags,
      summary: `List every ${noun}`,
      responses: { 200: json(listOf(view, `${name}List`), `Every ${noun}`), ...errorsOf() },
    }),
    async (c) => c.json({ items: await spec.ops.list(deps), cursor: null }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path,
      tags,
      summary: `Create a ${noun}`,
      request: { body: body(createInput) },
      responses: {
        201: { ...json(api.created ?? view, "Created"), ...etag },
        ...errorsOf(400, 409, 415, 422),
      },
    }),
    async (c) => {
      // The options of a create (a playlist's `import`) are not fields of the record.
      const { ...input } = c.req.valid("json") as Record<string, unknown>;
      const options: Record<string, unknown> = {};
      for (const k of Object.keys(api.createOptions ?? {})) {
        options[k] = input[k];
        delete input[k];
      }
      const ctx = { deps, userId: c.var.user.id, via: "api" as const, options: options as O };
      const created = await spec.ops.create(input as I, ctx);
      if (created.body !== undefined) return c.json(created.body as Record<string, unknown>, 201);
      return await answer(c, created.id, 201);
    },
  );
  /** A route of one record, named by its id. */
  const ofOne = <M extends "get" | "delete">(method: M, summary: string) => ({
    method,
    path: item,
    tags,
    summary,
    request: { params: IdParam },
  });
  app.openapi(
    createRoute({
      ...ofOne("get", `Read a ${noun}`),
      responses: {
        200: { ...json(view, `The ${noun}; the ETag names its version`), ...etag },
        ...errorsOf(404),
      },
    }),
    (c) => answer(c, c.req.valid("param").id, 200),
  );
  const ifMatchHeader = z.object({
    "if-match": z.string().optional().openapi({
      description: "The ETag of the version to change: another version answers 409",
    }),
  });
  // A PATCH is merged into the stored fields and validated as a replacement is.
  const changes = [
    { method: "put" as const, schema: spec.input, verb: "Replace", said: "Replaced" },
    { method: "patch" as const, schema: patch, verb: "Change some fields of", said: "Changed" },
  ];
  for (const change of changes) {
    app.openapi(
      createRoute({
        method: change.method,
        path: item,
        tags,
        summary: `${change.verb} a ${noun}`,
        request: { params: IdParam, headers: ifMatchHeader, body: body(change.schema) },
        responses: {
          200: { ...json(view, change.said), ...etag },
          ...errorsOf(400, 404, 409, 415, 422),
        },
      }),
      async (c) => {
        const id = c.req.valid("param").id;
        let input = c.req.valid("json") as Record<string, unknown>;
        let expectVersion = ifMatch(c.req.header("if-match"));
        if (change.method === "patch") {
          const current = await spec.ops.get(deps, id);
          const merged = spec.input.safeParse({
            ...inputFields(spec.input, current.value),
            ...input,
          });
          if (!merged.success) {
            throw new InvalidRequestError("The request is not valid", flattenIssues(merged.error));
          }
          input = merged.data;
          // Checked against the version merged into, unless the caller names one.
          expectVersion ??= current.version;
        }
        await spec.ops.update(deps, id, input as I, { expectVersion });
        return await answer(c, id, 200);
      },
    );
  }
  app.openapi(
    createRoute({
      ...ofOne("delete", `Delete a ${noun}`),
      responses: { 204: { description: "Deleted" }, ...errorsOf(404, 409) },
    }),
    async (c) => {
      await spec.ops.remove(deps, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
  api.routes?.(app, deps);
  return app;
}
