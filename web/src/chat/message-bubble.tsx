import type { AssistantItem, UserItem } from "../stream/conversation-reducer.ts";

export function UserBubble({ item }: { item: UserItem }) {
  return (
    <div
      className="message message-user"
      data-testid="user-message"
      data-message-id={item.id}
      data-pending={item.pending}
    >
      <div className="message-bubble">{item.content}</div>
    </div>
  );
}

/** An assistant reply; while it streams, a caret shows where the next words will appear. */
export function AssistantBubble({ item, agentName }: { item: AssistantItem; agentName: string }) {
  return (
    <div
      className="message message-assistant"
      data-testid="assistant-message"
      data-message-id={item.id}
      data-streaming={item.streaming ? "true" : "false"}
      aria-busy={item.streaming}
    >
      <div className="message-author">
        <span className="message-avatar" aria-hidden="true">
          {agentName.slice(0, 1).toUpperCase()}
        </span>
        {agentName}
      </div>
      <div className="message-bubble">
        <span className="message-content" data-testid="message-content">
          {item.content}
        </span>
        {item.streaming && <span className="message-caret" aria-hidden="true" />}
      </div>
    </div>
  );
}

/** Shown while a run is going but no reply text has arrived yet. */
export function TypingIndicator({ agentName }: { agentName: string }) {
  return (
    <div className="message message-assistant" data-testid="typing-indicator">
      <div className="message-author">
        <span className="message-avatar" aria-hidden="true">
          {agentName.slice(0, 1).toUpperCase()}
        </span>
        {agentName}
      </div>
      <div className="message-bubble typing" role="status" aria-label={`${agentName} is thinking`}>
        <span />
        <span />
        <span />
      </div>
    </div>
  );
}
