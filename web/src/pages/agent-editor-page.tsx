import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { errorMessage } from "../api/api-error.ts";
import { useAccess, useTeamName } from "../auth/access-context.tsx";
import { useApi } from "../auth/auth-context.tsx";
import { ConfirmDelete } from "../components/confirm-delete.tsx";
import { DemoBadge } from "../components/demo-badge.tsx";
import { ArrowLeftIcon, ChatIcon } from "../components/icons.tsx";
import { LoadError, Notice } from "../components/notice.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { LoadingBlock } from "../components/spinner.tsx";
import { TeamBadge } from "../components/team-badge.tsx";
import { shareableTeams } from "../lib/access.ts";
import { useResource } from "../lib/use-resource.ts";
import { AgentForm } from "./agent-form.tsx";

/** `/agents/new` and `/agents/:id`. */
export function AgentEditorPage() {
  const api = useApi();
  const navigate = useNavigate();
  const { id } = useParams();
  const editing = id !== undefined;
  const [actionError, setActionError] = useState<string | null>(null);
  const [startingChat, setStartingChat] = useState(false);
  const { teams } = useAccess();
  const teamName = useTeamName();

  const data = useResource(`agent-editor:${id ?? "new"}`, async (signal) => {
    const [models, credentials, agent] = await Promise.all([
      api.models(signal),
      api.credentials(signal),
      id ? api.agent(id, signal) : Promise.resolve(undefined),
    ]);
    return { models, credentials, agent };
  });
  // Apart from the rest: without MCP servers the agent can still be edited (its tools are then kept as they are).
  const servers = useResource("mcp-servers", (signal) => api.mcpServers(signal));

  async function startChat() {
    if (!id) return;
    setStartingChat(true);
    setActionError(null);
    try {
      const conversation = await api.createConversation({ agentId: id });
      navigate(`/chat/${conversation.id}`);
    } catch (error) {
      setActionError(errorMessage(error));
      setStartingChat(false);
    }
  }

  const agent = data.data?.agent;
  return (
    <div className="page">
      <title>{`${editing ? (agent?.name ?? "Agent") : "New agent"} · Switchboard`}</title>
      <PageHeader
        back={
          <Link to="/agents">
            <ArrowLeftIcon /> Agents
          </Link>
        }
        title={
          editing ? (
            <span className="title-with-badge">
              {agent?.name ?? "Edit agent"} {agent?.model.provider === "demo" && <DemoBadge />}
              {agent?.teamId && <TeamBadge name={teamName(agent.teamId) ?? "Team"} />}
            </span>
          ) : (
            "New agent"
          )
        }
        description={
          editing
            ? "Change how this agent behaves and which model it runs on."
            : "Give it a name, instructions and a model."
        }
        actions={
          agent && (
            <>
              <button type="button" className="btn btn-secondary" onClick={startChat} disabled={startingChat}>
                <ChatIcon /> {startingChat ? "Starting…" : "Chat"}
              </button>
              <ConfirmDelete
                label={agent.name}
                onConfirm={async () => {
                  try {
                    await api.deleteAgent(agent.id);
                    navigate("/agents");
                  } catch (error) {
                    setActionError(errorMessage(error));
                  }
                }}
              />
            </>
          )
        }
      />
      {actionError && <Notice tone="danger">{actionError}</Notice>}
      {data.error && <LoadError message={data.error} onRetry={data.reload} />}
      {data.loading && !data.data && <LoadingBlock label={editing ? "Loading agent" : "Loading"} />}
      {data.data && (
        <AgentForm
          key={agent?.id ?? "new"}
          agent={agent}
          models={data.data.models}
          credentials={data.data.credentials}
          teams={shareableTeams(teams ?? [])}
          servers={servers}
          submitLabel={editing ? "Save" : "Create agent"}
          onSubmit={async (body) => {
            try {
              if (agent) await api.updateAgent(agent.id, body);
              else await api.createAgent({ ...body, tools: body.tools ?? [] });
            } catch (error) {
              throw new Error(errorMessage(error));
            }
            navigate("/agents");
          }}
        />
      )}
    </div>
  );
}
