import { describe, expect, it } from "vitest";
import { isSensitiveKey, luhnValid, maskEmail, maskPii, maskString } from "../../src/audit/pii-mask.ts";

const JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

describe("maskEmail", () => {
  it.each([
    ["alice@example.com", "a***@e***.com"],
    ["Bob.Smith+tag@Mail.Example.co.uk", "b***@m***.uk"],
    ["x@y.io", "x***@y***.io"],
    ["  carol@example.org ", "c***@e***.org"],
    ["not-an-email", "[redacted]"],
    ["", "[redacted]"],
    ["@example.com", "[redacted]"],
  ])("%j → %j", (input, expected) => {
    expect(maskEmail(input)).toBe(expected);
  });
});

describe("maskString", () => {
  const masked: [string, string, string][] = [
    // emails, in text too
    ["email", "alice@example.com", "a***@e***.com"],
    [
      "emails in a sentence",
      "mail alice@example.com, then bob@x.io.",
      "mail a***@e***.com, then b***@x***.io.",
    ],
    ["email with digits", "user-1234567890@example.com", "u***@e***.com"],
    // Switchboard's own keys and tokens
    ["API key", "sb_key_Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4OTAx", "[redacted]"],
    ["refresh token", "sb_rt_x3F-_abcdefghijklmnop", "[redacted]"],
    ["key in text", "used key sb_key_abc123DEF456ghi789 today", "used key [redacted] today"],
    // providers
    ["OpenAI", "sk-abcdefghijklmnopqrstuvwxyz012345", "[redacted]"],
    ["OpenAI project", "sk-proj-Abc123_def-456ghi", "[redacted]"],
    ["Anthropic", "sk-ant-api03-AbCdEf0123456789-xyz", "[redacted]"],
    ["Stripe", "sk_live_51HabcdEFGH1234", "[redacted]"],
    ["GitHub classic", "ghp_1234567890abcdefghijABCDEFGHIJ123456", "[redacted]"],
    ["GitHub OAuth", "gho_16C7e42F292c6912E7710c838347Ae178B4a", "[redacted]"],
    ["GitHub fine-grained", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "[redacted]"],
    ["AWS access key", "AKIAIOSFODNN7EXAMPLE", "[redacted]"],
    ["Slack", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp", "[redacted]"],
    ["Google", "AIzaSyA-1234567890abcdefghijklmnopqrstu", "[redacted]"],
    ["JWT", JWT, "[redacted]"],
    ["JWT in text", `token=${JWT}; path=/`, "token=[redacted]; path=/"],
    // bearer, whatever follows
    ["bearer", "Authorization: Bearer abc.def-ghi", "Authorization: Bearer [redacted]"],
    ["bearer lower case", "bearer opaque-token-123", "Bearer [redacted]"],
    ["bearer JWT", `Bearer ${JWT}`, "Bearer [redacted]"],
    [
      "URL password",
      "postgres://app:hunter2@db.example.com:5432/app",
      "postgres://app:[redacted]@db.example.com:5432/app",
    ],
    [
      "private key",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
      "[redacted]",
    ],
    // cards (Luhn-valid test numbers of each network)
    ["Visa", "4111111111111111", "[card]"],
    ["Visa spaced", "4111 1111 1111 1111", "[card]"],
    ["Visa dashed", "4111-1111-1111-1111", "[card]"],
    ["Mastercard", "5555 5555 5555 4444", "[card]"],
    ["Mastercard 2-series", "2223003122003222", "[card]"],
    ["Amex", "3782 822463 10005", "[card]"],
    ["Discover", "6011111111111117", "[card]"],
    ["Visa 13 digits", "4222222222222", "[card]"],
    ["card in text", "paid with 4242424242424242.", "paid with [card]."],
    ["card after a dash", "card-4111111111111111", "card-[card]"],
    // phones
    ["E.164", "+14155552671", "[phone]"],
    ["international spaced", "+44 20 7946 0958", "[phone]"],
    ["international with trunk", "+44 (0)20 7946 0958", "[phone]"],
    ["international dashed", "+49-30-1234567", "[phone]"],
    ["US parentheses", "(555) 123-4567", "[phone]"],
    ["US dashed", "555-123-4567", "[phone]"],
    ["US dotted", "555.123.4567", "[phone]"],
    ["German national", "030 1234 5678", "[phone]"],
    ["UK mobile", "07700 900123", "[phone]"],
    ["UK contiguous", "07700900123", "[phone]"],
    ["French dotted", "06.12.34.56.78", "[phone]"],
    ["phone in text", "call +1 (555) 123-4567 now", "call [phone] now"],
    ["phone then number", "555-123-4567 1234", "[phone] 1234"],
  ];
  it.each(masked)("masks %s", (_name, input, expected) => {
    expect(maskString(input)).toBe(expected);
  });

  const untouched: [string, string][] = [
    ["UUID", "123e4567-e89b-12d3-a456-426614174000"],
    ["all-digit UUID", "12345678-1234-1234-1234-123456789012"],
    ["UUID with Luhn-valid digits", "41111111-1111-1111-1111-111111111111"],
    ["ISO date-time", "2024-01-15T10:00:00.123Z"],
    ["ISO with microseconds and offset", "2024-01-15T10:00:00.123456+02:00"],
    ["ISO date", "2024-01-15"],
    ["SQL timestamp", "2024-01-15 10:00:00+00"],
    ["European date", "15.01.2024"],
    ["slashed date", "2024/01/15"],
    ["IPv4", "192.168.100.200"],
    ["Luhn-invalid card", "4111111111111112"],
    ["Luhn-invalid spaced card", "4111 1111 1111 1112"],
    ["epoch milliseconds", "1718000000000"],
    ["order number", "100000000000001"],
    ["eight digits", "12345678"],
    ["ten digits", "5551234567"],
    ["decimal", "3.14159265358979323"],
    ["leading-zero decimal", "0.123456789"],
    ["thousands", "1,000,000"],
    ["spaced thousands", "10 000 000"],
    ["money", "$1,234,567.89"],
    ["version", "v1.2.3"],
    ["SHA-256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["slug with digits", "task-12345678"],
    ["short sk- word", "sk-ant"],
    ["API key's visible prefix", "sb_key_AbC-12"],
    ["ordinary text", "The agent ran 3 tools in 1.5 s at 10:00."],
    ["masked already", "a***@e***.com [redacted] [card] [phone]"],
  ];
  it.each(untouched)("leaves %s alone", (_name, input) => {
    expect(maskString(input)).toBe(input);
  });
});

describe("maskPii", () => {
  it("masks nested objects and arrays, and values under secret keys whatever they hold", () => {
    const input = {
      user: { email: "alice@example.com", name: "Alice", phone: "+44 20 7946 0958" },
      password: "hunter2",
      newPassword: "correct horse",
      passwordHash: "scrypt$abc",
      client_secret: "0123456789abcdef0123456789abcdef",
      refreshToken: "opaque",
      "X-API-Key": "whatever",
      apiKey: 12345,
      Authorization: "Basic dXNlcjpwYXNz",
      headers: { Cookie: "session=abc", "set-cookie": ["a=1"], accept: "text/html" },
      aws: { secretAccessKey: { nested: "wJalrXUtnFEMI/K7MDENG" } },
      items: ["alice@example.com", ["4111 1111 1111 1111", { note: `sent ${JWT}` }], 42, null, true],
    };
    expect(maskPii(input)).toEqual({
      user: { email: "a***@e***.com", name: "Alice", phone: "[phone]" },
      password: "[redacted]",
      newPassword: "[redacted]",
      passwordHash: "[redacted]",
      client_secret: "[redacted]",
      refreshToken: "[redacted]",
      "X-API-Key": "[redacted]",
      apiKey: "[redacted]",
      Authorization: "[redacted]",
      headers: { Cookie: "[redacted]", "set-cookie": "[redacted]", accept: "text/html" },
      aws: { secretAccessKey: "[redacted]" },
      items: ["a***@e***.com", ["[card]", { note: "sent [redacted]" }], 42, null, true],
    });
  });

  it("keeps identifiers, counts and booleans under look-alike keys", () => {
    const input = {
      apiKeyId: "2f1c1a52-6c1e-4a38-9d1f-0c6e8d1b9a11",
      credentialId: "0c6e8d1b-9a11-4a38-9d1f-2f1c1a526c1e",
      maxTokens: 4096,
      tokensPerSecond: 20,
      tokenHash: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      passwordChanged: true,
      secret: null,
      at: "2024-01-15T10:00:00Z",
      createdAt: new Date("2024-01-15T10:00:00Z"),
      count: 1718000000000,
    };
    expect(maskPii(input)).toEqual({ ...input, createdAt: "2024-01-15T10:00:00.000Z" });
  });

  it("masks card numbers stored as JSON numbers, and emails used as keys", () => {
    expect(maskPii({ card: 4111111111111111, "alice@example.com": "admin" })).toEqual({
      card: "[card]",
      "a***@e***.com": "admin",
    });
  });

  it("returns JSON-safe values for odd input and survives cycles", () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(maskPii(cyclic)).toEqual({ name: "loop", self: "[circular]" });
    expect(maskPii({ fn: () => 1, big: 10n, missing: undefined })).toEqual({ big: "10" });
    expect(maskPii("bob@example.com")).toBe("b***@e***.com");
    expect(maskPii(7)).toBe(7);
    let deep: unknown = "alice@example.com";
    for (let i = 0; i < 30; i++) deep = [deep];
    expect(JSON.stringify(maskPii(deep))).toContain("[truncated]");
    // The same object twice is not a cycle.
    const shared = { email: "alice@example.com" };
    expect(maskPii([shared, shared])).toEqual([{ email: "a***@e***.com" }, { email: "a***@e***.com" }]);
  });

  it("is idempotent", () => {
    const once = maskPii({
      a: "alice@example.com +44 20 7946 0958 4111111111111111 sb_key_abcdefghijklmnopq",
    });
    expect(maskPii(once)).toEqual(once);
  });
});

describe("helpers", () => {
  it.each([
    ["password", true],
    ["currentPassword", true],
    ["PASSWORD_HASH", true],
    ["x-api-key", true],
    ["api_key", true],
    ["accessToken", true],
    ["X-Auth-Token", true],
    ["authorization", true],
    ["proxy-authorization", true],
    ["cookie", true],
    ["Set-Cookie", true],
    ["auth", true],
    ["apiKeyId", false],
    ["maxTokens", false],
    ["author", false],
    ["email", false],
  ])("isSensitiveKey(%j) is %s", (key, expected) => {
    expect(isSensitiveKey(key)).toBe(expected);
  });

  it("checks Luhn", () => {
    expect(luhnValid("4111 1111 1111 1111")).toBe(true);
    expect(luhnValid("4111 1111 1111 1112")).toBe(false);
    expect(luhnValid("0")).toBe(false);
  });
});
