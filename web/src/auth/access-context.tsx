import type { Team } from "@switchboard/protocol";
import { createContext, type ReactNode, useContext, useMemo } from "react";
import { isForbidden } from "../api/api-error.ts";
import { isOrganizationAdmin } from "../lib/access.ts";
import { useResource } from "../lib/use-resource.ts";
import { useAuth } from "./auth-context.tsx";

interface AccessContextValue {
  /** The user's teams with their role in each; undefined while loading (or if loading failed). */
  teams: Team[] | undefined;
  /** Organization admin: sees the audit log and the users page. */
  isAdmin: boolean;
  loading: boolean;
  reload: () => void;
  /** Adds or replaces a team in place (after creating one) without refetching. */
  upsertTeam: (team: Team) => void;
}

const AccessContext = createContext<AccessContextValue | null>(null);

/**
 * What the signed-in user may do: their teams (GET /teams, with their role in each) and whether they
 * administer an organization. Admins of an organization without teams have no `admin` team row, so for
 * them GET /admin/users decides (it answers 403 to everyone else).
 */
export function AccessProvider({ children }: { children: ReactNode }) {
  const { api, user } = useAuth();
  const access = useResource(`access:${user?.id ?? ""}`, async (signal) => {
    const teams = await api.teams(signal);
    if (isOrganizationAdmin(teams)) return { teams, adminProbe: true };
    try {
      await api.adminUsers(signal);
      return { teams, adminProbe: true };
    } catch (error) {
      if (signal.aborted) throw error;
      // 403 means "not an admin"; anything else means "could not tell", which hides the admin links.
      return { teams, adminProbe: isForbidden(error) ? false : undefined };
    }
  });
  const { mutate, reload, loading, data } = access;

  const value = useMemo<AccessContextValue>(
    () => ({
      teams: data?.teams,
      isAdmin: isOrganizationAdmin(data?.teams, data?.adminProbe),
      loading,
      reload,
      upsertTeam: (team) =>
        mutate((d) => ({
          ...d,
          teams: [...d.teams.filter((t) => t.id !== team.id), team].sort((a, b) =>
            a.name.localeCompare(b.name),
          ),
        })),
    }),
    [data, loading, reload, mutate],
  );
  return <AccessContext.Provider value={value}>{children}</AccessContext.Provider>;
}

export function useAccess(): AccessContextValue {
  const value = useContext(AccessContext);
  if (!value) throw new Error("useAccess must be used inside <AccessProvider>");
  return value;
}

/** A team's name for badges; "Team" when the team is not among the user's (e.g. still loading). */
export function useTeamName(): (teamId: string | null | undefined) => string | undefined {
  const { teams } = useAccess();
  return (teamId) => (teamId ? (teams?.find((t) => t.id === teamId)?.name ?? "Team") : undefined);
}
