/**
 * Short-lived HS256 access tokens (JWT, via jose).
 *
 * Verification pins everything an attacker could otherwise choose: the algorithm (HS256 only, so neither
 * `alg: none` nor another HMAC size is accepted), the `typ` header (`at+jwt`, RFC 9068, so a different
 * kind of JWT signed with the same secret is not mistaken for an access token), the issuer, the audience
 * and the presence of `exp`, `iat` and `sub`. Every verification failure becomes one
 * {@link InvalidAccessToken}, so callers map it to a single 401 without branching on jose's error zoo.
 */
import { errors, jwtVerify, SignJWT } from "jose";

const ALGORITHM = "HS256";
const TOKEN_TYPE = "at+jwt";
/** RFC 7518 §3.2: an HS256 key must be at least as long as the hash output. */
const MIN_SECRET_BYTES = 32;
/** Absorbs clock drift between the worker that signed and the one that verifies. */
const CLOCK_TOLERANCE_SECONDS = 5;
/**
 * Upper bound on any access token's age, whatever its `exp` says. Also what makes jose check that `iat` is
 * not in the future (it only does so when `maxTokenAge` is set).
 */
const MAX_TTL_SECONDS = 24 * 60 * 60;
const DEFAULT_TTL_SECONDS = 15 * 60;

/**
 * A token that failed verification for any reason. `cause` holds jose's error for logs; `code` is jose's
 * error code (e.g. `ERR_JWT_EXPIRED`) when there is one.
 *
 * @example
 * try {
 *   await verifyAccessToken(token, options);
 * } catch (error) {
 *   if (error instanceof InvalidAccessToken) return c.json({ error: "unauthorized" }, 401);
 *   throw error;
 * }
 */
export class InvalidAccessToken extends Error {
  override readonly name = "InvalidAccessToken";
  readonly code: string | undefined;
  constructor(cause: unknown) {
    super("Invalid access token", { cause });
    this.code = cause instanceof errors.JOSEError ? cause.code : undefined;
  }
}

/**
 * The server is misconfigured (e.g. a JWT secret shorter than 32 bytes). Not a client error: it must not be
 * reported as 401.
 *
 * @example
 * await signAccessToken({ userId, secret: "short", issuer, audience }); // throws AccessTokenConfigError
 */
export class AccessTokenConfigError extends Error {
  override readonly name = "AccessTokenConfigError";
}

/** Input of {@link signAccessToken}. */
export interface SignAccessTokenInput {
  userId: string;
  /** The HS256 key (`JWT_SECRET`); its UTF-8 bytes must be at least 32. */
  secret: string;
  issuer: string;
  audience: string;
  /** Lifetime; defaults to 900 s (15 min), at most 24 h. */
  ttlSeconds?: number;
  /** Issue time; defaults to now. For tests. */
  now?: Date;
}

/** Options of {@link verifyAccessToken}. */
export interface VerifyAccessTokenOptions {
  secret: string;
  issuer: string;
  audience: string;
  /** The time to verify against; defaults to now. For tests. */
  now?: Date;
}

/** What a valid access token says. */
export interface AccessTokenClaims {
  userId: string;
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * Signs an access token with claims `sub`, `iat`, `exp`, `iss`, `aud` and a random `jti`.
 *
 * @example
 * const token = await signAccessToken({
 *   userId: user.id,
 *   secret: env.JWT_SECRET,
 *   issuer: env.JWT_ISSUER,
 *   audience: env.JWT_AUDIENCE,
 * });
 */
export async function signAccessToken(input: SignAccessTokenInput): Promise<string> {
  const { userId, issuer, audience, ttlSeconds = DEFAULT_TTL_SECONDS, now = new Date() } = input;
  const key = secretKey(input.secret);
  if (typeof userId !== "string" || userId.length === 0)
    throw new TypeError("signAccessToken: userId is required");
  if (!issuer || !audience) throw new AccessTokenConfigError("JWT issuer and audience must be configured");
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new RangeError(`signAccessToken: ttlSeconds must be an integer in 1..${MAX_TTL_SECONDS}`);
  }
  const issuedAt = Math.floor(now.getTime() / 1000);
  // `iat` has one-second resolution; `iat_ms` lets revocation (logout, password change) cut exactly at the
  // millisecond, so a token issued earlier in the same second as a logout does not survive it.
  return new SignJWT({ iat_ms: now.getTime() })
    .setProtectedHeader({ alg: ALGORITHM, typ: TOKEN_TYPE })
    .setSubject(userId)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ttlSeconds)
    .setJti(crypto.randomUUID())
    .sign(key);
}

/**
 * Verifies an access token and returns its claims; throws {@link InvalidAccessToken} when it is not valid
 * and {@link AccessTokenConfigError} when the secret or issuer/audience settings are unusable.
 *
 * @example
 * const { userId } = await verifyAccessToken(bearer, {
 *   secret: env.JWT_SECRET,
 *   issuer: env.JWT_ISSUER,
 *   audience: env.JWT_AUDIENCE,
 * });
 */
export async function verifyAccessToken(
  token: string,
  options: VerifyAccessTokenOptions,
): Promise<AccessTokenClaims> {
  // Configuration problems are checked outside the try so they are never disguised as a bad token.
  const key = secretKey(options.secret);
  if (!options.issuer || !options.audience) {
    throw new AccessTokenConfigError("JWT issuer and audience must be configured");
  }
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      typ: TOKEN_TYPE,
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ["exp", "iat", "sub"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      maxTokenAge: MAX_TTL_SECONDS,
      currentDate: options.now,
    });
    const { sub, iat, exp, iat_ms: iatMs } = payload;
    // jose has checked that these exist and that iat/exp are numbers; an empty subject is still no user.
    if (typeof sub !== "string" || sub.length === 0 || iat === undefined || exp === undefined) {
      throw new Error("access token lacks a usable sub, iat or exp");
    }
    // A precise issue time is used only when it agrees with the signed `iat` second; without one, the
    // token is taken as issued at the end of its second (the benefit of the doubt goes to the holder).
    const precise = typeof iatMs === "number" && Math.floor(iatMs / 1000) === iat ? iatMs : iat * 1000 + 999;
    return { userId: sub, issuedAt: new Date(precise), expiresAt: new Date(exp * 1000) };
  } catch (error) {
    throw new InvalidAccessToken(error);
  }
}

function secretKey(secret: string): Uint8Array {
  const bytes = new TextEncoder().encode(typeof secret === "string" ? secret : "");
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new AccessTokenConfigError(
      `JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes (256 bits) for HS256; got ${bytes.length}. ` +
        "Generate one with: openssl rand -base64 48",
    );
  }
  return bytes;
}
