import { refreshTokens } from "@switchboard/db";
import type { Database } from "@switchboard/db/client";
import { and, eq, isNull } from "drizzle-orm";
import { signAccessToken } from "../crypto/access-token.ts";
import { randomToken, sha256Hex } from "../crypto/opaque-token.ts";
import type { Env } from "../env.ts";
import { ApiError } from "../http/api-error.ts";

const ACCESS_TTL_SECONDS = 15 * 60;
const REFRESH_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface SessionTokens {
  accessToken: string;
  refreshToken: string;
}

/** Issues an access token and a refresh token of `familyId` (a new family on sign-in). */
export async function issueSession(
  db: Database,
  env: Env,
  userId: string,
  familyId = crypto.randomUUID(),
): Promise<SessionTokens> {
  const refreshToken = randomToken("sb_rt_");
  await db.insert(refreshTokens).values({
    userId,
    familyId,
    tokenHash: await sha256Hex(refreshToken),
    expiresAt: new Date(Date.now() + REFRESH_TTL_MS),
  });
  const accessToken = await signAccessToken({
    userId,
    secret: env.JWT_SECRET,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    ttlSeconds: ACCESS_TTL_SECONDS,
  });
  return { accessToken, refreshToken };
}

/**
 * Rotates a refresh token: the presented one is spent and a new one of the same family is issued.
 * Presenting a spent token again means it leaked, so the whole family is revoked.
 */
export async function rotateSession(
  db: Database,
  env: Env,
  presented: string,
): Promise<{ userId: string } & SessionTokens> {
  const tokenHash = await sha256Hex(presented);
  const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
  const invalid = ApiError.unauthorized("Your session has ended. Sign in again.");
  if (!row || row.revokedAt || row.expiresAt.getTime() <= Date.now()) throw invalid;
  const spent = await db
    .update(refreshTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.usedAt)))
    .returning({ id: refreshTokens.id });
  if (spent.length === 0) {
    await db
      .update(refreshTokens)
      .set({ revokedAt: new Date() })
      .where(eq(refreshTokens.familyId, row.familyId));
    throw invalid;
  }
  return { userId: row.userId, ...(await issueSession(db, env, row.userId, row.familyId)) };
}

/** Revokes the family of a refresh token (sign-out on this device); returns its user, if any. */
export async function revokeSession(db: Database, presented: string): Promise<string | undefined> {
  const tokenHash = await sha256Hex(presented);
  const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
  if (!row) return undefined;
  await db
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(eq(refreshTokens.familyId, row.familyId));
  return row.userId;
}
