import { ErrorBody, ErrorCode } from "@switchboard/protocol";
import { parseRetryAfter, rateLimitMessage } from "../lib/rate-limit.ts";

/** An API failure carrying the server's `{error:{code,message}}`; `message` is meant for the user. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** On a 429: how long the server asked us to wait (`Retry-After`), when it said. */
  readonly retryAfterSeconds: number | undefined;
  /** The error body's `details`, when the server sent some (e.g. the command a `consent_required` names). */
  readonly details: unknown;

  constructor(status: number, code: string, message: string, retryAfterSeconds?: number, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
    this.details = details;
  }

  /** Too many requests: wait `retryAfterSeconds` (if known) before trying again. */
  get rateLimited(): boolean {
    return this.status === 429 || this.code === ErrorCode.rateLimited;
  }

  static network(): ApiError {
    return new ApiError(0, "network_error", "Can't reach Switchboard. Check your connection and try again.");
  }

  static async fromResponse(response: Response, now: number = Date.now()): Promise<ApiError> {
    const text = await response.text().catch(() => "");
    if (response.status === 429) {
      // The server's own wording varies by limiter; one friendly message with the wait is clearer.
      const seconds = parseRetryAfter(response.headers.get("Retry-After"), now);
      return new ApiError(429, ErrorCode.rateLimited, rateLimitMessage(seconds), seconds);
    }
    try {
      const parsed = ErrorBody.safeParse(JSON.parse(text));
      if (parsed.success) {
        const { code, message, details } = parsed.data.error;
        return new ApiError(response.status, code, message, undefined, details);
      }
    } catch {
      // Not JSON (a proxy's error page, for example): fall through to a generic message.
    }
    return new ApiError(response.status, `http_${response.status}`, genericMessage(response.status));
  }
}

function genericMessage(status: number): string {
  if (status === 401) return "Your session has ended. Please sign in again.";
  if (status === 403) return "You don't have access to that.";
  if (status === 404) return "That could not be found.";
  if (status >= 500) return "Switchboard is having trouble right now. Try again in a moment.";
  return `The request failed (HTTP ${status}).`;
}

/** The text to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong.";
}

/** True for a 403 `forbidden`: the caller lacks the role, as opposed to the request failing. */
export function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 403 || error.code === ErrorCode.forbidden);
}

/** When a request was rate-limited: until when to wait (epoch ms; undefined if the server did not say). */
export interface RateLimit {
  until: number | undefined;
}

/** The wait a 429 asked for, or null for any other failure. */
export function rateLimitOf(error: unknown, now: number = Date.now()): RateLimit | null {
  if (!(error instanceof ApiError) || !error.rateLimited) return null;
  return { until: error.retryAfterSeconds === undefined ? undefined : now + error.retryAfterSeconds * 1000 };
}
