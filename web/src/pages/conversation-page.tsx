import { useEffect, useState } from "react";
import { useParams } from "react-router";
import { useAccess, useTeamName } from "../auth/access-context.tsx";
import { useApi } from "../auth/auth-context.tsx";
import { useChatContext } from "../chat/chat-context.ts";
import { ChatHeader } from "../chat/chat-header.tsx";
import { Composer } from "../chat/composer.tsx";
import { MessageList } from "../chat/message-list.tsx";
import { LoadError, Notice } from "../components/notice.tsx";
import { RateLimitNotice } from "../components/rate-limit-notice.tsx";
import { LoadingBlock } from "../components/spinner.tsx";
import { isReadOnlyRole, roleInTeam } from "../lib/access.ts";
import { useResource } from "../lib/use-resource.ts";
import { isRunning } from "../stream/conversation-reducer.ts";
import { useConversation } from "../stream/use-conversation.ts";
import "./conversation-page.css";

/** `/chat/:conversationId`: one live conversation. */
export function ConversationPage() {
  const { conversationId = "" } = useParams();
  const api = useApi();
  const { agents, reloadConversations } = useChatContext();
  const conversation = useResource(`conversation:${conversationId}`, (signal) =>
    api.conversation(conversationId, signal),
  );
  const view = useConversation(conversationId);
  // Live tool calls name their MCP server by id only; the servers are loaded once such a row shows up
  // (not on every chat open). Without them the rows show the tool alone.
  const [wantServers, setWantServers] = useState(false);
  const unnamedToolRow =
    view.state?.items.some((item) => item.kind === "tool" && item.serverId && !item.serverName) ?? false;
  useEffect(() => {
    if (unnamedToolRow) setWantServers(true);
  }, [unnamedToolRow]);
  const servers = useResource(wantServers ? "mcp-servers" : "mcp-servers:not-needed", (signal) =>
    wantServers ? api.mcpServers(signal) : Promise.resolve([]),
  );
  const serverNameFor = (serverId: string | undefined) =>
    serverId ? servers.data?.find((s) => s.id === serverId)?.name : undefined;
  const { teams } = useAccess();
  const teamName = useTeamName();

  const agent = agents?.find((a) => a.id === conversation.data?.agentId);
  const agentName = agent?.name ?? "Agent";
  const agentNameFor = (agentId: string | undefined) =>
    (agentId && agents?.find((a) => a.id === agentId)?.name) || agentName;

  const teamId = conversation.data?.teamId ?? agent?.teamId ?? null;
  // Viewers read team conversations; the server refuses their messages, so the composer says so up front.
  const readOnly = isReadOnlyRole(roleInTeam(teams, teamId));

  const loadError = conversation.error ?? view.loadError;
  const retry = () => {
    conversation.reload();
    view.retry();
  };

  return (
    <div className="conversation-page">
      <title>{`${conversation.data?.title.trim() || "Chat"} · Switchboard`}</title>
      <ChatHeader
        conversation={conversation.data}
        agent={agent}
        status={view.status}
        teamName={teamName(teamId)}
      />
      {loadError ? (
        <div className="conversation-page-error">
          <LoadError message={loadError} onRetry={retry} />
        </div>
      ) : !view.state ? (
        <div className="conversation-page-loading">
          <LoadingBlock label="Loading messages" />
        </div>
      ) : (
        <MessageList
          key={conversationId}
          state={view.state}
          agentName={agentName}
          agentNameFor={agentNameFor}
          serverNameFor={serverNameFor}
        />
      )}
      <div className="conversation-page-notices">
        {view.streamError && <Notice tone="danger">{view.streamError}</Notice>}
        {view.sendError && <Notice tone="danger">{view.sendError}</Notice>}
        {view.sendRateLimit && (
          <RateLimitNotice limit={view.sendRateLimit} onExpire={view.clearSendRateLimit} />
        )}
      </div>
      <Composer
        key={conversationId}
        disabled={!view.state || isRunning(view.state) || view.streamError !== null}
        busy={view.sending}
        running={view.state ? isRunning(view.state) : false}
        readOnly={readOnly}
        onStop={() => void view.stop()}
        onSend={async (content) => {
          const sent = await view.send(content);
          // The first message usually gives the conversation its title.
          if (sent) reloadConversations();
          return sent;
        }}
      />
    </div>
  );
}
