import { ErrorCode } from "@switchboard/protocol";

/**
 * The caller's fault: a request (or a redirect it led to) pointed somewhere the deployment's private-network
 * policy forbids. Nothing was sent to that address. `message` is the human-readable `reason`.
 * @example
 * try { await guardedFetch(url) } catch (e) { if (e instanceof UrlNotAllowedError) answer(400, e.code, e.reason) }
 */
export class UrlNotAllowedError extends Error {
  override readonly name = "UrlNotAllowedError";
  readonly code = ErrorCode.urlNotAllowed;
  readonly reason: string;
  /** The refused URL, without query or fragment (they may hold secrets). */
  readonly url: string;

  constructor(reason: string, url: string, options?: ErrorOptions) {
    super(reason, options);
    this.reason = reason;
    this.url = url;
  }
}
