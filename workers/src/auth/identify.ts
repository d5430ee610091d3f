import { apiKeys, users } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import { and, eq, gt, isNull, lt, or } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { InvalidAccessToken, verifyAccessToken } from "../crypto/access-token.ts";
import { sha256Hex } from "../crypto/opaque-token.ts";
import type { Env } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import type { AppEnv } from "../http/app-types.ts";
import { type ApiKeyScope, ApiKeyScopes } from "./permissions.ts";
import type { Principal } from "./principal.ts";

/** Every API key starts with this, so a key is never mistaken for a JWT (and secret scanners find it). */
export const API_KEY_PREFIX = "sb_key_";
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Reads the caller's credential — `Authorization: Bearer <jwt | api key>` or `X-API-Key: <key>` — and
 * sets `principal`. No credential leaves the request anonymous (routes decide); a bad one is 401 at once.
 */
export const identify = createMiddleware<AppEnv>(async (c, next) => {
  const credential = bearerToken(c.req.header("Authorization")) ?? c.req.header("X-API-Key");
  if (credential) {
    const principal = await authenticate(credential, c.var.db, c.env, (work) =>
      c.executionCtx.waitUntil(work),
    );
    c.set("principal", principal);
    c.set("userId", principal.userId);
  }
  await next();
});

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1];
}

/** Turns a JWT or an API key into a principal, or throws 401. */
export async function authenticate(
  credential: string,
  db: Database,
  env: Env,
  background: (work: Promise<unknown>) => void = () => undefined,
): Promise<Principal> {
  return credential.startsWith(API_KEY_PREFIX)
    ? fromApiKey(credential, db, background)
    : fromSession(credential, db, env);
}

async function fromSession(token: string, db: Database, env: Env): Promise<Principal> {
  let claims: Awaited<ReturnType<typeof verifyAccessToken>>;
  try {
    claims = await verifyAccessToken(token, {
      secret: env.JWT_SECRET,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    });
  } catch (error) {
    // Only a bad token is the caller's fault; a misconfigured key is ours and must surface as a 500.
    if (!(error instanceof InvalidAccessToken)) throw error;
    throw new ApiError(
      401,
      "unauthorized",
      "Your session has expired or is invalid. Sign in again.",
      undefined,
      { cause: error },
    );
  }
  const [user] = await db
    .select({ disabledAt: users.disabledAt, tokensValidAfter: users.tokensValidAfter })
    .from(users)
    .where(eq(users.id, claims.userId))
    .limit(1);
  if (!user || user.disabledAt || issuedBeforeRevocation(claims.issuedAt, user.tokensValidAfter)) {
    throw new ApiError(401, "unauthorized", "Your session has ended. Sign in again.");
  }
  return { userId: claims.userId, via: "session", scopes: ApiKeyScopes };
}

async function fromApiKey(
  key: string,
  db: Database,
  background: (work: Promise<unknown>) => void,
): Promise<Principal> {
  const keyHash = await sha256Hex(key);
  const now = new Date();
  const [row] = await db
    .select({
      id: apiKeys.id,
      userId: apiKeys.userId,
      scopes: apiKeys.scopes,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(
      and(
        eq(apiKeys.keyHash, keyHash),
        isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
        isNull(users.disabledAt),
      ),
    )
    .limit(1);
  if (!row) throw new ApiError(401, "unauthorized", "This API key is invalid, expired or revoked.");
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    background(
      db
        .update(apiKeys)
        .set({ lastUsedAt: now })
        .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, now))))
        .catch((error: unknown) => console.warn("could not record API key use", { error })),
    );
  }
  return { userId: row.userId, via: "api_key", scopes: row.scopes as ApiKeyScope[], apiKeyId: row.id };
}

/**
 * Tokens carry their issue time to the millisecond (`iat_ms`), so revocation cuts exactly: a token issued
 * before the mark is refused, one issued after it (signing in again right after a password change) works.
 */
export function issuedBeforeRevocation(issuedAt: Date, tokensValidAfter: Date): boolean {
  return issuedAt.getTime() < tokensValidAfter.getTime();
}
