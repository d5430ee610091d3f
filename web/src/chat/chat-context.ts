import type { Agent } from "@switchboard/protocol";
import { useOutletContext } from "react-router";

/** What the chat layout shares with the conversation it shows. */
export interface ChatContext {
  agents: Agent[] | undefined;
  /** Refreshes the conversation list (titles and order change as people chat). */
  reloadConversations: () => void;
}

export function useChatContext(): ChatContext {
  return useOutletContext<ChatContext>();
}
