import type { McpCatalogEntry, McpServer } from "@switchboard/protocol";
import { Link } from "react-router";
import { useAccess, useTeamName } from "../auth/access-context.tsx";
import { ConfirmDelete } from "../components/confirm-delete.tsx";
import { PlugIcon } from "../components/icons.tsx";
import { TeamBadge } from "../components/team-badge.tsx";
import { canManageServer } from "../lib/access.ts";
import { toolCountLabel, transportLabel } from "../lib/mcp.ts";
import "./connected-server-list.css";

/** Where a server comes from: its marketplace entry, or its URL for custom servers. */
function origin(server: McpServer, catalog: readonly McpCatalogEntry[] | undefined): string | undefined {
  const entry = catalog?.find((e) => e.id === server.catalogId);
  // A server named like its entry needs no "from Memory"; a renamed one does.
  if (entry && !entry.custom) return entry.name === server.name ? undefined : `from ${entry.name}`;
  return server.url ?? undefined;
}

/** The servers the user can see: theirs and their teams'. */
export function ConnectedServerList({
  servers,
  catalog,
  onDelete,
}: {
  servers: McpServer[];
  catalog: readonly McpCatalogEntry[] | undefined;
  onDelete: (server: McpServer) => Promise<void>;
}) {
  const { teams, isAdmin } = useAccess();
  const teamName = useTeamName();
  return (
    <ul className="card mcp-server-list">
      {servers.map((server) => {
        const from = origin(server, catalog);
        return (
          <li
            key={server.id}
            className="mcp-server-row"
            data-testid="mcp-server-row"
            data-server-id={server.id}
          >
            <span className="mcp-server-icon" aria-hidden="true">
              <PlugIcon />
            </span>
            <span className="mcp-server-text">
              <span className="mcp-server-name">
                <Link to={`/tools/servers/${server.id}`}>{server.name}</Link>
                {server.teamId && <TeamBadge name={teamName(server.teamId) ?? "Team"} />}
              </span>
              <span className="mcp-server-meta">
                <span className="badge">{transportLabel(server.transport)}</span>
                {from && <span className="mcp-server-origin">{from}</span>}
                {from && <span aria-hidden="true">·</span>}
                <span data-testid="tool-count">{toolCountLabel(server.toolCount)}</span>
              </span>
            </span>
            <span className="mcp-server-actions">
              <Link
                to={`/tools/servers/${server.id}`}
                className="btn btn-secondary btn-sm"
                aria-label={`View tools of ${server.name}`}
              >
                View tools
              </Link>
              {canManageServer(server, teams, isAdmin) && (
                <ConfirmDelete label={server.name} onConfirm={() => onDelete(server)} />
              )}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
