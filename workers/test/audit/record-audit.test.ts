import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AuditAction, type AuditInput, recordAudit, writeAudit } from "../../src/audit/audit-log.ts";
import {
  addMember,
  auditRowsByTarget,
  insertOrganization,
  insertTeam,
  insertUser,
  seedOrganization,
  TEST_API_KEY,
  TEST_USER,
  testApp,
  testDb,
} from "./helpers.ts";

const db = testDb();

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs one request through a route that records `entry`, and waits for the background write. */
async function recordThroughRequest(entry: AuditInput, headers: Record<string, string> = {}) {
  const app = testApp();
  let written: Promise<boolean> | undefined;
  app.post("/action", (c) => {
    written = recordAudit(c, entry);
    return c.json({ ok: true });
  });
  const ctx = createExecutionContext();
  const response = await app.request("/action", { method: "POST", headers }, env, ctx);
  await waitOnExecutionContext(ctx);
  return { response, written: await written };
}

describe("recordAudit", () => {
  it("writes one masked row with the principal as actor, its organization and the client IP", async () => {
    const { orgId, admin } = await seedOrganization(db);
    const targetId = crypto.randomUUID();
    const { response, written } = await recordThroughRequest(
      {
        action: AuditAction.credentialAdded,
        outcome: "success",
        targetType: "credential",
        targetId,
        details: {
          name: "Work key for bob@example.com",
          apiKey: "sk-live-whatever",
          note: "card 4111 1111 1111 1111, phone +44 20 7946 0958",
          header: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
        },
      },
      { [TEST_USER]: admin.id, "CF-Connecting-IP": "203.0.113.7" },
    );
    expect(response.status).toBe(200);
    expect(written).toBe(true);
    const rows = await auditRowsByTarget(db, targetId);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({
      orgId,
      actorId: admin.id,
      actorLabel: "a***@e***.com",
      action: "credential.added",
      targetType: "credential",
      ip: "203.0.113.7",
      outcome: "success",
      details: {
        name: "Work key for b***@e***.com",
        apiKey: "[redacted]",
        note: "card [card], phone [phone]",
        header: "Bearer [redacted]",
      },
    });
    expect(JSON.stringify(row)).not.toContain(admin.email);
  });

  it("stores a null IP without CF-Connecting-IP, and names the API key that acted", async () => {
    const { admin } = await seedOrganization(db);
    const targetId = crypto.randomUUID();
    const apiKeyId = crypto.randomUUID();
    await recordThroughRequest(
      { action: AuditAction.agentDeleted, outcome: "success", targetType: "agent", targetId },
      { [TEST_USER]: admin.id, [TEST_API_KEY]: apiKeyId, "X-Forwarded-For": "198.51.100.1" },
    );
    const [row] = await auditRowsByTarget(db, targetId);
    expect(row?.ip).toBeNull();
    expect(row?.details).toEqual({ apiKeyId });
  });

  it("records a failed sign-in of an unknown email with no actor and no organization", async () => {
    const targetId = crypto.randomUUID();
    const { written } = await recordThroughRequest({
      action: AuditAction.authLoginFailed,
      outcome: "failure",
      actorId: null,
      actorEmail: "Mallory@Evil.example",
      targetId,
    });
    expect(written).toBe(true);
    const [row] = await auditRowsByTarget(db, targetId);
    expect(row).toMatchObject({
      actorId: null,
      actorLabel: "m***@e***.example",
      orgId: null,
      outcome: "failure",
    });
  });

  it("takes the organization from the team, or from the caller when the actor has several", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { orgId, admin } = await seedOrganization(db);
    const otherOrg = await insertOrganization(db);
    await addMember(db, otherOrg, admin.id, "member");
    const teamId = await insertTeam(db, otherOrg);

    const ambiguous = crypto.randomUUID();
    await recordThroughRequest(
      { action: AuditAction.agentCreated, outcome: "success", targetId: ambiguous },
      {
        [TEST_USER]: admin.id,
      },
    );
    expect((await auditRowsByTarget(db, ambiguous))[0]?.orgId).toBeNull();
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/several; pass orgId/), expect.anything());

    const explicit = crypto.randomUUID();
    await recordThroughRequest(
      { action: AuditAction.agentCreated, outcome: "success", targetId: explicit, orgId },
      { [TEST_USER]: admin.id },
    );
    expect((await auditRowsByTarget(db, explicit))[0]?.orgId).toBe(orgId);

    const viaTeam = crypto.randomUUID();
    await recordThroughRequest(
      { action: AuditAction.teamMemberAdded, outcome: "success", targetId: viaTeam, teamId },
      { [TEST_USER]: admin.id },
    );
    expect((await auditRowsByTarget(db, viaTeam))[0]).toMatchObject({ orgId: otherOrg, teamId });
  });

  it("never fails the request when the write fails", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const user = await insertUser(db);
    const { response, written } = await recordThroughRequest(
      { action: AuditAction.userDisabled, outcome: "success", orgId: "not-a-uuid" },
      { [TEST_USER]: user.id },
    );
    expect(written).toBe(false);
    expect(response.status).toBe(200);
    expect(error).toHaveBeenCalledWith(
      "audit log write failed",
      expect.objectContaining({ action: "user.disabled" }),
    );
  });

  it("works without an execution context", async () => {
    const { admin } = await seedOrganization(db);
    const targetId = crypto.randomUUID();
    const app = testApp();
    let written: Promise<boolean> | undefined;
    app.get("/x", (c) => {
      written = recordAudit(c, { action: AuditAction.authLogout, outcome: "success", targetId });
      return c.body(null, 204);
    });
    const response = await app.request("/x", { headers: { [TEST_USER]: admin.id } }, env);
    expect(response.status).toBe(204);
    expect(await written).toBe(true);
    expect(await auditRowsByTarget(db, targetId)).toHaveLength(1);
  });
});

describe("writeAudit (outside a request)", () => {
  it("writes with the given IP and masks the target id", async () => {
    const { orgId, member } = await seedOrganization(db);
    const marker = crypto.randomUUID();
    const ok = await writeAudit(db, {
      action: AuditAction.toolCalled,
      outcome: "success",
      actorId: member.id,
      ip: "2001:db8::1",
      targetType: "tool",
      targetId: `search:${marker}`,
      details: { tool: "search", query: "find bob@example.com" },
    });
    expect(ok).toBe(true);
    const [row] = await auditRowsByTarget(db, `search:${marker}`);
    expect(row).toMatchObject({
      orgId,
      actorLabel: "m***@e***.com",
      ip: "2001:db8::1",
      details: { tool: "search", query: "find b***@e***.com" },
    });

    await writeAudit(db, {
      action: AuditAction.teamMemberRemoved,
      outcome: "success",
      targetId: "zed@example.com",
      details: { marker },
    });
    const stored = (await db.sql.query("SELECT target_id FROM audit_log WHERE details->>'marker' = $1", [
      marker,
    ])) as { target_id: string }[];
    expect(stored).toEqual([{ target_id: "z***@e***.com" }]);
  });
});
