import { deepEqual, equal } from "node:assert/strict";
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
import { errorBody, errorResponse, statusOf } from "./http_errors.ts";

Deno.test("statusOf() maps every domain error to its status in one place", () => {
  equal(statusOf(new NotFoundError("x")), 404);
  equal(statusOf(new ConflictError("x")), 409);
  equal(statusOf(new ValidationError("x")), 422);
  equal(statusOf(new InvalidRequestError("x", { name: ["Required"] })), 400);
  equal(statusOf(new ForbiddenError("x")), 403);
  equal(statusOf(new TooManyAttemptsError("x", 3)), 429);
  equal(statusOf(new LimitReachedError("x")), 503);
  equal(statusOf(new UpstreamError("x")), 502);
  equal(statusOf(new Error("secret detail")), 500);
  equal(statusOf(Object.assign(new Error("Unsupported Media Type"), { status: 415 })), 415);
  equal(statusOf(Object.assign(new Error("x"), { status: 418 })), 500, "unknown statuses are 500");
});

Deno.test("errorBody() never shows the message of an unexpected error", () => {
  deepEqual(errorBody(new Error("password hash is abc")), { error: "Internal error", issues: {} });
  deepEqual(errorBody(new ValidationError("Bad", { name: ["Required"] })), {
    error: "Bad",
    issues: { name: ["Required"] },
  });
});

Deno.test("errorResponse() of too many attempts carries Retry-After", async () => {
  const res = errorResponse(new TooManyAttemptsError("Too many failed logins", 2.2));
  equal(res.status, 429);
  equal(res.headers.get("retry-after"), "3");
  equal(await res.text(), "Too many failed logins\n");
});
