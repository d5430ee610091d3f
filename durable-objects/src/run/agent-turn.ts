import {
  Agent,
  type AgentInputItem,
  assistant,
  type FunctionTool,
  type Model,
  Runner,
  user,
} from "@openai/agents";
import type { StreamEventDraft } from "@switchboard/protocol";

export interface HistoryMessage {
  role: "user" | "assistant";
  content: string;
}

export interface AgentTurnInput {
  runId: string;
  agent: { id: string; name: string; instructions: string };
  model: Model;
  history: readonly HistoryMessage[];
  /** Id of the assistant message this turn builds. */
  messageId: string;
  /** MCP tools (they stream their own tool.call/tool.result events, with timing and error codes). */
  tools?: FunctionTool[] | undefined;
  emit(draft: StreamEventDraft): void;
  signal?: AbortSignal | undefined;
}

// Traces go to Langfuse (wired separately), never to the SDK's default exporter.
const runner = new Runner({ tracingDisabled: true });

/**
 * Runs one agent turn with the Agents SDK, streaming: text deltas become `token` events. Tool calls are
 * streamed by the tools themselves (mcp/tool-invoker.ts). Returns the final text of the assistant message.
 */
export async function runAgentTurn(input: AgentTurnInput): Promise<string> {
  const { runId, agent, messageId, emit } = input;
  const sdkAgent = new Agent({
    name: agent.name,
    instructions: agent.instructions,
    model: input.model,
    tools: input.tools ?? [],
  });
  const items: AgentInputItem[] = input.history.map((m) =>
    m.role === "user" ? user(m.content) : assistant(m.content),
  );
  const result = await runner.run(sdkAgent, items, { stream: true, signal: input.signal });
  let text = "";
  for await (const event of result) {
    if (event.type === "raw_model_stream_event" && event.data.type === "output_text_delta") {
      if (event.data.delta.length === 0) continue;
      text += event.data.delta;
      emit({ type: "token", runId, agentId: agent.id, messageId, text: event.data.delta });
    }
  }
  await result.completed;
  // A cancelled stream ends quietly; the caller must still see the turn as aborted.
  input.signal?.throwIfAborted();
  if (result.error) throw result.error;
  const final = result.finalOutput;
  return typeof final === "string" && final.length > 0 ? final : text;
}
