import { getAgentByName } from "agents";
import type { ConversationAgent } from "./conversation-agent.ts";
import type { ConversationEnv } from "./env.ts";

/**
 * The conversation's Durable Object (named by the conversation id), ready for RPC and WebSocket upgrades.
 * @example const stub = await conversationStub(env.CONVERSATION, conversationId); await stub.cancelRun();
 */
export function conversationStub(
  namespace: DurableObjectNamespace<ConversationAgent>,
  conversationId: string,
): Promise<DurableObjectStub<ConversationAgent>> {
  return getAgentByName<ConversationEnv, ConversationAgent>(namespace, conversationId);
}
