/** Domain errors, mapped to HTTP statuses in one place (common/http_errors.ts). */

/** A thing that was asked for does not exist. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** A concurrent edit or a uniqueness rule prevented the change. */
export class ConflictError extends Error {
  override name = "ConflictError";
}

/** Input was well-formed but not acceptable. */
export class ValidationError extends Error {
  override name = "ValidationError";
  constructor(message: string, readonly issues: Record<string, string[]> = {}) {
    super(message);
  }
}

/** A request that breaks its schema (the API's 400, with the flattened zod issues). */
export class InvalidRequestError extends ValidationError {
  override name = "InvalidRequestError";
}

/** An upstream server or file failed us. */
export class UpstreamError extends Error {
  override name = "UpstreamError";
}

/** A configured limit (connections, size) was reached: the service cannot take more now. */
export class LimitReachedError extends Error {
  override name = "LimitReachedError";
}

/** The caller is not allowed to do this. */
export class ForbiddenError extends Error {
  override name = "ForbiddenError";
}

/** Too many attempts (failed logins, token guesses) from one client: wait before trying again. */
export class TooManyAttemptsError extends Error {
  override name = "TooManyAttemptsError";
  /** Whole seconds to wait (the `Retry-After` header, RFC 9110 §10.2.3). */
  readonly retryAfter: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}
