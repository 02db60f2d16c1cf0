/** Shared pieces of the JSON API: the error schema, list envelope, responses, validation hook. */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { ManagerEnv } from "../auth.ts";
import { errorBody, errorHeaders, statusOf } from "../../common/http_errors.ts";
import { InvalidRequestError } from "../../common/errors.ts";

/** `{ error, issues }`: every error answer of the API. */
export const ErrorSchema = z.object({
  error: z.string(),
  issues: z.record(z.string(), z.array(z.string())),
}).openapi("Error");

/** Wraps an item schema into the list envelope `{ items, cursor }`. */
export function listOf<T extends z.ZodType>(item: T, name: string) {
  return z.object({ items: z.array(item), cursor: z.string().nullable() }).openapi(name);
}

/** A JSON response entry for createRoute. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

const ERRORS = {
  400: json(ErrorSchema, "The request is not valid"),
  401: json(ErrorSchema, "Not logged in"),
  403: json(ErrorSchema, "The API token's scope does not allow this"),
  404: json(ErrorSchema, "Not found"),
  409: json(ErrorSchema, "Conflict with the current state"),
  415: json(ErrorSchema, "The body is not sent as application/json"),
  422: json(ErrorSchema, "The request cannot be carried out"),
  429: json(ErrorSchema, "Too many failed attempts from this address; see Retry-After"),
};

/** A status an error answer of the API can have. */
export type ErrorCode = keyof typeof ERRORS;

/** The error responses every authenticated route can give. */
export const errors = ERRORS;

/**
 * The error responses of a route: those of authentication (401, 403, 429) and the ones named;
 * a route with a JSON body also answers 400 and 415.
 */
export function errorsOf(...codes: ErrorCode[]): Partial<typeof ERRORS> {
  const all: ErrorCode[] = [401, 403, 429, ...codes];
  return Object.fromEntries(all.sort().map((code) => [code, ERRORS[code]]));
}

/** `{ id }` path parameter. */
export const IdParam = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }),
});

/** Turns zod issues into `{ "field.path": ["message"] }`. */
export function flattenIssues(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of error.issues) {
    const k = i.path.join(".") || "_";
    (out[k] ??= []).push(i.message);
  }
  return out;
}

/** A new API router whose validation failures answer 400 `{ error, issues }`. */
export function apiRouter(): OpenAPIHono<ManagerEnv> {
  const app = new OpenAPIHono<ManagerEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new InvalidRequestError("The request is not valid", flattenIssues(result.error));
      }
    },
  });
  app.onError((err, c) => {
    const status = statusOf(err);
    // A client's mistake (bad JSON, wrong content type) is answered, never logged as a failure.
    if (status === 500) console.error(err);
    return c.json(errorBody(err), status, errorHeaders(err));
  });
  return app;
}

/** Reads an offset cursor ("" or digits). */
export function offsetOf(cursor: string | undefined): number {
  return cursor && /^\d+$/.test(cursor) ? Number(cursor) : 0;
}

/** The list envelope of one page: its items, the next page's cursor (null on the last), the total. */
export function pageOf<T>(
  page: { items: T[]; nextOffset: number | null; total: number },
): { items: T[]; cursor: string | null; total: number } {
  return {
    items: page.items,
    cursor: page.nextOffset === null ? null : String(page.nextOffset),
    total: page.total,
  };
}
