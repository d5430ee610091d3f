import { createHash, timingSafeEqual } from "node:crypto";

/**
 * The form both sides are compared in. The neon() driver rewrites the string it was given before sending
 * it: scheme becomes `postgresql:`, the rest is re-serialised through WHATWG URL parsing (as `http:`), and
 * `application_name=pkg:npm/@neondatabase/serverless@…` is appended. application_name is a client label,
 * not a credential, so it is dropped; the remaining parameters are sorted so their order does not matter.
 */
export function canonicalConnectionString(connectionString: string): string | undefined {
  const scheme = /^(postgres|postgresql):/i.exec(connectionString);
  if (!scheme) return undefined;
  let url: URL;
  try {
    url = new URL(`http:${connectionString.slice(scheme[0].length)}`);
  } catch {
    return undefined;
  }
  url.searchParams.delete("application_name");
  url.searchParams.sort();
  return `postgresql:${url.href.slice("http:".length)}`;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Accepts only the one connection string the relay was configured with. Both sides are hashed first so
 * the constant-time comparison always sees equal-length buffers and the length of the secret never leaks.
 */
export function connectionStringMatcher(configured: string): (presented: string | undefined) => boolean {
  const expectedCanonical = canonicalConnectionString(configured);
  if (!expectedCanonical) throw new Error("DATABASE_URL is not a postgres:// URL");
  const expected = digest(expectedCanonical);
  return (presented) => {
    if (!presented) return false;
    const canonical = canonicalConnectionString(presented);
    // Hash something even for unparseable input so the timing does not reveal which branch ran.
    const actual = digest(canonical ?? `\u0000${presented}`);
    return timingSafeEqual(actual, expected) && canonical !== undefined;
  };
}
