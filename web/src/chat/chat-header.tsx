import type { Agent, Conversation } from "@switchboard/protocol";
import { Link } from "react-router";
import { DemoBadge } from "../components/demo-badge.tsx";
import { ArrowLeftIcon } from "../components/icons.tsx";
import { TeamBadge } from "../components/team-badge.tsx";
import { providerLabel } from "../lib/providers.ts";
import type { ConnectionStatus } from "../stream/reconnect-policy.ts";
import { ConnectionIndicator } from "./connection-indicator.tsx";
import { conversationTitle } from "./conversation-list.tsx";
import "./chat-header.css";

/** The conversation's title, its agent and model, and the live-stream indicator. */
export function ChatHeader({
  conversation,
  agent,
  status,
  teamName,
}: {
  conversation: Conversation | undefined;
  agent: Agent | undefined;
  status: ConnectionStatus;
  /** The team the conversation (or its agent) is shared with; undefined when personal. */
  teamName?: string | undefined;
}) {
  return (
    <header className="chat-header">
      <Link to="/chat" className="btn btn-ghost btn-icon chat-header-back" aria-label="Back to chats">
        <ArrowLeftIcon />
      </Link>
      <div className="chat-header-text">
        <h2 className="chat-header-title">{conversation ? conversationTitle(conversation) : " "}</h2>
        {agent && (
          <div className="chat-header-meta">
            <Link to={`/agents/${agent.id}`} className="chat-header-agent">
              {agent.name}
            </Link>
            <span className="chat-header-model" data-testid="agent-model">
              {providerLabel(agent.model.provider)} · <code>{agent.model.name}</code>
            </span>
            {agent.model.provider === "demo" && <DemoBadge />}
            {teamName && <TeamBadge name={teamName} />}
          </div>
        )}
        {!agent && teamName && (
          <div className="chat-header-meta">
            <TeamBadge name={teamName} />
          </div>
        )}
      </div>
      <ConnectionIndicator status={status} />
    </header>
  );
}
