/** Maps domain errors to HTTP statuses, in one place. */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  ConflictError,
  ForbiddenError,
  LimitReachedError,
  NotFoundError,
  UpstreamError,
  ValidationError,
} from "../common/errors.ts";

/** The HTTP status for an error thrown by domain code. */
export function statusOf(err: unknown): ContentfulStatusCode {
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err instanceof ValidationError) return 422;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof LimitReachedError) return 429;
  if (err instanceof UpstreamError) return 502;
  return 500;
}

/** The JSON error body of the API: `{ error, issues }`. */
export function errorBody(err: unknown): { error: string; issues: Record<string, string[]> } {
  const status = statusOf(err);
  const message = status === 500 ? "Internal error" : (err as Error).message;
  return {
    error: message,
    issues: err instanceof ValidationError ? err.issues : {},
  };
}
