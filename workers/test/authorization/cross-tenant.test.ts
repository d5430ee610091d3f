import type { Team } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { registerAccount, session } from "./fixture.ts";
import { must, send } from "./http.ts";

describe("cross-tenant writes", () => {
  // Adding someone to a team needs only their email and makes them a member of the team's organization.
  // Disabling an account that also belongs to another organization only removes it from the admin's.
  it("an admin cannot lock a user of another organization out by adding them to a team first", async () => {
    const [attacker, victim] = await Promise.all([registerAccount("attacker"), registerAccount("victim")]);
    const team = await must<Team>(201, {
      method: "POST",
      path: "/teams",
      credential: session(attacker),
      body: { name: "Trap" },
    });
    await must(201, {
      method: "POST",
      path: `/teams/${team.id}/members`,
      credential: session(attacker),
      body: { email: victim.email, role: "viewer" },
    });
    const disable = await send({
      method: "POST",
      path: `/admin/users/${victim.id}/disable`,
      credential: session(attacker),
    });
    expect(disable.status, "removing them from the attacker's organization").toBe(204);
    const me = await send({ path: "/me", credential: session(victim) });
    expect(me.status, "the victim's own session").toBe(200);
    const teams = await send({ path: "/teams", credential: session(victim) });
    expect(teams.text, "no longer in the attacker's team").not.toContain(team.id);
    const ownTeam = await send({
      method: "POST",
      path: "/teams",
      credential: session(victim),
      body: { name: "Mine" },
    });
    expect(ownTeam.status, "still administering their own organization").toBe(201);
  });
});
