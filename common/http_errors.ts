/**
 * Maps domain errors to HTTP statuses, in one place for the manager and the proxy. Errors that
 * carry a client status of their own (Hono's HTTPException for a malformed JSON body or an
 * unsupported content type) keep it; anything else is a 500 whose message is never shown.
 */
import {
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  LimitReachedError,
  NotFoundError,
  TooManyAttemptsError,
  UpstreamError,
  ValidationError,
} from "./errors.ts";

/** The statuses an error can answer with. */
export type ErrorStatus =
  | 400
  | 401
  | 403
  | 404
  | 405
  | 409
  | 413
  | 415
  | 422
  | 429
  | 500
  | 502
  | 503;

const CLIENT_STATUSES: Record<number, string> = {
  400: "The request is not valid",
  401: "Not logged in",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  413: "The request is too large",
  415: "Unsupported content type",
};

/** The HTTP status for an error thrown by domain code (or by the HTTP framework for the client). */
export function statusOf(err: unknown): ErrorStatus {
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err instanceof InvalidRequestError) return 400;
  if (err instanceof ValidationError) return 422;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof TooManyAttemptsError) return 429;
  if (err instanceof LimitReachedError) return 503;
  if (err instanceof UpstreamError) return 502;
  const own = (err as { status?: unknown } | null)?.status;
  if (typeof own === "number" && own in CLIENT_STATUSES) return own as ErrorStatus;
  return 500;
}

/** The words an error is answered with: its message, or a fixed one where that could leak. */
export function messageOf(err: unknown): string {
  const status = statusOf(err);
  if (status === 500) return "Internal error";
  if (status === 400 && /malformed json/i.test((err as Error).message)) {
    return "The request body is not valid JSON";
  }
  if (status === 415) {
    return "Unsupported content type: send the body as JSON with Content-Type: application/json";
  }
  const own = (err as { status?: unknown }).status;
  if (typeof own === "number" && !(err as Error).message) return CLIENT_STATUSES[status];
  return (err as Error).message;
}

/** The JSON error body of the API: `{ error, issues }`. */
export function errorBody(err: unknown): { error: string; issues: Record<string, string[]> } {
  return {
    error: messageOf(err),
    issues: err instanceof ValidationError ? err.issues : {},
  };
}

/** Headers an error answer carries: `Retry-After` for too many attempts. */
export function errorHeaders(err: unknown): Record<string, string> {
  return err instanceof TooManyAttemptsError ? { "retry-after": String(err.retryAfter) } : {};
}

/** A plain-text answer for an error (the proxy's, and the manager's outside the API). */
export function errorResponse(err: unknown): Response {
  return new Response(messageOf(err) + "\n", {
    status: statusOf(err),
    headers: { "content-type": "text/plain; charset=utf-8", ...errorHeaders(err) },
  });
}
