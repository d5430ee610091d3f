import { checkUrl, type UrlPolicyOptions } from "./check-url.ts";
import { displayUrl, type Hop, isRedirect, nextHop } from "./redirect-hop.ts";
import { UrlNotAllowedError } from "./url-not-allowed-error.ts";

export interface GuardedFetchOptions extends UrlPolicyOptions {
  /** What actually sends each hop; default the global fetch. */
  fetch?: typeof fetch;
  /** Redirects followed before giving up; default 5. */
  maxRedirects?: number;
}

/**
 * A fetch that checks every URL it is about to contact against the private-network policy (see checkUrl)
 * and throws UrlNotAllowedError instead of sending anything to a refused one. Redirects are never left to
 * the runtime: each hop is sent with `redirect: "manual"` and, when the caller asked for "follow" (the
 * default), the Location is checked before it is followed. A caller asking for "manual" gets the 3xx as is
 * and will call this fetch again for the next hop, which is checked then. Request bodies are read into
 * memory once so 307/308 can resend them (MCP messages are small JSON).
 * @example
 * const guarded = createGuardedFetch({ policy: "deny", resolve: createDohResolver(resolverUrl) });
 * new StreamableHTTPClientTransport(new URL(serverUrl), { fetch: guarded });
 */
export function createGuardedFetch(options: GuardedFetchOptions): typeof fetch {
  const send: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const maxRedirects = options.maxRedirects ?? 5;

  async function allowed(url: URL, redirectedFrom?: URL): Promise<URL> {
    const check = await checkUrl(url, options);
    if (check.ok) return check.url;
    const reason = redirectedFrom
      ? `${displayUrl(redirectedFrom)} redirected to ${displayUrl(url)}, which is not allowed: ${check.reason}`
      : check.reason;
    throw new UrlNotAllowedError(reason, displayUrl(url));
  }

  return async (input, init) => {
    // One Request normalises both call shapes (Request, or string/URL plus init) and merges their options.
    const request = new Request(input, init);
    const start = await allowed(new URL(request.url));
    let hop: Hop = {
      url: start,
      method: request.method,
      headers: new Headers(request.headers),
      body: request.body === null ? null : await request.arrayBuffer(),
    };
    for (let redirects = 0; ; redirects++) {
      const response = await send(hop.url.href, {
        method: hop.method,
        headers: hop.headers,
        body: hop.body,
        redirect: "manual",
        signal: request.signal,
      });
      const location = isRedirect(response.status) ? response.headers.get("location") : null;
      if (location === null || request.redirect === "manual") return response;
      await response.body?.cancel();
      if (request.redirect === "error") {
        throw new TypeError(`${displayUrl(hop.url)} redirected, and the request's redirect mode is "error"`);
      }
      if (redirects >= maxRedirects) {
        throw new TypeError(
          `Too many redirects: ${displayUrl(start)} still redirected after ${maxRedirects} hops`,
        );
      }
      let target: URL;
      try {
        target = new URL(location, hop.url);
      } catch (error) {
        throw new TypeError(`${displayUrl(hop.url)} redirected to an invalid URL`, { cause: error });
      }
      hop = nextHop(hop, response.status, await allowed(target, hop.url));
    }
  };
}
