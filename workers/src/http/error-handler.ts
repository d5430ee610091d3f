import { type ErrorBody, ErrorCode } from "@switchboard/protocol";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError } from "./api-error.ts";

/** Maps every error to `{error:{code,message}}`; unknown errors are logged with context and answered 500. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof ApiError) {
    if (error.status >= 500)
      console.error("request failed", { path: c.req.path, code: error.code, cause: error.cause });
    const headers = error.status === 503 ? { "Retry-After": "2" } : undefined;
    return c.json(
      { error: { code: error.code, message: error.message, details: error.details } } satisfies ErrorBody,
      error.status,
      headers,
    );
  }
  if (error instanceof HTTPException) {
    // Hono's validator throws 400 "Malformed JSON in request body" for bodies that do not parse.
    const code =
      error.status === 400 && /json/i.test(error.message) ? ErrorCode.invalidJson : httpCode(error.status);
    const message =
      code === ErrorCode.invalidJson
        ? "The request body is not valid JSON."
        : error.message || "Bad request.";
    return c.json({ error: { code, message } } satisfies ErrorBody, error.status);
  }
  if (isDatabaseUnavailable(error)) {
    console.error("database unavailable", { path: c.req.path, error });
    return c.json(
      {
        error: { code: ErrorCode.unavailable, message: "The service is busy. Try again in a moment." },
      } satisfies ErrorBody,
      503,
      { "Retry-After": "2" },
    );
  }
  console.error("unhandled error", { method: c.req.method, path: c.req.path, error });
  return c.json(
    { error: { code: ErrorCode.internal, message: "Something went wrong on our side." } } satisfies ErrorBody,
    500,
  );
}

function httpCode(status: number): string {
  if (status === 401) return ErrorCode.unauthorized;
  if (status === 403) return ErrorCode.forbidden;
  if (status === 404) return ErrorCode.notFound;
  if (status === 413) return ErrorCode.payloadTooLarge;
  return ErrorCode.validationFailed;
}

/**
 * The database is unreachable or out of connections (the SQL-over-HTTP endpoint answers 503, or the fetch
 * fails): the client should retry, so 503 — never a 500. Query errors (bad SQL, constraint violations) are
 * bugs and stay 500. drizzle wraps driver errors, so the whole `cause` chain is inspected.
 */
function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let current = error, depth = 0;
    current instanceof Error && depth < 5;
    current = current.cause, depth++
  ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^(08|53|57P0)/.test(code)) return true;
    if (
      /HTTP status 50[23]|Error connecting to database|fetch failed|Network connection lost/i.test(
        current.message,
      )
    ) {
      return true;
    }
  }
  return false;
}
