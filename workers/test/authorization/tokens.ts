import { env } from "cloudflare:test";
import { base64url, SignJWT } from "jose";

/** Claims and header fields an attacker could choose; `null` leaves a claim out. */
export interface Forgery {
  alg?: string;
  typ?: string;
  /** Signing key; the deployment's JWT_SECRET when absent. */
  secret?: string;
  iss?: string;
  aud?: string;
  iat?: number;
  nbf?: number;
  exp?: number | null;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * An access token for `userId` signed like the worker's (HS256, `typ: at+jwt`, the test deployment's
 * secret, issuer and audience, 15 minutes), with whatever `forgery` changes.
 */
export async function forge(userId: string, forgery: Forgery = {}): Promise<string> {
  const iat = forgery.iat ?? nowSeconds();
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: forgery.alg ?? "HS256", typ: forgery.typ ?? "at+jwt" })
    .setSubject(userId)
    .setIssuer(forgery.iss ?? env.JWT_ISSUER)
    .setAudience(forgery.aud ?? env.JWT_AUDIENCE)
    .setIssuedAt(iat)
    .setJti(crypto.randomUUID());
  if (forgery.exp !== null) jwt.setExpirationTime(forgery.exp ?? iat + 15 * 60);
  if (forgery.nbf !== undefined) jwt.setNotBefore(forgery.nbf);
  return jwt.sign(new TextEncoder().encode(forgery.secret ?? env.JWT_SECRET));
}

const encodeJson = (value: unknown) => base64url.encode(JSON.stringify(value));

function decodeJson(segment: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(base64url.decode(segment))) as Record<string, unknown>;
}

/** The classic: `alg: none` and no signature, with otherwise perfect claims. */
export function unsigned(userId: string): string {
  const iat = nowSeconds();
  const header = encodeJson({ alg: "none", typ: "at+jwt" });
  const payload = encodeJson({
    sub: userId,
    iss: env.JWT_ISSUER,
    aud: env.JWT_AUDIENCE,
    iat,
    exp: iat + 900,
    jti: crypto.randomUUID(),
  });
  return `${header}.${payload}.`;
}

/** A genuine token whose payload was edited (here: its subject) while the signature was kept. */
export function withSubject(token: string, userId: string): string {
  const [header = "", payload = "", signature = ""] = token.split(".");
  return [header, encodeJson({ ...decodeJson(payload), sub: userId }), signature].join(".");
}
