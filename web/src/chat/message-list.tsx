import { useLayoutEffect, useRef } from "react";
import { EmptyState } from "../components/empty-state.tsx";
import { ChatIcon } from "../components/icons.tsx";
import type { ChatItem, ConversationState } from "../stream/conversation-reducer.ts";
import { AssistantBubble, TypingIndicator, UserBubble } from "./message-bubble.tsx";
import { RunErrorRow } from "./run-error-row.tsx";
import { ToolRow } from "./tool-row.tsx";
import "./message-list.css";

/** Within this many pixels of the bottom the list follows new text; further up, the reader is left alone. */
const STICK_THRESHOLD_PX = 80;

export function MessageList({
  state,
  agentName,
  agentNameFor,
  serverNameFor,
}: {
  state: ConversationState;
  agentName: string;
  agentNameFor: (agentId: string | undefined) => string;
  /** An MCP server's name by id, for live tool calls (their events carry only the id). */
  serverNameFor?: (serverId: string | undefined) => string | undefined;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const stuckToBottom = useRef(true);

  // Runs after every render that changed the items: keep the newest text in view if the reader is there.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && stuckToBottom.current) element.scrollTop = element.scrollHeight;
  });

  const last = state.items.at(-1);
  const waitingForText =
    state.run.status === "running" &&
    !(last?.kind === "assistant" && last.streaming) &&
    last?.kind !== "tool";

  return (
    <div
      ref={scroller}
      className="message-scroller"
      onScroll={(event) => {
        const el = event.currentTarget;
        stuckToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_THRESHOLD_PX;
      }}
    >
      <div
        className="message-list"
        role="log"
        aria-label="Chat history"
        aria-live="polite"
        aria-relevant="additions"
      >
        {state.items.length === 0 && (
          <EmptyState icon={<ChatIcon />} title={`Say hello to ${agentName}`}>
            Messages stream in live. Press Enter to send, Shift+Enter for a new line.
          </EmptyState>
        )}
        {state.items.map((item) => (
          <ChatItemView
            key={item.key}
            item={item}
            agentNameFor={agentNameFor}
            serverNameFor={serverNameFor}
          />
        ))}
        {waitingForText && <TypingIndicator agentName={agentName} />}
      </div>
    </div>
  );
}

function ChatItemView({
  item,
  agentNameFor,
  serverNameFor,
}: {
  item: ChatItem;
  agentNameFor: (agentId: string | undefined) => string;
  serverNameFor: ((serverId: string | undefined) => string | undefined) | undefined;
}) {
  switch (item.kind) {
    case "user":
      return <UserBubble item={item} />;
    case "assistant":
      return <AssistantBubble item={item} agentName={agentNameFor(item.agentId)} />;
    case "tool":
      return <ToolRow item={item} serverName={serverNameFor?.(item.serverId)} />;
    case "run-error":
      return <RunErrorRow item={item} />;
  }
}
