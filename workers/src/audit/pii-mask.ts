/**
 * Masks personal data and secrets before they are written to the audit log, so the log can be read and
 * exported by admins without becoming a second copy of everyone's email addresses, keys and card numbers.
 *
 * One regular expression scans each string left to right. Its alternatives are ordered: values that look
 * like numbers but are harmless (UUIDs, ISO timestamps, dates, IPv4 addresses) come first, so where one of
 * them starts, the scanner consumes it whole and no card or phone rule can bite into it.
 */

export const REDACTED = "[redacted]";
export const CARD = "[card]";
export const PHONE = "[phone]";

/** Deeper than any sane audit detail; beyond it values are cut rather than walked (and cannot loop). */
const MAX_DEPTH = 20;

type Rule = { source: string; mask: (match: string) => string };

const keep = (match: string) => match;
const redact = () => REDACTED;

const EMAIL_SOURCE =
  "[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,}";
// A token's edges: not glued to other word characters, so `task-12345678` is not an OpenAI key.
const START = "(?<![\\w-])";
const END = "(?![\\w-])";
// Not inside a longer number or word (`v1.4111…`, `x4111…`), but `card-4111…` and `tel:+44…` are fine.
const DIGITS_START = "(?<![\\w.,+]|[\\d.]-)";
// Not followed by another digit, letter, or a decimal/thousands continuation (`…123.45`).
const DIGITS_END = "(?![\\w]|[.,/-]\\d)";

/** International: `+` and country code, then digit groups with optional space/dot/dash/parentheses. */
const PHONE_INTERNATIONAL = "\\+[1-9]\\d{0,3}(?:[ .-]?\\(?\\d{1,5}\\)?){1,6}";
/** National with a trunk `0` (`030 1234 5678`, `07700 900123`, `06.12.34.56.78`); `0.5` cannot match. */
const PHONE_TRUNK = "0\\d{1,4}(?:[ .-]?\\d{2,8}){1,5}";
/** North American `(555) 123-4567`, `555-123-4567`: a separator before the last four digits is required. */
const PHONE_NANP = "\\(?[2-9]\\d{2}\\)?[ .-]?\\d{3}[ .-]\\d{4}";
const PHONE_SOURCE = `(?:${PHONE_INTERNATIONAL}|${PHONE_TRUNK}|${PHONE_NANP})`;

const rules: Rule[] = [
  // --- Left alone (listed first so they win where they start) ---
  {
    source: `${START}[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}${END}`,
    mask: keep,
  },
  {
    // ISO 8601 date or date-time with optional fraction and offset.
    source: `${DIGITS_START}\\d{4}-\\d{2}-\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?(?:Z|[+-]\\d{2}(?::?\\d{2})?)?)?(?![\\w])`,
    mask: keep,
  },
  { source: `${DIGITS_START}(?:\\d{1,2}[./]\\d{1,2}[./]\\d{4}|\\d{4}/\\d{2}/\\d{2})(?![\\w])`, mask: keep },
  { source: `${DIGITS_START}\\d{1,3}(?:\\.\\d{1,3}){3}(?![\\w.])`, mask: keep },
  // --- Secrets: masked whole ---
  { source: "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----", mask: redact },
  { source: "\\b(?:[Bb]earer|BEARER)\\s+[^\\s\"',;]+", mask: () => `Bearer ${REDACTED}` },
  // Real ones carry 32 random bytes (43 characters); the short visible prefix an API key is listed by
  // (`sb_key_` + 6) identifies it without revealing it, so it stays readable.
  { source: `${START}sb_(?:key|rt)_[A-Za-z0-9_-]{16,}`, mask: redact },
  { source: `${START}sk-(?:ant-)?[A-Za-z0-9][A-Za-z0-9_-]{7,}`, mask: redact },
  { source: `${START}(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}`, mask: redact },
  { source: `${START}(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})`, mask: redact },
  { source: `${START}(?:AKIA|ASIA)[A-Z0-9]{16}${END}`, mask: redact },
  { source: `${START}(?:xox[abposre]|xapp)-[A-Za-z0-9-]{8,}`, mask: redact },
  { source: `${START}AIza[0-9A-Za-z_-]{35}${END}`, mask: redact },
  { source: `${START}eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*`, mask: redact },
  {
    // A password in a URL (`postgres://user:pw@host`): keep the URL readable, hide the password.
    source: "\\b[A-Za-z][A-Za-z0-9+.-]*://[^\\s:/@]+:[^\\s/@]+@",
    mask: (match) => match.replace(/:[^:]+@$/, `:${REDACTED}@`),
  },
  // --- Personal data ---
  { source: `(?<![\\w.%+-])${EMAIL_SOURCE}`, mask: (match) => maskEmail(match) },
  {
    // 13–19 digits from a card network's range (2–6), optionally grouped by spaces or dashes.
    source: `${DIGITS_START}[2-6](?:[ -]?\\d){12,18}${DIGITS_END}`,
    // Not a card: the digits may still hold a phone number followed by another number.
    mask: (match) => (luhnValid(match) ? CARD : match.replace(phoneScanner, maskPhone)),
  },
  { source: `${DIGITS_START}${PHONE_SOURCE}${DIGITS_END}`, mask: (match) => maskPhone(match) },
];

const scanner = new RegExp(rules.map((rule) => `(${rule.source})`).join("|"), "g");
const phoneScanner = new RegExp(`${DIGITS_START}${PHONE_SOURCE}${DIGITS_END}`, "g");
const emailOnly = new RegExp(`^${EMAIL_SOURCE}$`);

/**
 * Normalized key names (lower case, letters and digits only) whose values are secret whatever they look
 * like: any key mentioning a password or secret, and keys ending in token, api key, authorization, cookie.
 * `maxTokens`, `apiKeyId` and `tokenHash` stay readable: counts and identifiers are not secrets.
 */
const SENSITIVE_KEY =
  /password|passwd|passphrase|secret|(?:token|apikey|accesskey|privatekey|authorization|cookies?|pwd)$|^auth$/;

/**
 * Whether a JSON key names a value that must be hidden whatever its content.
 * @example isSensitiveKey("X-API-Key") // → true; isSensitiveKey("apiKeyId") // → false
 */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key.toLowerCase().replace(/[^a-z0-9]/g, ""));
}

/**
 * Masks every string inside a JSON-like value (objects, arrays, nested), returning a new value.
 * Values under secret-looking keys become `[redacted]`; booleans and null stay, since they hold no secret.
 * Non-JSON values are made JSON-safe (dates to ISO strings, bigints to strings, functions dropped).
 * @example maskPii({ email: "alice@example.com", password: "hunter2", note: "call +44 20 7946 0958" })
 * // → { email: "a***@e***.com", password: "[redacted]", note: "call [phone]" }
 */
export function maskPii(value: unknown): unknown {
  return maskValue(value, 0, new WeakSet());
}

function maskValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return maskString(value);
  if (typeof value === "number") return isCardNumber(value) ? CARD : value;
  if (typeof value === "bigint") return maskString(value.toString());
  if (value === null || typeof value === "boolean") return value;
  if (typeof value !== "object") return undefined; // functions, symbols, undefined: not JSON
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[truncated]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => maskValue(item, depth + 1, seen) ?? null);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const masked =
        isSensitiveKey(key) && item !== null && typeof item !== "boolean" && item !== undefined
          ? REDACTED
          : maskValue(item, depth + 1, seen);
      // Keys are masked too (`{"alice@example.com": "admin"}`); two keys masking alike keep the last.
      if (masked !== undefined) out[maskString(key)] = masked;
    }
    return out;
  } finally {
    // Only cycles are refused: the same object twice in different branches is fine.
    seen.delete(value);
  }
}

/**
 * Masks emails, keys, tokens, card and phone numbers inside free text, leaving the rest as is.
 * @example maskString("Authorization: Bearer abc.def") // → "Authorization: Bearer [redacted]"
 */
export function maskString(text: string): string {
  return text.replace(scanner, (match: string, ...groups: unknown[]) => {
    const index = groups.findIndex((group, i) => i < rules.length && group !== undefined);
    const rule = rules[index];
    return rule ? rule.mask(match) : match;
  });
}

/**
 * Partly masks an email: first character of the local part and of the domain, and the top-level domain.
 * Anything that is not an email is hidden entirely.
 * @example maskEmail("alice@mail.example.com") // → "a***@m***.com"
 */
export function maskEmail(email: string): string {
  const trimmed = email.trim();
  if (!emailOnly.test(trimmed)) return REDACTED;
  const at = trimmed.lastIndexOf("@");
  const local = trimmed.slice(0, at);
  const labels = trimmed.slice(at + 1).split(".");
  const tld = labels.at(-1) ?? "";
  return `${local.charAt(0)}***@${(labels[0] ?? "").charAt(0)}***.${tld}`.toLowerCase();
}

/**
 * Luhn checksum over the 13–19 digits of `text` (separators ignored); false for other lengths.
 * @example luhnValid("4111 1111 1111 1111") // → true
 */
export function luhnValid(text: string): boolean {
  const digits = text.replace(/\D/g, "");
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** A phone-shaped match is a phone number if it has 8–15 digits (E.164 allows at most 15). */
function maskPhone(match: string): string {
  const digitCount = match.replace(/\D/g, "").length;
  return digitCount >= 8 && digitCount <= 15 ? PHONE : match;
}

/** A card number stored as a JSON number (an epoch in milliseconds starts with 1 and is left alone). */
function isCardNumber(value: number): boolean {
  return (
    Number.isSafeInteger(value) &&
    value > 0 &&
    /^[2-6]\d{12,18}$/.test(String(value)) &&
    luhnValid(String(value))
  );
}
