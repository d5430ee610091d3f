import type { AuditEntry, ErrorBody } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { api, registerUser } from "../helpers/api.ts";
import { insertEntries, testDb } from "./helpers.ts";

type Page = { entries: AuditEntry[]; nextCursor?: string };

/** Audit rows are written after the response (waitUntil), so a test polls for them. */
async function waitForEntries(token: string, query: string, count: number): Promise<AuditEntry[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const res = await api<Page>(`/audit?${query}`, { token });
    if (res.status === 200 && res.body.entries.length >= count) return res.body.entries;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`fewer than ${count} audit entries for ${query}`);
}

// Through the real worker: needs `api.route("/", auditRoutes)` in workers/src/app.ts.
describe("audit log through the real worker", () => {
  it("lets a newly registered user (admin of their own organization) read it, and nobody else", async () => {
    const db = testDb();
    const admin = await registerUser("Audit Admin");
    const rows = (await db.sql.query("SELECT org_id FROM org_members WHERE user_id = $1 AND role = 'admin'", [
      admin.user.id,
    ])) as { org_id: string }[];
    const orgId = rows[0]?.org_id ?? null;
    expect(orgId).not.toBeNull();
    const [id] = await insertEntries(db, [
      {
        orgId,
        action: "workspace.command",
        at: new Date().toISOString(),
        actorId: admin.user.id,
        actorLabel: "a***@e***.com",
      },
    ]);

    const list = await api<Page>("/audit?action=workspace.*", { token: admin.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.entries.map((e) => e.id)).toEqual([id]);

    const other = await registerUser("Someone Else");
    const foreign = await api<Page>("/audit", { token: other.accessToken });
    expect(foreign.status).toBe(200);
    expect(foreign.body.entries.map((e) => e.id)).not.toContain(id);

    expect((await api<ErrorBody>("/audit")).status).toBe(401);
    const doc = await api<{ paths: Record<string, unknown> }>("/openapi.json");
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(["/audit", "/audit/export"]));
  });

  // Needs the recordAudit calls in workers/src/routes/auth.ts (register, login, login_failed).
  it("records registration and sign-ins, masked, with the client's IP", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    const auth = await registerUser("Signs In");
    const email = auth.user.email;
    const headers = { "CF-Connecting-IP": ip };
    const wrong = await api("/auth/login", {
      method: "POST",
      headers,
      body: { email, password: "not the password" },
    });
    expect(wrong.status).toBe(401);
    const right = await api("/auth/login", {
      method: "POST",
      headers,
      body: { email, password: "correct horse battery" },
    });
    expect(right.status).toBe(200);

    const entries = await waitForEntries(auth.accessToken, "action=auth.*", 3);
    expect(entries.map((e) => e.action)).toEqual(["auth.login", "auth.login_failed", "auth.register"]);
    const [login, failed] = entries;
    expect(login).toMatchObject({ actorId: auth.user.id, actor: "u***@e***.com", ip, outcome: "success" });
    expect(failed).toMatchObject({ actorId: auth.user.id, ip, outcome: "failure" });
    expect(JSON.stringify(entries)).not.toContain(email);
  });
});
