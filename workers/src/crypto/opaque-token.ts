/**
 * Opaque random tokens (refresh tokens, invitation codes, …) and the SHA-256 digest they are stored as.
 *
 * Only the digest goes into the database, so a leaked table cannot be replayed. A plain SHA-256 is enough
 * here (no salt, no slow KDF) because the token carries 256 bits from the CSPRNG: there is nothing to
 * brute-force, and an unsalted digest can be looked up by equality in an index.
 */
import { encodeBase64Url } from "@switchboard/durable-objects/crypto";

const DEFAULT_TOKEN_BYTES = 32;
/** Below 128 bits a token could in principle be guessed; refuse rather than hand out a weak one. */
const MIN_TOKEN_BYTES = 16;

/**
 * A random token: `prefix` followed by the unpadded base64url of `byteLength` bytes from
 * `crypto.getRandomValues`. A readable prefix (e.g. `sb_rt_`) makes a leaked token easy to recognise in
 * logs and by secret scanners.
 *
 * @example
 * randomToken("sb_rt_"); // "sb_rt_x3F…" (6 + 43 characters)
 */
export function randomToken(prefix = "", byteLength = DEFAULT_TOKEN_BYTES): string {
  if (!Number.isInteger(byteLength) || byteLength < MIN_TOKEN_BYTES || byteLength > 65_536) {
    throw new RangeError(`randomToken: byteLength must be an integer in ${MIN_TOKEN_BYTES}..65536`);
  }
  if (!/^[A-Za-z0-9_-]*$/.test(prefix)) {
    // Keeps the whole token URL- and header-safe without escaping.
    throw new RangeError("randomToken: prefix may only contain A-Z, a-z, 0-9, '_' and '-'");
  }
  return prefix + encodeBase64Url(crypto.getRandomValues(new Uint8Array(byteLength)), { padding: false });
}

/**
 * Lower-case hex SHA-256 of the UTF-8 text, for storing and looking up tokens by digest.
 *
 * @example
 * await sha256Hex("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
