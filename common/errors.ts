/** Domain errors, mapped to HTTP statuses in one place (common/http_errors.ts). */

/** A domain error: named after its class, so logs say which. */
export class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A thing that was asked for does not exist. */
export class NotFoundError extends DomainError {}

/** A concurrent edit or a uniqueness rule prevented the change. */
export class ConflictError extends DomainError {}

/** Input was well-formed but not acceptable. */
export class ValidationError extends DomainError {
  constructor(message: string, readonly issues: Record<string, string[]> = {}) {
    super(message);
  }
}

/** A request that breaks its schema (the API's 400, with the flattened zod issues). */
export class InvalidRequestError extends ValidationError {}

/** An upstream server or file failed us. */
export class UpstreamError extends DomainError {}

/** A configured limit (connections, size) was reached: the service cannot take more now. */
export class LimitReachedError extends DomainError {}

/** The caller is not allowed to do this. */
export class ForbiddenError extends DomainError {}

/** Too many attempts (failed logins, token guesses) from one client: wait before trying again. */
export class TooManyAttemptsError extends DomainError {
  /** Whole seconds to wait (the `Retry-After` header, RFC 9110 §10.2.3). */
  readonly retryAfter: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfter = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}
