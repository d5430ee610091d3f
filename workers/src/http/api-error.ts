import { ErrorCode } from "@switchboard/protocol";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The one HTTP error type: handlers and validators throw it, `app.onError` turns it into
 * `{error:{code,message}}` with its status. `cause` is logged, never sent.
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ApiError";
  }

  static notFound(what: string): ApiError {
    return new ApiError(404, ErrorCode.notFound, `${what} not found.`);
  }

  static unauthorized(message = "Sign in to continue."): ApiError {
    return new ApiError(401, ErrorCode.unauthorized, message);
  }

  static unavailable(message: string, cause?: unknown): ApiError {
    return new ApiError(503, ErrorCode.unavailable, message, undefined, { cause });
  }
}
