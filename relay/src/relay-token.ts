import { errors, jwtVerify, SignJWT } from "jose";

// This file runs in workerd too (the API worker signs these tokens): jose and Web APIs only, no Node built-ins.

export const RELAY_TOKEN_AUDIENCE = "switchboard-relay";
export const RELAY_TOKEN_ISSUER = "switchboard";

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/**
 * A short-lived HS256 token that lets its bearer read one conversation's live events from the relay.
 * The API worker authenticates the user, then proxies to the relay with one of these.
 * @example const token = await signRelayToken(env.RELAY_SECRET, conversationId);
 */
export function signRelayToken(secret: string, conversationId: string, ttlSeconds = 60): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(conversationId)
    .setAudience(RELAY_TOKEN_AUDIENCE)
    .setIssuer(RELAY_TOKEN_ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key(secret));
}

export type RelayTokenCheck =
  | { ok: true; conversationId: string }
  | { ok: false; status: 401 | 403; code: "unauthorized" | "forbidden"; message: string };

/** Checks a bearer token for `conversationId`: 401 when it is not a valid relay token, 403 when it is for another conversation. */
export async function verifyRelayToken(
  secret: string,
  token: string | undefined,
  conversationId: string,
): Promise<RelayTokenCheck> {
  if (!token) return { ok: false, status: 401, code: "unauthorized", message: "Missing bearer token" };
  let subject: string | undefined;
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ["HS256"],
      audience: RELAY_TOKEN_AUDIENCE,
      issuer: RELAY_TOKEN_ISSUER,
      requiredClaims: ["exp", "sub"],
    });
    subject = payload.sub;
  } catch (error) {
    const message = error instanceof errors.JWTExpired ? "Token expired" : "Invalid token";
    return { ok: false, status: 401, code: "unauthorized", message };
  }
  if (subject !== conversationId) {
    return { ok: false, status: 403, code: "forbidden", message: "Token is not valid for this conversation" };
  }
  return { ok: true, conversationId };
}
