import type { Agent, Conversation } from "@switchboard/protocol";
import { NavLink } from "react-router";
import { formatRelative } from "../lib/format.ts";
import "./conversation-list.css";

export function conversationTitle(conversation: Conversation): string {
  return conversation.title.trim() || "Untitled chat";
}

export function ConversationList({
  conversations,
  agents,
}: {
  conversations: Conversation[];
  agents: Agent[] | undefined;
}) {
  const agentName = (id: string) => agents?.find((a) => a.id === id)?.name ?? "Agent";
  const sorted = [...conversations].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt));
  return (
    <ul className="conversation-list">
      {sorted.map((conversation) => (
        <li key={conversation.id}>
          <NavLink to={`/chat/${conversation.id}`} className="conversation-link">
            <span className="conversation-link-title">{conversationTitle(conversation)}</span>
            <span className="conversation-link-meta">
              <span className="conversation-link-agent">{agentName(conversation.agentId)}</span>
              <span aria-hidden="true">·</span>
              <time dateTime={conversation.updatedAt}>{formatRelative(conversation.updatedAt)}</time>
            </span>
          </NavLink>
        </li>
      ))}
    </ul>
  );
}
