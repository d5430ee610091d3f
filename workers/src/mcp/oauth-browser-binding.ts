import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { randomToken, sha256Hex } from "../crypto/opaque-token.ts";
import type { AppEnv } from "../http/app-types.ts";
import { OAUTH_STATE_TTL_MINUTES } from "./oauth-states.ts";

/**
 * Ties an OAuth authorization to the browser that started it. The callback is public (the browser comes
 * back from the authorization server without the API's bearer token), so the `state` alone would let
 * anyone who gets a victim to open an authorization URL started by someone else land the victim's grant on
 * the attacker's server (authorization-code injection). The start request sets this cookie; the callback
 * only accepts a state whose row holds the digest of the cookie it receives.
 *
 * `SameSite=Lax` is what lets the cookie ride along on the top-level redirect back from the authorization
 * server; `HttpOnly` keeps scripts away from it; the path limits it to the MCP routes. It is not a login:
 * it means nothing without a pending row, and rows last ten minutes.
 */
export const BINDING_COOKIE = "sb_mcp_oauth";
const COOKIE_PATH = "/api/v1/mcp/";
const BINDING_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The binding for an authorization this request starts: the browser's current one when it has one (so
 * flows started in two tabs both finish), else a new one, set as a cookie. Returns its digest.
 * @example const bindingHash = await bindBrowser(c);
 */
export async function bindBrowser(c: Context<AppEnv>): Promise<string> {
  let binding = presentedBinding(c);
  if (!binding) binding = randomToken();
  setCookie(c, BINDING_COOKIE, binding, {
    path: COOKIE_PATH,
    httpOnly: true,
    secure: new URL(c.req.url).protocol === "https:",
    sameSite: "Lax",
    maxAge: OAUTH_STATE_TTL_MINUTES * 60,
  });
  return sha256Hex(binding);
}

/** The digest of the binding this browser presents, or undefined without a (well-formed) cookie. */
export async function presentedBindingHash(c: Context<AppEnv>): Promise<string | undefined> {
  const binding = presentedBinding(c);
  return binding ? sha256Hex(binding) : undefined;
}

function presentedBinding(c: Context<AppEnv>): string | undefined {
  const value = getCookie(c, BINDING_COOKIE);
  return value && BINDING_SHAPE.test(value) ? value : undefined;
}
