import { useMemo, useState } from "react";
import { Outlet, useParams } from "react-router";
import { useApi } from "../auth/auth-context.tsx";
import type { ChatContext } from "../chat/chat-context.ts";
import { ConversationList } from "../chat/conversation-list.tsx";
import { NewChatDialog } from "../chat/new-chat-dialog.tsx";
import { EmptyState } from "../components/empty-state.tsx";
import { ChatIcon, PlusIcon } from "../components/icons.tsx";
import { LoadError } from "../components/notice.tsx";
import { LoadingBlock } from "../components/spinner.tsx";
import { useResource } from "../lib/use-resource.ts";
import "./chat-layout.css";

/**
 * `/chat` and `/chat/:conversationId`: the conversation list beside the open conversation. On a phone
 * only one of the two shows: the list at /chat, the conversation (with a back link) when one is open.
 */
export function ChatLayout() {
  const api = useApi();
  const { conversationId } = useParams();
  const conversations = useResource("conversations", (signal) => api.conversations(signal));
  const agents = useResource("agents", (signal) => api.agents(signal));
  const [dialogOpen, setDialogOpen] = useState(false);

  const context = useMemo<ChatContext>(
    () => ({ agents: agents.data, reloadConversations: conversations.reload }),
    [agents.data, conversations.reload],
  );

  return (
    <div className="chat-layout" data-conversation-open={conversationId !== undefined}>
      <section className="conversation-pane" aria-labelledby="chats-title">
        <div className="conversation-pane-head">
          <h1 id="chats-title">Chats</h1>
          <button type="button" className="btn btn-primary btn-sm" onClick={() => setDialogOpen(true)}>
            <PlusIcon />
            New chat
          </button>
        </div>
        <div className="conversation-pane-body">
          {conversations.error && (
            <div className="conversation-pane-notice">
              <LoadError message={conversations.error} onRetry={conversations.reload} />
            </div>
          )}
          {conversations.loading && !conversations.data && <LoadingBlock label="Loading chats" />}
          {conversations.data?.length === 0 && (
            <EmptyState icon={<ChatIcon />} title="No chats yet">
              Start a new chat with one of your agents.
            </EmptyState>
          )}
          {conversations.data && conversations.data.length > 0 && (
            <ConversationList conversations={conversations.data} agents={agents.data} />
          )}
        </div>
      </section>
      <section className="chat-pane">
        <Outlet context={context} />
      </section>
      <NewChatDialog
        open={dialogOpen}
        agents={agents.data}
        onClose={() => setDialogOpen(false)}
        onCreated={conversations.reload}
      />
    </div>
  );
}

/** `/chat` with nothing open (desktop only; phones show the list instead). */
export function ChatIndex() {
  return (
    <div className="chat-index">
      <title>Chats · Switchboard</title>
      <EmptyState icon={<ChatIcon />} title="Pick up where you left off">
        Choose a chat from the list, or press “New chat” to talk to one of your agents.
      </EmptyState>
    </div>
  );
}
