import type { Agent } from "@switchboard/protocol";
import { useState } from "react";
import { Link } from "react-router";
import { errorMessage } from "../api/api-error.ts";
import { useAccess, useTeamName } from "../auth/access-context.tsx";
import { useApi } from "../auth/auth-context.tsx";
import { ConfirmDelete } from "../components/confirm-delete.tsx";
import { DemoBadge } from "../components/demo-badge.tsx";
import { EmptyState } from "../components/empty-state.tsx";
import { BotIcon, PlusIcon, WrenchIcon } from "../components/icons.tsx";
import { LoadError, Notice } from "../components/notice.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { LoadingBlock } from "../components/spinner.tsx";
import { TeamBadge } from "../components/team-badge.tsx";
import { isReadOnlyRole, roleInTeam } from "../lib/access.ts";
import { formatRelative } from "../lib/format.ts";
import { providerLabel } from "../lib/providers.ts";
import { summarizeTools } from "../lib/tool-grants.ts";
import { useResource } from "../lib/use-resource.ts";
import "./agents-page.css";

export function AgentsPage() {
  const api = useApi();
  const agents = useResource("agents", (signal) => api.agents(signal));
  // Only for naming the servers on the cards; without it a card says "MCP server".
  const servers = useResource("mcp-servers", (signal) => api.mcpServers(signal));
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const teamName = useTeamName();
  const { teams } = useAccess();

  async function remove(agent: Agent) {
    setDeleteError(null);
    try {
      await api.deleteAgent(agent.id);
      agents.mutate((list) => list.filter((a) => a.id !== agent.id));
    } catch (error) {
      setDeleteError(errorMessage(error));
    }
  }

  const newAgent = (
    <Link to="/agents/new" className="btn btn-primary">
      <PlusIcon />
      New agent
    </Link>
  );

  return (
    <div className="page">
      <title>Agents · Switchboard</title>
      <PageHeader
        title="Agents"
        description="Each agent pairs instructions with a model. Start a chat with any of them."
        actions={agents.data && agents.data.length > 0 ? newAgent : undefined}
      />
      {deleteError && <Notice tone="danger">{deleteError}</Notice>}
      {agents.error && <LoadError message={agents.error} onRetry={agents.reload} />}
      {agents.loading && !agents.data && <LoadingBlock label="Loading agents" />}
      {agents.data?.length === 0 && (
        <div className="card">
          <EmptyState icon={<BotIcon />} title="No agents yet" action={newAgent}>
            Create your first agent: give it a name, some instructions and a model. No API key? Pick the demo
            model to try things out.
          </EmptyState>
        </div>
      )}
      {agents.data && agents.data.length > 0 && (
        <ul className="agent-grid">
          {agents.data.map((agent) => (
            <li key={agent.id} className="card agent-card" data-testid="agent-card">
              <div className="agent-card-head">
                <span className="agent-avatar" aria-hidden="true">
                  {agent.name.slice(0, 1).toUpperCase()}
                </span>
                <div className="agent-card-title">
                  <Link to={`/agents/${agent.id}`} className="agent-card-name">
                    {agent.name}
                  </Link>
                  <span className="agent-card-model">
                    {providerLabel(agent.model.provider)} · <code>{agent.model.name}</code>
                  </span>
                </div>
                <span className="agent-card-badges">
                  {agent.teamId && <TeamBadge name={teamName(agent.teamId) ?? "Team"} />}
                  {agent.model.provider === "demo" && <DemoBadge />}
                </span>
              </div>
              <p className="agent-card-instructions">
                {agent.instructions.trim() || <span className="muted">No instructions</span>}
              </p>
              {agent.tools.length > 0 && (
                <ul
                  className="agent-card-tools"
                  data-testid="agent-tools"
                  aria-label={`Tools of ${agent.name}`}
                >
                  {summarizeTools(agent.tools, servers.data).map((tool) => (
                    <li
                      key={tool.serverId}
                      className={tool.available ? "badge" : "badge badge-danger"}
                      data-server-id={tool.serverId}
                    >
                      <WrenchIcon aria-hidden="true" />
                      <span>
                        {tool.serverName}: {tool.tools}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
              <div className="agent-card-foot">
                <span className="muted agent-card-date">Updated {formatRelative(agent.updatedAt)}</span>
                <span className="agent-card-actions">
                  <Link
                    to={`/agents/${agent.id}`}
                    className="btn btn-secondary btn-sm"
                    aria-label={`Edit ${agent.name}`}
                  >
                    Edit
                  </Link>
                  {/* Viewers read a team's agents; deleting is for those who build. */}
                  {!isReadOnlyRole(roleInTeam(teams, agent.teamId)) && (
                    <ConfirmDelete label={agent.name} onConfirm={() => remove(agent)} />
                  )}
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
