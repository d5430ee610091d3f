import type { MemberRole } from "@switchboard/protocol";
import { roleLabel } from "../lib/access.ts";
import { UsersIcon } from "./icons.tsx";

/** Marks an agent or conversation shared with a team. */
export function TeamBadge({ name }: { name: string }) {
  return (
    <span className="badge badge-team" data-testid="team-badge" title={`Shared with the team ${name}`}>
      <UsersIcon />
      {name}
    </span>
  );
}

/** A member's role in a team. */
export function RoleBadge({ role }: { role: MemberRole }) {
  return (
    <span
      className={role === "admin" || role === "team_lead" ? "badge badge-accent" : "badge"}
      data-role={role}
    >
      {roleLabel(role)}
    </span>
  );
}
