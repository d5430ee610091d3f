import type { AgentToolGrant, McpServer, Team } from "@switchboard/protocol";

/**
 * Editing an agent's `tools` (one grant per MCP server: all its tools when `names` is absent, else just
 * those). Pure functions, so the picker in the agent form stays a thin view (unit-tested).
 */

export type GrantMode = "all" | "some" | "none";

export function grantFor(grants: readonly AgentToolGrant[], serverId: string): AgentToolGrant | undefined {
  return grants.find((g) => g.serverId === serverId);
}

export function grantMode(grants: readonly AgentToolGrant[], serverId: string): GrantMode {
  const grant = grantFor(grants, serverId);
  if (!grant) return "none";
  return grant.names === undefined ? "all" : "some";
}

/** Whether the agent may call `tool` of the server. */
export function isToolGranted(grants: readonly AgentToolGrant[], serverId: string, tool: string): boolean {
  const grant = grantFor(grants, serverId);
  return grant !== undefined && (grant.names === undefined || grant.names.includes(tool));
}

/** Puts a server's grant in its place (keeping the order), or drops it when `next` is undefined. */
function replace(
  grants: readonly AgentToolGrant[],
  serverId: string,
  next: AgentToolGrant | undefined,
): AgentToolGrant[] {
  const at = grants.findIndex((g) => g.serverId === serverId);
  if (at === -1) return next ? [...grants, next] : [...grants];
  return next ? grants.map((g, i) => (i === at ? next : g)) : grants.filter((_, i) => i !== at);
}

/**
 * "All tools" on: every tool of the server, including ones it adds later. Off: none (the user then picks
 * tools one by one) — turning it off never silently keeps a list the user did not choose.
 */
export function setAllTools(
  grants: readonly AgentToolGrant[],
  serverId: string,
  on: boolean,
): AgentToolGrant[] {
  return replace(grants, serverId, on ? { serverId } : undefined);
}

/**
 * Grants or withdraws one tool. With "all tools" on the single boxes are not offered, so this leaves such
 * a grant alone; withdrawing the last picked tool drops the server's grant.
 */
export function setToolGranted(
  grants: readonly AgentToolGrant[],
  serverId: string,
  tool: string,
  on: boolean,
): AgentToolGrant[] {
  const grant = grantFor(grants, serverId);
  if (grant && grant.names === undefined) return [...grants];
  const current = grant?.names ?? [];
  const names = on
    ? current.includes(tool)
      ? current
      : [...current, tool]
    : current.filter((name) => name !== tool);
  return replace(grants, serverId, names.length > 0 ? { serverId, names } : undefined);
}

/**
 * The servers an agent may draw tools from (the API's rule): a team agent only its own team's servers, so
 * a member's personal credential never serves the team; a personal agent the user's own servers and
 * those of teams where they may run things (not as a viewer).
 */
export function usableServers(
  servers: readonly McpServer[],
  teams: readonly Team[] | undefined,
  agentTeamId: string | null | undefined,
): McpServer[] {
  if (agentTeamId) return servers.filter((s) => s.teamId === agentTeamId);
  return servers.filter((server) => {
    if (!server.teamId) return true;
    const role = teams?.find((t) => t.id === server.teamId)?.role;
    return role !== undefined && role !== "viewer";
  });
}

/** The grants to save: only servers the agent may use (a team picked at creation may rule some out). */
export function grantsToSave(
  grants: readonly AgentToolGrant[],
  usable: readonly McpServer[],
): AgentToolGrant[] {
  const ids = new Set(usable.map((s) => s.id));
  return grants.filter((g) => ids.has(g.serverId));
}

/** "All tools", "read_graph", "read_graph, search_nodes", "3 tools: a, b, c…". */
export function describeGrant(grant: AgentToolGrant): string {
  if (grant.names === undefined) return "All tools";
  const shown = grant.names.slice(0, 3).join(", ");
  if (grant.names.length <= 3) return shown;
  return `${grant.names.length} tools: ${shown}…`;
}

export interface ToolSummary {
  serverId: string;
  /** The server's name, or "Unavailable server" when it was deleted or the user cannot see it. */
  serverName: string;
  available: boolean;
  tools: string;
}

/** One line per grant for agent cards: which server, which tools. */
export function summarizeTools(
  grants: readonly AgentToolGrant[],
  servers: readonly McpServer[] | undefined,
): ToolSummary[] {
  return grants.map((grant) => {
    const server = servers?.find((s) => s.id === grant.serverId);
    return {
      serverId: grant.serverId,
      serverName: server?.name ?? (servers ? "Unavailable server" : "MCP server"),
      available: server !== undefined || servers === undefined,
      tools: describeGrant(grant),
    };
  });
}
