/**
 * PostgreSQL text and jsonb cannot hold NUL, and a lone UTF-16 surrogate is not text at all. Input with
 * either is refused at the API edge; text the platform did not choose (model output, tool results) is
 * repaired before it is stored, so one bad character can never poison a conversation.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this looks for
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const UNSAFE_GLOBAL = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function isSafeText(text: string): boolean {
  return !UNSAFE.test(text);
}

/** Replaces NUL and lone surrogates with U+FFFD, leaving all other text as it was. */
export function repairText(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_GLOBAL, "\uFFFD") : text;
}

/** The path of the first string (or object key) in `value` that is not safe text, if any. */
export function findUnsafeText(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") return isSafeText(value) ? undefined : path || "(body)";
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnsafeText(value[i], path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (!isSafeText(key)) return at;
      const found = findUnsafeText(item, at);
      if (found) return found;
    }
  }
  return undefined;
}

/** Repairs every string in a JSON-like value (see {@link repairText}). */
export function repairDeep<T>(value: T): T {
  if (typeof value === "string") return repairText(value) as T;
  if (Array.isArray(value)) return value.map((item) => repairDeep(item)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [repairText(k), repairDeep(v)])) as T;
  }
  return value;
}
