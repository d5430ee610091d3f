import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";

/** Two years, as the HSTS preload list asks; `includeSubDomains` so no subdomain is ever plain HTTP. */
const HSTS = "max-age=63072000; includeSubDomains";

/** Every request header a browser client of the API sends (Last-Event-ID: an SSE client resuming). */
const ALLOWED_HEADERS = ["Authorization", "Content-Type", "X-API-Key", "Last-Event-ID"];
const ALLOWED_METHODS = ["GET", "POST", "PATCH", "DELETE", "OPTIONS"];
/** Response headers a cross-origin script needs to read: when to retry, and the export's file name. */
const EXPOSED_HEADERS = ["Retry-After", "Content-Disposition"];
/** How long a browser may cache a preflight answer (Chromium caps it at 2 h anyway). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Headers for every API response, errors and preflights included, plus CORS for an allow-list of origins.
 *
 * - The API only ever answers JSON (or an event stream), never a document, so its CSP forbids everything
 *   (`default-src 'none'`) and no page may frame it. The dashboard's own CSP comes from the static assets'
 *   `_headers` file: asset responses never pass through the worker.
 * - CORS: `CORS_ORIGINS` is a comma-separated allow-list of exact origins (`https://app.example.com`).
 *   Unset or empty means same-origin only: no CORS headers at all. A listed origin gets itself echoed in
 *   `Access-Control-Allow-Origin` (never `*`), and credentials are never allowed: the API authenticates with
 *   the `Authorization` / `X-API-Key` headers, not cookies, so a browser has no ambient credential to
 *   send. A `*` in the list is ignored (and logged): a wildcard would open the API to every site.
 * - Preflights from listed origins are answered 204 here; from other origins they fall through to the
 *   routes (and get a 404), so an unlisted site learns nothing about what the API allows.
 *
 * @example app.use("*", securityHeaders()); // first, so every response, errors included, carries them
 */
export function securityHeaders(): MiddlewareHandler {
  const headers = secureHeaders({
    strictTransportSecurity: HSTS,
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    xContentTypeOptions: "nosniff",
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  });
  return async (c, next) => {
    const allowed = allowList(readOrigins(c.env));
    const origin = c.req.header("Origin");
    await headers(c, async () => {
      if (origin && allowed.has(origin)) {
        // cors answers a preflight itself; make that the response so the headers above land on it too.
        const preflight = await corsFor(allowed)(c, next);
        if (preflight) c.res = preflight;
      } else {
        await next();
        // Allowed or not, the answer depends on Origin, so caches must key on it (cors does this itself).
        if (allowed.size > 0) c.header("Vary", "Origin", { append: true });
      }
      ensureWritable(c);
    });
  };
}

/**
 * A response straight from fetch() (e.g. a Durable Object's) has immutable headers, and secureHeaders would
 * throw setting them. Copying it makes them writable without touching its body or its WebSocket.
 */
function ensureWritable(c: Context): void {
  try {
    c.res.headers.set("X-Content-Type-Options", "nosniff");
  } catch {
    c.res = new Response(c.res.body, c.res);
  }
}

function readOrigins(env: unknown): string | undefined {
  const value = (env as { CORS_ORIGINS?: unknown } | undefined)?.CORS_ORIGINS;
  return typeof value === "string" ? value : undefined;
}

const allowLists = new Map<string, ReadonlySet<string>>();

/** The configured origins, normalized (`https://App.example.com/` → `https://app.example.com`); cached. */
export function allowList(raw: string | undefined): ReadonlySet<string> {
  const key = raw ?? "";
  const cached = allowLists.get(key);
  if (cached) return cached;
  const origins = new Set<string>();
  for (const entry of key.split(",")) {
    const origin = normalizeOrigin(entry);
    if (origin) origins.add(origin);
    else if (entry.trim()) {
      console.warn(`CORS_ORIGINS: ignoring "${entry.trim()}"; list exact http(s) origins, no wildcards`);
    }
  }
  allowLists.set(key, origins);
  return origins;
}

function normalizeOrigin(entry: string): string | undefined {
  const text = entry.trim();
  if (!text || text.includes("*")) return undefined;
  try {
    const url = new URL(text);
    if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

const corsByList = new WeakMap<ReadonlySet<string>, MiddlewareHandler>();

function corsFor(allowed: ReadonlySet<string>): MiddlewareHandler {
  let middleware = corsByList.get(allowed);
  if (!middleware) {
    middleware = cors({
      origin: (origin) => (allowed.has(origin) ? origin : null),
      allowMethods: ALLOWED_METHODS,
      allowHeaders: ALLOWED_HEADERS,
      exposeHeaders: EXPOSED_HEADERS,
      maxAge: PREFLIGHT_MAX_AGE_SECONDS,
      credentials: false,
    });
    corsByList.set(allowed, middleware);
  }
  return middleware;
}
