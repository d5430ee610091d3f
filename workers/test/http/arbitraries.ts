import fc from "fast-check";

/** One request body: a JSON value, or raw text (invalid JSON, or JSON under the wrong content type). */
export type Payload =
  | { kind: "json"; value: unknown }
  | { kind: "text"; text: string; contentType: string | null };

/** The worker refuses bodies above 512 KiB with 413; huge values stay under it, to reach the validators. */
const HUGE_MAX_CHARS = 400_000;

/** Strings a validator or a database may choke on: NUL, lone surrogates, RTL marks, combining runs, emoji. */
const nasty = fc.constantFrom(
  "\u0000",
  "a\u0000b",
  "\uD800",
  "x\uDFFFy",
  "\u202Eevil",
  "e\u0301\u0301\u0301",
  "👩‍👩‍👧‍👦",
  "  ",
  "\r\n\t",
  "null",
  "{}",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "%00",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style lookup, literally, on purpose
  "${jndi:ldap://x}",
);

const unicode = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 50 }),
);

const huge = fc
  .tuple(
    fc.oneof(fc.constant("x"), fc.constant("é"), fc.constant("😀"), nasty),
    fc.integer({ min: 1_000, max: 100_000 }),
  )
  .map(([unit, times]) =>
    unit.repeat(Math.min(times, Math.floor(HUGE_MAX_CHARS / Math.max(unit.length, 1)))),
  );

/** An array or object nested `depth` deep. */
const nested = fc.tuple(fc.integer({ min: 2, max: 2_000 }), fc.boolean()).map(([depth, asArray]) => {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
});

const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
);

/** Any value a field could be given instead of the right one. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
  { arbitrary: wrongType, weight: 3 },
  { arbitrary: unicode, weight: 3 },
  { arbitrary: nasty, weight: 2 },
  { arbitrary: huge, weight: 1 },
  { arbitrary: nested, weight: 1 },
);

type Path = (string | number)[];

/** Every path to a value inside `value` (leaves and inner objects alike), the root excluded. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    return [path, ...pathsOf(child, path)];
  });
}

/** A deep copy of `value` with the value at `path` replaced (or removed, for `undefined`). */
function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  const next = rest.length === 0 ? replacement : replaceAt(copy[head], rest, replacement);
  if (next === undefined) delete copy[head];
  else copy[head] = next;
  return copy;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Known bug (text-encoding.test.ts): NUL and unpaired surrogates in free text reach PostgreSQL, which refuses
 * them, and the API answers 500 (a message even wedges its conversation). Until that is fixed, payloads that
 * carry them are left out here, so the fuzzing goes on finding new problems instead of this one; when
 * text-encoding.test.ts goes red because the bug is fixed, set this to false.
 */
export const AVOID_KNOWN_UNSAFE_TEXT = false;

/**
 * JSON.stringify writes NUL as `\u0000` and an unpaired surrogate as `\udXXX` (a valid pair stays raw). An
 * escaped backslash before "u0000" matches too: filtering a few harmless payloads more costs nothing.
 */
const UNSAFE_ESCAPE = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i;

function isKnownUnsafe(payload: Payload): boolean {
  return payload.kind === "json" && UNSAFE_ESCAPE.test(JSON.stringify(payload.value) ?? "");
}

/**
 * Bodies for an endpoint whose valid body is `valid`: mostly near-misses (one field changed, removed or
 * added), so they get past the first checks, plus arbitrary JSON, invalid JSON and wrong content types.
 */
export function payloadsFor(valid: Record<string, unknown>): fc.Arbitrary<Payload> {
  const paths = pathsOf(valid);
  const json = (value: unknown): Payload => ({ kind: "json", value });
  const text = JSON.stringify(valid);
  const payloads = fc.oneof(
    {
      arbitrary: fc.tuple(fc.constantFrom(...paths), anyValue).map(([p, v]) => json(replaceAt(valid, p, v))),
      weight: 6,
    },
    { arbitrary: fc.constantFrom(...paths).map((p) => json(replaceAt(valid, p, undefined))), weight: 1 },
    {
      // Unknown keys, including the ones that pollute prototypes when merged carelessly.
      arbitrary: fc
        .tuple(fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype"), fc.string()), anyValue)
        .map(([key, v]) => json(Object.defineProperty({ ...valid }, key, { value: v, enumerable: true }))),
      weight: 1,
    },
    { arbitrary: fc.jsonValue().map(json), weight: 2 },
    {
      arbitrary: fc
        .oneof(
          fc.string({ unit: "binary" }).filter((t) => !isJson(t)),
          fc.integer({ min: 0, max: text.length - 1 }).map((n) => text.slice(0, n)),
          fc.constantFrom("{", "[1,", '{"a":}', "{'a':1}", "NaN", "undefined", "\uFEFF{}", `${text}}`),
        )
        .map((t): Payload => ({ kind: "text", text: t, contentType: "application/json" })),
      weight: 2,
    },
    {
      arbitrary: fc
        .constantFrom(
          null,
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/json; charset=utf-16",
          "APPLICATION/JSON",
        )
        .map((contentType): Payload => ({ kind: "text", text, contentType })),
      weight: 1,
    },
  );
  return AVOID_KNOWN_UNSAFE_TEXT ? payloads.filter((payload) => !isKnownUnsafe(payload)) : payloads;
}
