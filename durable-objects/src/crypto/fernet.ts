/**
 * Fernet symmetric encryption (https://github.com/fernet/spec/blob/master/Spec.md) on WebCrypto, so
 * credentials sealed here open with Python's `cryptography.fernet` and vice versa.
 *
 * Token layout (then base64url WITH padding):
 *   0x80 version ‖ 64-bit big-endian Unix timestamp ‖ 128-bit IV ‖ AES-128-CBC/PKCS7 ciphertext ‖
 *   HMAC-SHA256(signing key, everything before it)
 * Key: base64url of 32 bytes, the signing key (first 16) then the encryption key (last 16).
 *
 * Every way a token can be wrong throws the same {@link InvalidFernetToken} with the same message, and the
 * HMAC is checked (by `crypto.subtle.verify`, which compares in constant time) before anything is decrypted,
 * so the CBC padding check is only ever reached for authentic tokens: no padding oracle.
 */
import { decodeBase64Url, encodeBase64Url } from "./base64.ts";

const VERSION = 0x80;
const VERSION_BYTES = 1;
const TIMESTAMP_BYTES = 8;
const IV_BYTES = 16;
const BLOCK_BYTES = 16;
const HMAC_BYTES = 32;
const HEADER_BYTES = VERSION_BYTES + TIMESTAMP_BYTES + IV_BYTES;
/** The smallest token: header, one ciphertext block (an empty plaintext pads to one block), HMAC. */
const MIN_TOKEN_BYTES = HEADER_BYTES + BLOCK_BYTES + HMAC_BYTES;
/** The spec's tolerance for a token stamped in the future by a writer whose clock runs ahead. */
const MAX_CLOCK_SKEW_SECONDS = 60;
const KEY_BYTES = 32;

/**
 * The one error every rejected token produces. The message is deliberately the same for a bad MAC, bad
 * padding, an expired token or garbage input, so callers cannot leak which check failed.
 *
 * @example
 * try {
 *   await fernet.decrypt(token);
 * } catch (error) {
 *   if (error instanceof InvalidFernetToken) return new Response(null, { status: 400 });
 *   throw error;
 * }
 */
export class InvalidFernetToken extends Error {
  override readonly name = "InvalidFernetToken";
  constructor() {
    super("Invalid Fernet token");
  }
}

/**
 * A Fernet key that is not the base64url of exactly 32 bytes. A configuration error, not a token error;
 * the message never contains key material.
 *
 * @example
 * await Fernet.fromKey("too-short"); // throws InvalidFernetKey
 */
export class InvalidFernetKey extends Error {
  override readonly name = "InvalidFernetKey";
}

/** Options of {@link Fernet.encrypt}. Both exist for deterministic tests and spec vectors. */
export interface FernetEncryptOptions {
  /** The token's timestamp; defaults to the current time. */
  now?: Date;
  /** A 16-byte IV; defaults to 16 bytes from the CSPRNG. Never reuse one in production. */
  iv?: Uint8Array;
}

/** Options of {@link Fernet.decrypt}. */
export interface FernetDecryptOptions {
  /** Reject tokens older than this many seconds; without it, age is not checked. */
  ttlSeconds?: number;
  /** The time to check the token against; defaults to the current time. */
  now?: Date;
}

/** A verified token's contents. */
export interface FernetPayload {
  plaintext: Uint8Array;
  /** When the token was created (whole seconds). */
  issuedAt: Date;
}

/**
 * One Fernet key: encrypts and decrypts tokens.
 *
 * @example
 * const fernet = await Fernet.fromKey(generateFernetKey());
 * const token = await fernet.encrypt("sk-live-123");
 * await fernet.decryptText(token, { ttlSeconds: 3600 }); // "sk-live-123"
 */
// Spelled through `crypto.subtle` so the module type-checks under Node's types too (no global CryptoKey).
type SubtleKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

export class Fernet {
  private constructor(
    private readonly signingKey: SubtleKey,
    private readonly encryptionKey: SubtleKey,
  ) {}

  /**
   * Imports a key (base64url of 32 bytes, padded as the spec and Python's `Fernet.generate_key()` write it).
   * The CryptoKeys are non-extractable, so the raw key does not outlive this call in JS-reachable form.
   *
   * @example
   * const fernet = await Fernet.fromKey("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=");
   */
  static async fromKey(key: string): Promise<Fernet> {
    const raw = decodeFernetKey(key);
    const [signingKey, encryptionKey] = await Promise.all([
      crypto.subtle.importKey("raw", raw.slice(0, 16), { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
        "verify",
      ]),
      crypto.subtle.importKey("raw", raw.slice(16, 32), { name: "AES-CBC" }, false, ["encrypt", "decrypt"]),
    ]);
    return new Fernet(signingKey, encryptionKey);
  }

  /**
   * Encrypts `plaintext` (strings as UTF-8) into a token.
   *
   * @example
   * const token = await fernet.encrypt("hello"); // "gAAAAA…=="
   */
  async encrypt(plaintext: string | Uint8Array, options: FernetEncryptOptions = {}): Promise<string> {
    const data = typeof plaintext === "string" ? new TextEncoder().encode(plaintext) : plaintext;
    const iv = options.iv ?? crypto.getRandomValues(new Uint8Array(IV_BYTES));
    if (iv.length !== IV_BYTES) throw new RangeError(`Fernet IV must be ${IV_BYTES} bytes, got ${iv.length}`);
    const seconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
    if (!Number.isSafeInteger(seconds) || seconds < 0)
      throw new RangeError("Fernet timestamp must be a valid date after 1970");

    // WebCrypto's AES-CBC applies PKCS#7 padding itself, exactly as the spec requires.
    const ciphertext = new Uint8Array(
      await crypto.subtle.encrypt({ name: "AES-CBC", iv }, this.encryptionKey, data),
    );
    const token = new Uint8Array(HEADER_BYTES + ciphertext.length + HMAC_BYTES);
    const view = new DataView(token.buffer);
    view.setUint8(0, VERSION);
    view.setBigUint64(VERSION_BYTES, BigInt(seconds), false);
    token.set(iv, VERSION_BYTES + TIMESTAMP_BYTES);
    token.set(ciphertext, HEADER_BYTES);
    const signedLength = HEADER_BYTES + ciphertext.length;
    const mac = await crypto.subtle.sign("HMAC", this.signingKey, token.subarray(0, signedLength));
    token.set(new Uint8Array(mac), signedLength);
    return encodeBase64Url(token);
  }

  /**
   * Verifies and decrypts a token. Throws {@link InvalidFernetToken} for anything wrong with it.
   *
   * A timestamp more than 60 s in the future is rejected even without a TTL (as the Go reference does;
   * Python's `cryptography` only checks it when a TTL is given), since no honest writer produces one.
   *
   * @example
   * const bytes = await fernet.decrypt(token, { ttlSeconds: 60 });
   */
  async decrypt(token: string, options: FernetDecryptOptions = {}): Promise<Uint8Array> {
    return (await this.decryptWithTimestamp(token, options)).plaintext;
  }

  /**
   * {@link decrypt}, then UTF-8 decoding. Bytes that are not UTF-8 throw a `TypeError` (the token itself was
   * authentic, so that is a data error, not {@link InvalidFernetToken}) instead of silently turning into U+FFFD.
   *
   * @example
   * const apiKey = await fernet.decryptText(token);
   */
  async decryptText(token: string, options: FernetDecryptOptions = {}): Promise<string> {
    return decodeUtf8(await this.decrypt(token, options));
  }

  /**
   * {@link decrypt}, also returning the token's timestamp (used by {@link MultiFernet.rotate} to keep it).
   *
   * @example
   * const { plaintext, issuedAt } = await fernet.decryptWithTimestamp(token);
   */
  async decryptWithTimestamp(token: string, options: FernetDecryptOptions = {}): Promise<FernetPayload> {
    // Bad options are the caller's bug, not a bad token, so they get their own error.
    const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
    if (!Number.isSafeInteger(nowSeconds)) throw new RangeError("Fernet decrypt: `now` is not a valid date");
    const ttlSeconds = options.ttlSeconds === undefined ? undefined : Math.floor(options.ttlSeconds);
    if (ttlSeconds !== undefined && !(Number.isSafeInteger(ttlSeconds) && ttlSeconds >= 0)) {
      throw new RangeError("Fernet decrypt: `ttlSeconds` must be a non-negative number");
    }

    const bytes = typeof token === "string" ? decodeBase64Url(token) : undefined;
    // Length and version are public structure, so rejecting them before the MAC leaks nothing.
    if (
      bytes === undefined ||
      bytes.length < MIN_TOKEN_BYTES ||
      (bytes.length - HEADER_BYTES - HMAC_BYTES) % BLOCK_BYTES !== 0 ||
      bytes[0] !== VERSION
    ) {
      throw new InvalidFernetToken();
    }
    const signedLength = bytes.length - HMAC_BYTES;
    const authentic = await crypto.subtle.verify(
      "HMAC",
      this.signingKey,
      bytes.subarray(signedLength),
      bytes.subarray(0, signedLength),
    );
    if (!authentic) throw new InvalidFernetToken();

    // Time checks come after the MAC so that nothing is decided on unauthenticated data.
    // BigInt because the field is 64-bit: even a huge value (authentic, so written by a key holder) must compare
    // correctly instead of losing precision as a Number.
    const timestamp = new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(VERSION_BYTES, false);
    const now = BigInt(nowSeconds);
    if (timestamp > now + BigInt(MAX_CLOCK_SKEW_SECONDS)) throw new InvalidFernetToken();
    if (ttlSeconds !== undefined && timestamp + BigInt(ttlSeconds) < now) throw new InvalidFernetToken();

    let plaintext: ArrayBuffer;
    try {
      plaintext = await crypto.subtle.decrypt(
        { name: "AES-CBC", iv: bytes.subarray(VERSION_BYTES + TIMESTAMP_BYTES, HEADER_BYTES) },
        this.encryptionKey,
        bytes.subarray(HEADER_BYTES, signedLength),
      );
    } catch {
      // Bad PKCS#7 padding under a valid MAC: only someone holding the signing key can get here.
      throw new InvalidFernetToken();
    }
    return { plaintext: new Uint8Array(plaintext), issuedAt: new Date(Number(timestamp) * 1000) };
  }
}

/**
 * Several Fernet keys for rotation: encrypts with the first (newest), decrypts with any.
 *
 * Rotating keys: put a new key first in `CREDENTIALS_KEYS`, deploy, re-seal stored tokens with
 * {@link MultiFernet.rotate}, then drop the old key.
 *
 * @example
 * const vault = await MultiFernet.fromKeys(parseFernetKeys(env.CREDENTIALS_KEYS));
 * const token = await vault.encrypt("sk-live-123");
 * const fresh = await vault.rotate(oldToken);
 */
export class MultiFernet {
  private readonly fernets: readonly [Fernet, ...Fernet[]];

  /**
   * @example
   * const multi = new MultiFernet([await Fernet.fromKey(newKey), await Fernet.fromKey(oldKey)]);
   */
  constructor(fernets: readonly Fernet[]) {
    const [newest, ...older] = fernets;
    if (newest === undefined) throw new InvalidFernetKey("MultiFernet needs at least one key");
    this.fernets = [newest, ...older];
  }

  /**
   * Imports keys given newest first.
   *
   * @example
   * const multi = await MultiFernet.fromKeys([newKey, oldKey]);
   */
  static async fromKeys(keys: readonly string[]): Promise<MultiFernet> {
    return new MultiFernet(await Promise.all(keys.map((key) => Fernet.fromKey(key))));
  }

  /**
   * Encrypts under the newest key.
   *
   * @example
   * const token = await multi.encrypt("secret");
   */
  encrypt(plaintext: string | Uint8Array, options?: FernetEncryptOptions): Promise<string> {
    return this.fernets[0].encrypt(plaintext, options);
  }

  /**
   * Decrypts with whichever key verifies; {@link InvalidFernetToken} if none does.
   *
   * @example
   * const bytes = await multi.decrypt(token);
   */
  async decrypt(token: string, options?: FernetDecryptOptions): Promise<Uint8Array> {
    return (await this.decryptWithTimestamp(token, options)).plaintext;
  }

  /**
   * {@link decrypt}, then strict UTF-8 decoding.
   *
   * @example
   * const text = await multi.decryptText(token);
   */
  async decryptText(token: string, options?: FernetDecryptOptions): Promise<string> {
    return decodeUtf8(await this.decrypt(token, options));
  }

  /**
   * {@link decrypt}, also returning the token's timestamp.
   *
   * @example
   * const { plaintext, issuedAt } = await multi.decryptWithTimestamp(token);
   */
  async decryptWithTimestamp(token: string, options?: FernetDecryptOptions): Promise<FernetPayload> {
    for (const fernet of this.fernets) {
      try {
        return await fernet.decryptWithTimestamp(token, options);
      } catch (error) {
        if (!(error instanceof InvalidFernetToken)) throw error;
      }
    }
    throw new InvalidFernetToken();
  }

  /**
   * Decrypts, and when an older key was the one that verified, also returns the token re-sealed under the
   * newest key, so callers can store it and let old keys retire on use (newest key is always tried first).
   *
   * @example
   * const { plaintext, resealed } = await multi.decryptAndRotate(token);
   * if (resealed) await save(resealed);
   */
  async decryptAndRotate(token: string): Promise<{ plaintext: Uint8Array; resealed?: string }> {
    for (const [index, fernet] of this.fernets.entries()) {
      try {
        const { plaintext, issuedAt } = await fernet.decryptWithTimestamp(token);
        if (index === 0) return { plaintext };
        return { plaintext, resealed: await this.fernets[0].encrypt(plaintext, { now: issuedAt }) };
      } catch (error) {
        if (!(error instanceof InvalidFernetToken)) throw error;
      }
    }
    throw new InvalidFernetToken();
  }

  /**
   * Re-encrypts a token under the newest key with a fresh IV. The original timestamp is kept (as Python's
   * `MultiFernet.rotate` does), so rotation never extends a token's TTL-based lifetime. No TTL is applied
   * while rotating; pass `ttlSeconds` to refuse to re-seal tokens that are already too old.
   *
   * @example
   * const resealed = await multi.rotate(storedToken);
   */
  async rotate(token: string, options: FernetDecryptOptions = {}): Promise<string> {
    const { plaintext, issuedAt } = await this.decryptWithTimestamp(token, options);
    return this.fernets[0].encrypt(plaintext, { now: issuedAt });
  }
}

/**
 * Splits a comma-separated env value (e.g. `CREDENTIALS_KEYS`, newest first) into validated keys.
 * Whitespace around keys and empty entries (a trailing comma) are ignored.
 *
 * @example
 * const keys = parseFernetKeys(env.CREDENTIALS_KEYS); // ["<newest>", "<older>"]
 * const vault = await MultiFernet.fromKeys(keys);
 */
export function parseFernetKeys(envValue: string): string[] {
  const keys = (envValue ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter((key) => key.length > 0);
  if (keys.length === 0) {
    throw new InvalidFernetKey("No Fernet keys configured: expected a comma-separated list, newest first");
  }
  keys.forEach((key, index) => {
    decodeFernetKey(key, `Fernet key #${index + 1} of ${keys.length}`);
  });
  return keys;
}

/**
 * A new random key in the spec's format (44 characters, url-safe base64 ending in "=").
 *
 * @example
 * const key = generateFernetKey(); // e.g. "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
 */
export function generateFernetKey(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(KEY_BYTES)));
}

/**
 * Strict UTF-8: invalid bytes throw instead of becoming U+FFFD, and a leading BOM is kept (`ignoreBOM`), so
 * the text is exactly what was encrypted, as Python's `bytes.decode("utf-8")` would return it.
 */
function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
}

function decodeFernetKey(key: string, label = "Fernet key"): Uint8Array {
  const raw = typeof key === "string" ? decodeBase64Url(key) : undefined;
  if (raw === undefined || raw.length !== KEY_BYTES) {
    // Describes the expected shape only: the key itself must never end up in logs.
    throw new InvalidFernetKey(
      `${label} is invalid: expected the url-safe base64 of 32 bytes (44 characters ending in "="), as generateFernetKey() or Python's Fernet.generate_key() produce`,
    );
  }
  return raw;
}
