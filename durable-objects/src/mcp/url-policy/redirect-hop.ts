// How a request changes when it follows a redirect, after the Fetch standard's "HTTP-redirect fetch":
// https://fetch.spec.whatwg.org/#http-redirect-fetch

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

// Headers that describe a body; dropped with the body when a redirect turns the request into a GET.
const BODY_HEADERS = [
  "content-type",
  "content-length",
  "content-encoding",
  "content-language",
  "content-location",
];

// Credentials meant for one origin; not sent on to another. Custom credential headers (X-Api-Key, …) cannot be
// recognised here, which is one reason the MCP transports follow only same-origin redirects themselves.
const ORIGIN_CREDENTIALS = ["authorization", "cookie", "proxy-authorization"];

/** What is sent on each hop. */
export interface Hop {
  url: URL;
  method: string;
  headers: Headers;
  body: ArrayBuffer | null;
}

/** Whether the status is one of the redirects fetch follows. */
export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

/**
 * The request to send after a redirect with `status` to `target`: 303 (and 301/302 after a POST) become a GET
 * without body; 307/308 keep method and body; credentials stay behind when the origin changes.
 * @example nextHop({ url, method: "POST", headers, body }, 303, new URL("/done", url)) // GET /done, no body
 */
export function nextHop(hop: Hop, status: number, target: URL): Hop {
  const headers = new Headers(hop.headers);
  let { method, body } = hop;
  if ((status === 303 && method !== "HEAD") || ((status === 301 || status === 302) && method === "POST")) {
    method = "GET";
    body = null;
    for (const name of BODY_HEADERS) headers.delete(name);
  }
  if (target.origin !== hop.url.origin) {
    for (const name of ORIGIN_CREDENTIALS) headers.delete(name);
  }
  return { url: target, method, headers, body };
}

/** A URL for messages: scheme, host and path, without the query or fragment that may carry secrets. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
