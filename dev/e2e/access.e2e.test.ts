import { describe, expect, it } from "vitest";
import { registerInBrowser, useBrowserStack } from "./browser.ts";

const e2e = useBrowserStack();

describe("teams, API keys and the audit log in Chromium", () => {
  it("invites a member, changes their role, creates an API key shown once, and filters the audit log", async () => {
    const adminContext = await e2e.browser.newContext();
    const memberContext = await e2e.browser.newContext();
    const admin = await adminContext.newPage();
    const member = await memberContext.newPage();
    await registerInBrowser(admin, e2e.stack.url, "Grace");
    const memberEmail = await registerInBrowser(member, e2e.stack.url, "Linus");

    // Create a team and invite Linus as a member.
    await admin.goto(`${e2e.stack.url}/teams`);
    await admin.getByLabel("Team name").fill("Research");
    await admin.getByRole("button", { name: "Create team" }).click();
    await admin.getByTestId("team-row").filter({ hasText: "Research" }).click();
    await admin.waitForURL(/\/teams\/[0-9a-f-]{36}/);
    await admin.getByLabel("Email").fill(memberEmail);
    await admin.getByLabel("New member role").selectOption("member");
    await admin.getByRole("button", { name: "Add member" }).click();
    const linusRow = admin.getByTestId("team-member-row").filter({ hasText: "Linus" });
    await expect.poll(() => linusRow.getAttribute("data-role")).toBe("member");

    // Demote him to viewer.
    await admin.getByLabel("Role of Linus", { exact: true }).selectOption("viewer");
    await admin.getByRole("button", { name: "Save role" }).click();
    await expect.poll(() => linusRow.getAttribute("data-role")).toBe("viewer");

    // Linus now sees the team with his viewer role.
    await member.goto(`${e2e.stack.url}/teams`);
    await member.getByTestId("team-row").filter({ hasText: "Research" }).waitFor();

    // An API key is shown once, then only its prefix.
    await admin.goto(`${e2e.stack.url}/api-keys`);
    await admin.getByLabel("Name").fill("CI pipeline");
    await admin.getByLabel("Read", { exact: true }).check();
    await admin.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => admin.getByTestId("api-key-secret").inputValue()).toMatch(/^sb_key_/);
    const secret = await admin.getByTestId("api-key-secret").inputValue();
    await admin.getByRole("button", { name: "Done" }).click();
    await admin.getByTestId("api-key-row").filter({ hasText: "CI pipeline" }).waitFor();
    expect(await admin.content()).not.toContain(secret);
    const viaKey = await fetch(`${e2e.stack.url}/api/v1/agents`, { headers: { "X-API-Key": secret } });
    expect(viaKey.status).toBe(200);

    // The audit log records what happened, with the member's email masked, and filters by action.
    await admin.goto(`${e2e.stack.url}/audit`);
    await admin.getByTestId("audit-row").first().waitFor();
    const actions = await admin
      .getByTestId("audit-row")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")));
    expect(actions).toEqual(
      expect.arrayContaining(["team.member_added", "team.role_changed", "api_key.created"]),
    );
    await admin.getByLabel("Action").fill("api_key.created");
    await admin.getByRole("button", { name: "Apply filters" }).click();
    await expect
      .poll(() =>
        admin.getByTestId("audit-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action"))),
      )
      .toEqual(["api_key.created"]);
    expect(await admin.content()).not.toContain(memberEmail);

    await adminContext.close();
    await memberContext.close();
  });
});
