import { env } from "cloudflare:test";
import type { AuditEntry, ErrorBody } from "@switchboard/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { auditRoutes, EXPORT_MAX_ROWS } from "../../src/routes/audit.ts";
import { insertEntries, insertUser, seedOrganization, TEST_USER, testApp, testDb } from "./helpers.ts";

const db = testDb();

// The router is mounted on a small app of its own, so these tests do not depend on app.ts.
const app = testApp();
app.route("/", auditRoutes);

type Page = { entries: AuditEntry[]; nextCursor?: string };

async function get<T>(path: string, userId?: string) {
  const response = await app.request(path, { headers: userId ? { [TEST_USER]: userId } : {} }, env);
  const text = await response.text();
  const type = response.headers.get("Content-Type") ?? "";
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: (type.includes("json") ? JSON.parse(text) : undefined) as T,
  };
}

/** A strict RFC 4180 reader, to check the export round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (char === '"') quoted = false;
      else cell += char;
      i += 1;
      continue;
    }
    if (char === '"' && cell === "") quoted = true;
    else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i += 1;
    } else if (char === '"' || char === "\n" || char === "\r") {
      throw new Error(`bare ${JSON.stringify(char)} at ${i}`);
    } else cell += char;
    i += 1;
  }
  if (cell !== "" || row.length > 0) throw new Error("last line not ended with CRLF");
  return rows;
}

describe("GET /audit", () => {
  let org: Awaited<ReturnType<typeof seedOrganization>>;
  let other: Awaited<ReturnType<typeof seedOrganization>>;
  let ids: string[];

  beforeAll(async () => {
    org = await seedOrganization(db);
    other = await seedOrganization(db);
    // Newest first: index 0 is the newest. Three share one millisecond, two of them differ by 1 µs.
    ids = await insertEntries(db, [
      {
        orgId: org.orgId,
        action: "agent.deleted",
        at: "2025-03-01T12:00:00.000003Z",
        actorId: org.member.id,
        actorLabel: "m***@e***.com",
      },
      {
        orgId: org.orgId,
        action: "agent.created",
        at: "2025-03-01T12:00:00.000002Z",
        actorId: org.member.id,
        actorLabel: "m***@e***.com",
      },
      {
        orgId: org.orgId,
        action: "auth.login_failed",
        at: "2025-03-01T12:00:00.000002Z",
        actorLabel: "z***@e***.com",
      },
      {
        orgId: org.orgId,
        action: "auth.login",
        at: "2025-02-15T08:30:00Z",
        actorId: org.admin.id,
        actorLabel: "a***@e***.com",
      },
      {
        orgId: org.orgId,
        action: "auth.logout",
        at: "2025-02-01T00:00:00Z",
        actorId: org.admin.id,
        actorLabel: "a***@e***.com",
      },
      {
        orgId: org.orgId,
        action: "api_key.created",
        at: "2025-01-31T23:59:59.999999Z",
        actorId: org.admin.id,
        actorLabel: "a***@e***.com",
      },
      {
        orgId: org.orgId,
        action: "auth.register",
        at: "2025-01-01T00:00:00Z",
        actorId: org.admin.id,
        actorLabel: "a***@e***.com",
      },
    ]);
    // Rows with equal timestamps are ordered by id (descending): find out which way these two went.
    const [a, b] = [ids[1] as string, ids[2] as string];
    if (a < b) ids.splice(1, 2, b, a);
    await insertEntries(db, [
      { orgId: other.orgId, action: "auth.login", at: "2025-03-01T12:00:00Z", actorId: other.admin.id },
      { orgId: null, action: "auth.login_failed", at: "2025-03-01T12:00:00Z" },
    ]);
  });

  it("shows an admin their organization's entries only, newest first", async () => {
    const res = await get<Page>("/audit", org.admin.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.body.entries.map((e) => e.id)).toEqual(ids);
    expect(res.body.nextCursor).toBeUndefined();
    expect(res.body.entries[3]).toMatchObject({
      action: "auth.login",
      actorId: org.admin.id,
      actor: "a***@e***.com",
      at: "2025-02-15T08:30:00.000Z",
      outcome: "success",
      details: {},
    });
    const theirs = await get<Page>("/audit", other.admin.id);
    expect(theirs.body.entries).toHaveLength(1);
  });

  it("refuses members and outsiders with 403, and anonymous callers with 401", async () => {
    const member = await get<ErrorBody>("/audit", org.member.id);
    expect(member.status).toBe(403);
    expect(member.body.error.code).toBe("forbidden");
    const outsider = await insertUser(db);
    expect((await get("/audit", outsider.id)).status).toBe(403);
    expect((await get("/audit/export", org.member.id)).status).toBe(403);
    expect((await get("/audit")).status).toBe(401);
  });

  it("filters by action, exactly or by prefix", async () => {
    const exact = await get<Page>("/audit?action=auth.login", org.admin.id);
    expect(exact.body.entries.map((e) => e.action)).toEqual(["auth.login"]);
    const prefix = await get<Page>("/audit?action=auth.*", org.admin.id);
    expect(prefix.body.entries.map((e) => e.action)).toEqual([
      "auth.login_failed",
      "auth.login",
      "auth.logout",
      "auth.register",
    ]);
    // `_` is literal, not LIKE's any-character.
    expect((await get<Page>("/audit?action=auth_*", org.admin.id)).body.entries).toEqual([]);
    expect((await get<Page>("/audit?action=*", org.admin.id)).body.entries).toHaveLength(7);
    const bad = await get<ErrorBody>("/audit?action=auth.%25", org.admin.id);
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("validation_failed");
  });

  it("filters by actor id, email or masked label prefix", async () => {
    const byId = await get<Page>(`/audit?actor=${org.member.id}`, org.admin.id);
    expect(byId.body.entries.map((e) => e.action)).toEqual(["agent.deleted", "agent.created"]);
    const byEmail = await get<Page>(`/audit?actor=${encodeURIComponent("Zed@Example.com")}`, org.admin.id);
    expect(byEmail.body.entries.map((e) => e.action)).toEqual(["auth.login_failed"]);
    const byPrefix = await get<Page>(`/audit?actor=${encodeURIComponent("a***@")}`, org.admin.id);
    expect(byPrefix.body.entries).toHaveLength(4);
    expect((await get<Page>("/audit?actor=%25", org.admin.id)).body.entries).toEqual([]);
  });

  it("filters by time, inclusive at both ends, with offsets and microseconds", async () => {
    const res = await get<Page>(
      `/audit?from=${encodeURIComponent("2025-02-01T01:00:00+01:00")}&to=2025-02-15T08:30:00Z`,
      org.admin.id,
    );
    expect(res.body.entries.map((e) => e.action)).toEqual(["auth.login", "auth.logout"]);
    const micro = await get<Page>("/audit?from=2025-03-01T12:00:00.000003Z", org.admin.id);
    expect(micro.body.entries.map((e) => e.action)).toEqual(["agent.deleted"]);
  });

  it.each([
    ["from=yesterday", /from/],
    ["to=2025-02-30T00:00:00Z", /to/],
    ["from=2025-01-01", /from/],
    ["from=2025-03-01T00:00:00Z&to=2025-02-01T00:00:00Z", /from/],
    ["limit=0", /limit/],
    ["limit=201", /limit/],
    ["cursor=bm9wZQ", /cursor/],
  ])("answers 422 for %s", async (query, message) => {
    const res = await get<ErrorBody>(`/audit?${query}`, org.admin.id);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.message).toMatch(message);
  });

  it("pages with a cursor without gaps or repeats, also within one millisecond", async () => {
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await get<Page>(
          `/audit?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
          org.admin.id,
        );
        expect(res.status).toBe(200);
        expect(res.body.entries.length).toBeLessThanOrEqual(limit);
        seen.push(...res.body.entries.map((e) => e.id));
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);
      expect(seen).toEqual(ids);
    }
    // The cursor composes with filters.
    const first = await get<Page>("/audit?action=auth.*&limit=2", org.admin.id);
    const second = await get<Page>(
      `/audit?action=auth.*&limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? "")}`,
      org.admin.id,
    );
    expect(second.body.entries.map((e) => e.action)).toEqual(["auth.logout", "auth.register"]);
    expect(second.body.nextCursor).toBeUndefined();
  });
});

describe("GET /audit/export", () => {
  let org: Awaited<ReturnType<typeof seedOrganization>>;

  beforeAll(async () => {
    org = await seedOrganization(db);
    await insertEntries(db, [
      {
        orgId: org.orgId,
        action: "agent.updated",
        at: "2025-05-02T10:00:00Z",
        actorId: org.admin.id,
        actorLabel: "a***@e***.com",
        targetId: '=HYPERLINK("http://evil.example","click")',
        details: { name: 'He said "hi", then\r\nleft', formula: "@SUM(A1:A2)" },
      },
      { orgId: org.orgId, action: "auth.login", at: "2025-05-01T10:00:00Z", targetId: "+1+2" },
      { orgId: org.orgId, action: "auth.logout", at: "2025-05-01T09:00:00Z", targetId: "-3" },
      { orgId: org.orgId, action: "auth.logout", at: "2025-05-01T08:00:00Z", targetId: "\tcmd" },
    ]);
  });

  it("exports CSV per RFC 4180 with a header row and formulas defused", async () => {
    const res = await get("/audit/export?format=csv", org.admin.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="audit-log-[\dT-]+Z\.csv"$/,
    );
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.text.endsWith("\r\n")).toBe(true);
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual([
      "id",
      "at",
      "actorId",
      "actor",
      "teamId",
      "action",
      "targetType",
      "targetId",
      "ip",
      "outcome",
      "details",
    ]);
    expect(rows).toHaveLength(4);
    const [first] = rows;
    expect(first?.slice(1, 8)).toEqual([
      "2025-05-02T10:00:00.000Z",
      org.admin.id,
      "a***@e***.com",
      "",
      "agent.updated",
      "",
      '\'=HYPERLINK("http://evil.example","click")',
    ]);
    // The details cell is JSON, so it round-trips (it starts with `{`, not a formula character).
    expect(JSON.parse(first?.[10] ?? "")).toEqual({
      name: 'He said "hi", then\r\nleft',
      formula: "@SUM(A1:A2)",
    });
    expect(rows.map((row) => row[7])).toEqual([
      '\'=HYPERLINK("http://evil.example","click")',
      "'+1+2",
      "'-3",
      "'\tcmd",
    ]);
    // Quotes are doubled in the raw text.
    expect(res.text).toContain('"\'=HYPERLINK(""http://evil.example"",""click"")"');
  });

  it("exports JSON with the same entries and filters", async () => {
    const res = await get<Page>("/audit/export?format=json&action=auth.*", org.admin.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="audit-log-[\dT-]+Z\.json"$/,
    );
    expect(res.body.entries.map((e) => e.targetId)).toEqual(["+1+2", "-3", "\tcmd"]);
    expect(res.body.nextCursor).toBeUndefined();
    expect(res.headers.get("X-Next-Cursor")).toBeNull();
    const list = await get<Page>("/audit?action=auth.*", org.admin.id);
    expect(res.body.entries).toEqual(list.body.entries);
  });

  it("defaults to CSV, and rejects unknown formats", async () => {
    const res = await get("/audit/export", org.admin.id);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/csv/);
    expect((await get("/audit/export?format=xlsx", org.admin.id)).status).toBe(422);
    expect(EXPORT_MAX_ROWS).toBe(10_000);
  });
});
