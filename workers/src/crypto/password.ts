/**
 * Password hashing with scrypt (`node:crypto`, available in workerd under the `nodejs_compat` flag).
 *
 * Why scrypt and not PBKDF2 from WebCrypto: production Workers cap PBKDF2 at 100,000 iterations, below
 * OWASP's 600,000 for PBKDF2-HMAC-SHA256, while local workerd (`wrangler dev`, vitest) has no cap. PBKDF2 at
 * OWASP strength would therefore pass every local test and then fail on the first deploy. scrypt at
 * N=2^15, r=8, p=3 meets OWASP's scrypt recommendation and stays within workerd's cost cap
 * (N·r·p = 786,432 ≤ 2^20), locally and in production alike.
 *
 * Stored form: `scrypt$ln=15,r=8,p=3$<salt>$<hash>` (salt and hash in unpadded standard base64, as in the
 * PHC string format). The parameters travel with the hash, so they can be raised later: old hashes keep
 * verifying and {@link needsRehash} says when to re-hash at the next successful sign-in.
 *
 * Passwords are NFKC-normalised before hashing (NIST SP 800-63B §5.1.1.2), so the same password typed on
 * keyboards that produce composed or decomposed characters verifies either way.
 */
import { scrypt, timingSafeEqual } from "node:crypto";
import { decodeBase64, encodeBase64 } from "@switchboard/durable-objects/crypto";

interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  /** Block size. */
  r: number;
  /** Parallelisation (rounds run one after another in workerd, so it multiplies time, not memory). */
  p: number;
}

const CURRENT: ScryptParams = { ln: 15, r: 8, p: 3 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** workerd refuses scrypt above this N·r·p; hashes asking for more cannot be verified here anyway. */
const MAX_COST = 2 ** 20;
const ENCODED =
  /^scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,88})\$([A-Za-z0-9+/]{22,88})$/;

/**
 * A hash of a random, discarded password with the current parameters. {@link verifyAgainstDummy} checks
 * against it so that signing in with an unknown email costs as much as with a known one. A test asserts
 * `needsRehash(DUMMY_PASSWORD_HASH) === false`, so it cannot silently fall behind {@link hashPassword}.
 *
 * @example
 * await verifyPassword("anything", DUMMY_PASSWORD_HASH); // false, after a full scrypt
 */
export const DUMMY_PASSWORD_HASH =
  "scrypt$ln=15,r=8,p=3$GWELqOhxPK7ruWR7A5Pr5Q$4y8MSU/Y/mgV2Kq3jNTGeEqVMlWN+lDcHZnC3SEQC7k";

/**
 * Hashes a password with a fresh random salt and the current parameters.
 *
 * @example
 * const stored = await hashPassword("correct horse battery staple");
 * // "scrypt$ln=15,r=8,p=3$…$…"
 */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== "string") throw new TypeError("hashPassword expects a string");
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, CURRENT, KEY_BYTES);
  return format(CURRENT, salt, hash);
}

/**
 * Checks a password against a stored hash in constant time. Returns false, never throws, for a wrong
 * password and for a missing, malformed or unsupported stored hash.
 *
 * @example
 * if (!(await verifyPassword(body.password, user.passwordHash))) throw unauthorized();
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  if (typeof password !== "string") return false;
  const parsed = parse(encoded);
  if (!parsed) return false;
  try {
    const actual = await derive(password, parsed.salt, parsed.params, parsed.hash.length);
    return timingSafeEqual(actual, parsed.hash);
  } catch {
    return false;
  }
}

/**
 * Spends the time of one real {@link verifyPassword} and returns false. Call it when no user matches the
 * email, so response timing does not reveal which emails have accounts.
 *
 * @example
 * const ok = user ? await verifyPassword(pw, user.passwordHash) : await verifyAgainstDummy(pw);
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(typeof password === "string" ? password : "", DUMMY_PASSWORD_HASH);
  return false;
}

/**
 * Whether a stored hash should be replaced by a new {@link hashPassword} of the same password (after a
 * successful sign-in): true when its parameters, salt or key length differ from the current ones, or it
 * cannot be parsed.
 *
 * @example
 * if (await verifyPassword(pw, user.passwordHash) && needsRehash(user.passwordHash)) {
 *   await saveHash(user.id, await hashPassword(pw));
 * }
 */
export function needsRehash(encoded: string): boolean {
  const parsed = parse(encoded);
  return (
    !parsed ||
    parsed.params.ln !== CURRENT.ln ||
    parsed.params.r !== CURRENT.r ||
    parsed.params.p !== CURRENT.p ||
    parsed.salt.length !== SALT_BYTES ||
    parsed.hash.length !== KEY_BYTES
  );
}

function derive(
  password: string,
  salt: Uint8Array,
  params: ScryptParams,
  keyLength: number,
): Promise<Uint8Array> {
  const N = 2 ** params.ln;
  const { r, p } = params;
  // scrypt allocates 128·r·(N + p + 1) bytes (32 MiB here), just over Node's 32 MiB default `maxmem`; the
  // p rounds reuse that memory, so twice the real need is ample margin without being a blank cheque.
  const maxmem = 2 * 128 * r * (N + p + 1);
  // Promise-wrapped by hand: `node:util` is not imported into worker code (only `node:crypto` is allowed).
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, keyLength, { N, r, p, maxmem }, (error, key) => {
      if (error) reject(error);
      else resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength));
    });
  });
}

function format(params: ScryptParams, salt: Uint8Array, hash: Uint8Array): string {
  const b64 = (bytes: Uint8Array) => encodeBase64(bytes, { padding: false });
  return `scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

function parse(encoded: unknown): { params: ScryptParams; salt: Uint8Array; hash: Uint8Array } | undefined {
  if (typeof encoded !== "string") return undefined;
  const match = ENCODED.exec(encoded);
  if (!match) return undefined;
  const [, ln, r, p, salt, hash] = match;
  const params = { ln: Number(ln), r: Number(r), p: Number(p) };
  // Bounds keep a corrupted or hostile stored value from requesting unbounded work or memory.
  if (params.ln < 1 || params.r < 1 || params.p < 1 || 2 ** params.ln * params.r * params.p > MAX_COST) {
    return undefined;
  }
  const saltBytes = decodeBase64(salt ?? "", { padding: false });
  const hashBytes = decodeBase64(hash ?? "", { padding: false });
  if (!saltBytes || !hashBytes || saltBytes.length < 8 || hashBytes.length < 16) return undefined;
  return { params, salt: saltBytes, hash: hashBytes };
}
