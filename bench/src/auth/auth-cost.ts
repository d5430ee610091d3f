import { randomUUID } from "node:crypto";
import { rolesAllowing, scopesAllow } from "../../../workers/src/auth/permissions.ts";
import { signAccessToken, verifyAccessToken } from "../../../workers/src/crypto/access-token.ts";
import { hashPassword, verifyPassword } from "../../../workers/src/crypto/password.ts";
import { type MicroSummary, microSummary, timeEach } from "./micro-percentiles.ts";

export interface AuthCost {
  /** JWT verification (jose, HS256) plus the route-level permission check, per request. */
  verifyAndCheck: MicroSummary;
  /** One scrypt hash (N=2^15, r=8, p=3) and one verification, milliseconds. */
  passwordHash: MicroSummary;
  passwordVerify: MicroSummary;
}

const SECRET = "bench-jwt-secret-bench-jwt-secret-0123456789";
const ISSUER = "switchboard";
const AUDIENCE = "switchboard-api";

/**
 * The per-request authentication work, timed in this process on the very modules the worker runs
 * (WebCrypto HMAC in both). The revocation lookup is a database query and is measured separately.
 */
export async function measureAuthCost(): Promise<AuthCost> {
  const tokens = await Promise.all(
    Array.from({ length: 64 }, () =>
      signAccessToken({ userId: randomUUID(), secret: SECRET, issuer: ISSUER, audience: AUDIENCE }),
    ),
  );
  const verifyAndCheck = await timeEach(5000, 500, async (i) => {
    const claims = await verifyAccessToken(tokens[i % tokens.length] as string, {
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    if (!claims.userId || !scopesAllow(["manage"], "update") || rolesAllowing("update").length === 0)
      throw new Error("check failed");
  });
  const hashes: string[] = [];
  const passwordHash = await timeEach(8, 1, async () => {
    hashes.push(await hashPassword("correct horse battery staple"));
  });
  const passwordVerify = await timeEach(8, 1, async (i) => {
    if (!(await verifyPassword("correct horse battery staple", hashes[i % hashes.length] as string)))
      throw new Error("verify failed");
  });
  return {
    verifyAndCheck: microSummary(verifyAndCheck),
    passwordHash: microSummary(passwordHash),
    passwordVerify: microSummary(passwordVerify),
  };
}
