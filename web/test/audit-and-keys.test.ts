import type { ApiKey } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { apiKeyStatus, expiresAtFor, sortApiKeys } from "../src/lib/api-keys.ts";
import {
  auditFiltersError,
  auditQuery,
  auditTarget,
  dayBoundary,
  emptyAuditFilters,
} from "../src/lib/audit.ts";
import { filenameFromDisposition } from "../src/lib/download.ts";

const NOW = Date.parse("2026-03-10T12:00:00.000Z");

describe("audit filters", () => {
  it("turns days into local day boundaries", () => {
    const start = dayBoundary("2026-03-01", "start");
    const end = dayBoundary("2026-03-01", "end");
    expect(start && new Date(start).getHours()).toBe(0);
    expect(end && new Date(end).getHours()).toBe(23);
    expect(end && Date.parse(end) - Date.parse(start ?? "")).toBe(86_400_000 - 1);
    expect(dayBoundary("March 1", "start")).toBeUndefined();
  });

  it("builds the query from the non-empty filters", () => {
    expect(auditQuery(emptyAuditFilters)).toEqual({ limit: 50 });
    const query = auditQuery({ actor: " ada ", action: "auth.login", from: "2026-03-01", to: "" }, "c2", 20);
    expect(query).toEqual({
      actor: "ada",
      action: "auth.login",
      from: dayBoundary("2026-03-01", "start"),
      cursor: "c2",
      limit: 20,
    });
  });

  it("catches a range that ends before it starts", () => {
    expect(auditFiltersError({ ...emptyAuditFilters, from: "2026-03-02", to: "2026-03-01" })).toMatch(
      /after/,
    );
    expect(auditFiltersError({ ...emptyAuditFilters, from: "2026-03-01", to: "2026-03-01" })).toBeNull();
    expect(auditFiltersError({ ...emptyAuditFilters, to: "yesterday" })).toMatch(/To date/);
  });

  it("shortens target ids", () => {
    expect(auditTarget("agent", "1b2c3d4e-0000-4000-8000-000000000000")).toBe("agent 1b2c3d4e");
    expect(auditTarget("user", "u1")).toBe("user u1");
    expect(auditTarget(null, null)).toBe("—");
  });
});

describe("API key helpers", () => {
  it("computes expiry from a preset or a chosen day", () => {
    expect(expiresAtFor("never", "", NOW)).toEqual({ expiresAt: undefined });
    expect(expiresAtFor("30", "", NOW)).toEqual({ expiresAt: "2026-04-09T12:00:00.000Z" });
    const picked = expiresAtFor("date", "2026-04-01", NOW);
    expect("expiresAt" in picked && picked.expiresAt && new Date(picked.expiresAt).getHours()).toBe(23);
    expect(expiresAtFor("date", "", NOW)).toHaveProperty("error");
    expect(expiresAtFor("date", "2020-01-01", NOW)).toEqual({ error: "Pick a day in the future." });
  });

  const key = (id: string, over: Partial<ApiKey> = {}): ApiKey => ({
    id,
    name: id,
    prefix: "sb_x",
    scopes: ["read"],
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    createdAt: "2026-03-01T00:00:00.000Z",
    ...over,
  });

  it("tells active, expired and revoked keys apart and lists active ones first", () => {
    const revoked = key("revoked", { revokedAt: "2026-03-05T00:00:00.000Z" });
    const expired = key("expired", { expiresAt: "2026-03-09T00:00:00.000Z" });
    const older = key("older", {
      createdAt: "2026-01-01T00:00:00.000Z",
      expiresAt: "2027-01-01T00:00:00.000Z",
    });
    const newer = key("newer", { createdAt: "2026-03-02T00:00:00.000Z" });
    expect(apiKeyStatus(revoked, NOW)).toBe("revoked");
    expect(apiKeyStatus(expired, NOW)).toBe("expired");
    expect(apiKeyStatus(older, NOW)).toBe("active");
    expect(sortApiKeys([revoked, expired, older, newer], NOW).map((k) => k.id)).toEqual([
      "newer",
      "older",
      "expired",
      "revoked",
    ]);
  });
});

describe("filenameFromDisposition", () => {
  it("prefers filename*, then filename, then the fallback", () => {
    expect(filenameFromDisposition(`attachment; filename="audit.csv"`, "x")).toBe("audit.csv");
    expect(filenameFromDisposition(`attachment; filename=audit.json`, "x")).toBe("audit.json");
    expect(
      filenameFromDisposition(`attachment; filename="a.csv"; filename*=UTF-8''audit%20log.csv`, "x"),
    ).toBe("audit log.csv");
    expect(filenameFromDisposition(null, "fallback.csv")).toBe("fallback.csv");
    expect(filenameFromDisposition("attachment", "fallback.csv")).toBe("fallback.csv");
  });

  it("never lets the server pick a path", () => {
    expect(filenameFromDisposition(`attachment; filename="../../etc/passwd"`, "x")).toBe("passwd");
  });
});
