/**
 * Base64 and base64url codecs for the crypto modules.
 *
 * Hand-written over `btoa`/`atob` instead of `Uint8Array.fromBase64`/`toBase64` because the TypeScript lib
 * this repo targets (ES2023) has no types for those yet, and `node:buffer` must not be pulled into workerd
 * code. Decoding is strict: `atob` quietly accepts missing padding and ASCII whitespace, and a token format
 * should have exactly one spelling, so every decoder checks the alphabet and padding with a regex first.
 */

const STANDARD_PADDED = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const STANDARD_UNPADDED = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2,3})?$/;
const URL_PADDED = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;
const URL_UNPADDED = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$/;

/**
 * Encodes bytes as standard base64 (`+`, `/`).
 *
 * @example
 * encodeBase64(new Uint8Array([251, 255])); // "+/8="
 * encodeBase64(new Uint8Array([251, 255]), { padding: false }); // "+/8"
 */
export function encodeBase64(bytes: Uint8Array, options: { padding?: boolean } = {}): string {
  // Chunked so a large input never hits the engine's argument-count limit of String.fromCharCode.apply.
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  const encoded = btoa(binary);
  return options.padding === false ? encoded.replace(/=+$/, "") : encoded;
}

/**
 * Encodes bytes as base64url (`-`, `_`; RFC 4648 §5).
 *
 * @example
 * encodeBase64Url(new Uint8Array([251, 255])); // "-_8="
 * encodeBase64Url(new Uint8Array([251, 255]), { padding: false }); // "-_8"
 */
export function encodeBase64Url(bytes: Uint8Array, options: { padding?: boolean } = {}): string {
  return encodeBase64(bytes, options).replace(/\+/g, "-").replace(/\//g, "_");
}

/**
 * Decodes standard base64; `undefined` when the text is not canonical for the chosen padding rule.
 *
 * @example
 * decodeBase64("+/8="); // Uint8Array [251, 255]
 * decodeBase64("+/8", { padding: false }); // Uint8Array [251, 255]
 * decodeBase64("+/8"); // undefined (padding required by default)
 */
export function decodeBase64(text: string, options: { padding?: boolean } = {}): Uint8Array | undefined {
  const pattern = options.padding === false ? STANDARD_UNPADDED : STANDARD_PADDED;
  if (!pattern.test(text)) return undefined;
  const bytes = binaryToBytes(atob(text));
  // atob ignores the unused low bits of the last character; canonical text re-encodes to itself.
  return encodeBase64(bytes, options) === text ? bytes : undefined;
}

/**
 * Decodes base64url; `undefined` when the text is not canonical for the chosen padding rule.
 *
 * @example
 * decodeBase64Url("-_8="); // Uint8Array [251, 255]
 * decodeBase64Url("-_8=", { padding: false }); // undefined (padding forbidden)
 */
export function decodeBase64Url(text: string, options: { padding?: boolean } = {}): Uint8Array | undefined {
  const pattern = options.padding === false ? URL_UNPADDED : URL_PADDED;
  if (!pattern.test(text)) return undefined;
  const bytes = binaryToBytes(atob(text.replace(/-/g, "+").replace(/_/g, "/")));
  // atob ignores the unused low bits of the last character; canonical text re-encodes to itself.
  return encodeBase64Url(bytes, options) === text ? bytes : undefined;
}

function binaryToBytes(binary: string): Uint8Array {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
