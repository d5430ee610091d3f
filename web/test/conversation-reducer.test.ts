import type { StreamEvent } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import {
  type AssistantItem,
  applyEvents,
  applyLocalSend,
  type ConversationState,
  isRunning,
  mergeToolHistory,
  stateFromMessages,
  type ToolItem,
} from "../src/stream/conversation-reducer.ts";
import {
  completed,
  mcpToolCall,
  mcpToolResult,
  runCompleted,
  runFailed,
  runStarted,
  SERVER,
  storedMessage,
  token,
  toolCall,
  toolCallRecord,
  toolResult,
  userMessage,
} from "./events.ts";

const empty = () => stateFromMessages({ messages: [], cursor: 0 });

/** A whole successful turn: user message, run, three tokens, completion. */
const turn: StreamEvent[] = [
  userMessage(1, "u1", "Hello"),
  runStarted(2),
  token(3, "a1", "Hi"),
  token(4, "a1", " there"),
  token(5, "a1", "!"),
  completed(6, "a1", "Hi there!"),
  runCompleted(7),
];

function assistant(state: ConversationState, id: string): AssistantItem {
  const item = state.items.find((i) => i.kind === "assistant" && i.id === id);
  if (item?.kind !== "assistant") throw new Error(`no assistant message ${id}`);
  return item;
}

/** Applies events one batch at a time. */
const applyAll = (state: ConversationState, ...batches: StreamEvent[][]) =>
  batches.reduce((s, batch) => applyEvents(s, batch), state);

describe("stateFromMessages", () => {
  it("starts from the stored messages and resumes after the cursor", () => {
    const state = stateFromMessages({
      messages: [storedMessage(1, "u1", "user", "Hello"), storedMessage(6, "a1", "assistant", "Hi there!")],
      cursor: 6,
    });
    expect(state.lastSeq).toBe(6);
    expect(state.run).toEqual({ status: "idle" });
    expect(state.items.map((i) => i.kind)).toEqual(["user", "assistant"]);
    expect(assistant(state, "a1")).toMatchObject({
      content: "Hi there!",
      streaming: false,
      agentId: "agent-1",
    });
  });
});

describe("applyEvents", () => {
  it("adds the user's message", () => {
    const state = applyEvents(empty(), [userMessage(1, "u1", "Hello")]);
    expect(state.items).toEqual([
      { kind: "user", key: "message:u1", id: "u1", content: "Hello", pending: false },
    ]);
    expect(state.lastSeq).toBe(1);
  });

  it("accumulates tokens into one streaming assistant message", () => {
    const state = applyAll(empty(), turn.slice(0, 2), [turn[2] as StreamEvent], turn.slice(3, 5));
    expect(assistant(state, "a1")).toMatchObject({ content: "Hi there!", streaming: true, runId: "run-1" });
    expect(state.items.filter((i) => i.kind === "assistant")).toHaveLength(1);
    expect(isRunning(state)).toBe(true);
    expect(state.lastSeq).toBe(5);
  });

  it("replaces the streamed text with the completed message's whole text", () => {
    const state = applyEvents(empty(), [
      userMessage(1, "u1", "Hello"),
      runStarted(2),
      token(3, "a1", "Hi th"),
      completed(4, "a1", "Hi there, final."),
    ]);
    expect(assistant(state, "a1")).toMatchObject({ content: "Hi there, final.", streaming: false });
  });

  it("goes back to idle when the run completes", () => {
    const state = applyEvents(empty(), turn);
    expect(state.run).toEqual({ status: "idle" });
    expect(state.lastSeq).toBe(7);
  });

  it("ignores events at or below lastSeq and returns the same state object", () => {
    const state = applyEvents(empty(), turn);
    expect(applyEvents(state, turn)).toBe(state);
    expect(applyEvents(state, [token(5, "a1", "!!!")])).toBe(state);
    expect(applyEvents(state, [])).toBe(state);
  });

  it("ignores duplicates inside one batch", () => {
    const state = applyEvents(empty(), [
      userMessage(1, "u1", "Hello"),
      token(2, "a1", "A"),
      token(2, "a1", "A"),
    ]);
    expect(assistant(state, "a1").content).toBe("A");
  });

  it("is idempotent when a reconnect replays an overlapping, out-of-order range", () => {
    const once = applyEvents(empty(), turn);
    // After a reconnect the server resends 3..7, and the batch arrives shuffled.
    const replay = [turn[6], turn[3], turn[2], turn[5], turn[4]] as StreamEvent[];
    const again = applyEvents(once, replay);
    expect(again).toBe(once);

    // Split at any point, replay everything from that point (shuffled): same result as a single pass.
    for (let split = 0; split <= turn.length; split++) {
      const first = applyEvents(empty(), turn.slice(0, split));
      const reversed = [...turn].reverse();
      expect(applyEvents(first, reversed)).toEqual(once);
    }
  });

  it("applies a shuffled batch in seq order", () => {
    const shuffled = [turn[4], turn[0], turn[2], turn[1], turn[3]] as StreamEvent[];
    expect(applyEvents(empty(), shuffled)).toEqual(applyEvents(empty(), turn.slice(0, 5)));
  });

  it("does not grow a completed message with a stray late token", () => {
    const state = applyEvents(empty(), turn.slice(0, 6));
    // seq 7 is new, but the message it names is already complete.
    const after = applyEvents(state, [token(7, "a1", " extra")]);
    expect(assistant(after, "a1").content).toBe("Hi there!");
  });

  it("resumes mid-run from stored messages: replayed tokens continue the in-progress reply", () => {
    const start = stateFromMessages({ messages: [storedMessage(1, "u1", "user", "Hello")], cursor: 1 });
    const state = applyEvents(start, [runStarted(2), token(3, "a1", "Hi")]);
    expect(assistant(state, "a1")).toMatchObject({ content: "Hi", streaming: true });
    expect(isRunning(state)).toBe(true);
  });

  it("treats tokens of a run it joined midway (no run.started seen) as running", () => {
    const start = stateFromMessages({ messages: [], cursor: 10 });
    const state = applyEvents(start, [token(11, "a1", "…")]);
    expect(state.run).toEqual({ status: "running", runId: "run-1" });
  });

  it("records a failed run with its code and message, and stops the streaming reply", () => {
    const state = applyEvents(empty(), [
      userMessage(1, "u1", "Hello"),
      runStarted(2),
      token(3, "a1", "Partial"),
      runFailed(4, "provider_error", "The provider rejected the API key."),
    ]);
    expect(state.run).toEqual({
      status: "failed",
      runId: "run-1",
      code: "provider_error",
      message: "The provider rejected the API key.",
    });
    expect(assistant(state, "a1")).toMatchObject({ content: "Partial", streaming: false });
    expect(state.items.at(-1)).toEqual({
      kind: "run-error",
      key: "run-error:run-1",
      runId: "run-1",
      code: "provider_error",
      message: "The provider rejected the API key.",
    });
    expect(isRunning(state)).toBe(false);
  });

  it("starts running again when the next run starts after a failure", () => {
    const failed = applyEvents(empty(), [runStarted(1), runFailed(2, "x", "boom")]);
    const next = applyEvents(failed, [userMessage(3, "u2", "Again"), runStarted(4, "run-2")]);
    expect(next.run).toEqual({ status: "running", runId: "run-2" });
  });

  it("shows tool calls as rows and fills in their results", () => {
    const state = applyEvents(empty(), [
      runStarted(1),
      toolCall(2, "c1", "search", '{"q":"weather"}'),
      toolCall(3, "c2", "fetch", '{"url":"x"}'),
      toolResult(4, "c1", "Sunny"),
      toolResult(5, "c2", "404", true),
    ]);
    const tools = state.items.filter((i): i is ToolItem => i.kind === "tool");
    expect(tools).toHaveLength(2);
    expect(tools[0]).toMatchObject({ callId: "c1", name: "search", arguments: '{"q":"weather"}' });
    expect(tools[0]?.result).toEqual({ output: "Sunny", isError: false });
    expect(tools[1]?.result).toEqual({ output: "404", isError: true });
    expect(isRunning(state)).toBe(true);
  });

  it("shows a tool result whose call was before the resume point", () => {
    const start = stateFromMessages({ messages: [], cursor: 5 });
    const state = applyEvents(start, [toolResult(6, "c9", "done")]);
    expect(state.items[0]).toMatchObject({
      kind: "tool",
      callId: "c9",
      result: { output: "done", isError: false },
    });
  });

  it("keeps items in the order they first appeared", () => {
    const state = applyEvents(empty(), [
      userMessage(1, "u1", "Weather?"),
      runStarted(2),
      toolCall(3, "c1", "weather", "{}"),
      toolResult(4, "c1", "Sunny"),
      token(5, "a1", "It is sunny."),
      completed(6, "a1", "It is sunny."),
      runCompleted(7),
    ]);
    expect(state.items.map((i) => i.key)).toEqual(["message:u1", "tool:c1", "message:a1"]);
  });

  it("does not mutate the state it was given", () => {
    const before = applyEvents(empty(), turn.slice(0, 3));
    const snapshot = structuredClone(before);
    applyEvents(before, turn.slice(3));
    expect(before).toEqual(snapshot);
  });
});

describe("applyLocalSend", () => {
  const sent = { messageId: "u1", runId: "run-1", content: "Hello" };

  it("shows the sent message at once as pending and marks the run as going", () => {
    const state = applyLocalSend(empty(), sent);
    expect(state.items).toEqual([
      { kind: "user", key: "message:u1", id: "u1", content: "Hello", pending: true },
    ]);
    expect(state.run).toEqual({ status: "running", runId: "run-1" });
    expect(state.lastSeq).toBe(0);
  });

  it("is confirmed in place by the message.created event", () => {
    const state = applyEvents(applyLocalSend(empty(), sent), [userMessage(1, "u1", "Hello")]);
    expect(state.items).toEqual([
      { kind: "user", key: "message:u1", id: "u1", content: "Hello", pending: false },
    ]);
  });

  it("does not duplicate a message the stream already delivered", () => {
    const streamed = applyEvents(empty(), [userMessage(1, "u1", "Hello"), runStarted(2)]);
    const state = applyLocalSend(streamed, sent);
    expect(state.items).toHaveLength(1);
    expect(state.items[0]).toMatchObject({ pending: false });
  });

  it("does not resurrect a run that already ended before the POST answered", () => {
    const finished = applyEvents(empty(), turn);
    expect(applyLocalSend(finished, sent).run).toEqual({ status: "idle" });
  });
});

const tools = (state: ConversationState) => state.items.filter((i): i is ToolItem => i.kind === "tool");

describe("MCP tool calls", () => {
  it("keeps the server, the tool's own name, the duration and the error code", () => {
    const state = applyEvents(empty(), [
      runStarted(1),
      mcpToolCall(2, "c1", "read_graph", "{}"),
      mcpToolResult(3, "c1", '{"entities":[]}', { durationMs: 14 }),
      mcpToolCall(4, "c2", "create_entities", '{"entities":"bad"}'),
      mcpToolResult(5, "c2", '{"error":{"code":"invalid_arguments"}}', {
        isError: true,
        errorCode: "invalid_arguments",
        durationMs: 3,
      }),
    ]);
    expect(tools(state)[0]).toMatchObject({
      name: "memory__read_graph",
      serverId: SERVER,
      tool: "read_graph",
      result: { output: '{"entities":[]}', isError: false, durationMs: 14 },
    });
    expect(tools(state)[1]?.result).toEqual({
      output: '{"error":{"code":"invalid_arguments"}}',
      isError: true,
      errorCode: "invalid_arguments",
      durationMs: 3,
    });
  });

  it("leaves the new fields out for tools that send none", () => {
    const state = applyEvents(empty(), [toolCall(1, "c1", "search", "{}"), toolResult(2, "c1", "ok")]);
    const [row] = tools(state);
    expect(row && "serverId" in row).toBe(false);
    expect(row?.result && "durationMs" in row.result).toBe(false);
  });
});

describe("tool-call history", () => {
  const message = (
    seq: number,
    id: string,
    role: "user" | "assistant",
    createdAt: string,
    runId?: string,
  ) => ({
    ...storedMessage(seq, id, role, `${role} ${id}`),
    createdAt,
    ...(runId ? { runId } : {}),
  });

  it("shows earlier runs' tool calls after a reload, before each run's reply", () => {
    const state = stateFromMessages(
      {
        messages: [
          message(1, "u1", "user", "2026-01-01T10:00:00.000Z"),
          message(5, "a1", "assistant", "2026-01-01T10:00:05.000Z", "run-1"),
          message(6, "u2", "user", "2026-01-01T10:01:00.000Z"),
          message(9, "a2", "assistant", "2026-01-01T10:01:04.000Z", "run-2"),
        ],
        cursor: 9,
      },
      [
        toolCallRecord("c1", { runId: "run-1", startedAt: "2026-01-01T10:00:01.000Z" }),
        toolCallRecord("c2", { runId: "run-1", tool: "search_nodes", startedAt: "2026-01-01T10:00:02.000Z" }),
        toolCallRecord("c3", {
          runId: "run-2",
          isError: true,
          errorCode: "tool_timeout",
          result: null,
          durationMs: 60_000,
          startedAt: "2026-01-01T10:01:01.000Z",
        }),
      ],
    );
    expect(state.items.map((i) => i.key)).toEqual([
      "message:u1",
      "tool:c1",
      "tool:c2",
      "message:a1",
      "message:u2",
      "tool:c3",
      "message:a2",
    ]);
    expect(tools(state)[0]).toMatchObject({
      name: "read_graph",
      tool: "read_graph",
      serverId: SERVER,
      serverName: "Memory",
      arguments: "{}",
      result: { output: '{"entities":[]}', isError: false, durationMs: 12 },
    });
    expect(tools(state)[2]?.result).toEqual({
      output: "",
      isError: true,
      errorCode: "tool_timeout",
      durationMs: 60_000,
    });
  });

  it("places calls of a run without a stored reply (failed, or still going) by time", () => {
    const state = stateFromMessages(
      {
        messages: [
          message(1, "u1", "user", "2026-01-01T10:00:00.000Z"),
          message(3, "u2", "user", "2026-01-01T10:02:00.000Z"),
        ],
        cursor: 3,
      },
      [
        toolCallRecord("failed", { runId: "run-1", startedAt: "2026-01-01T10:00:01.000Z" }),
        toolCallRecord("going", { runId: "run-2", startedAt: "2026-01-01T10:02:01.000Z" }),
      ],
    );
    expect(state.items.map((i) => i.key)).toEqual(["message:u1", "tool:failed", "message:u2", "tool:going"]);
  });

  it("merges live events of a call it already knows from the history, keeping the server's name", () => {
    const start = stateFromMessages({ messages: [], cursor: 4 }, [toolCallRecord("c1")]);
    const state = applyEvents(start, [
      mcpToolCall(5, "c1", "read_graph", "{}"),
      mcpToolResult(6, "c1", "fresh", { durationMs: 20 }),
    ]);
    expect(tools(state)).toHaveLength(1);
    expect(tools(state)[0]).toMatchObject({
      serverName: "Memory",
      name: "memory__read_graph",
      result: { output: "fresh", durationMs: 20 },
    });
  });

  it("adds history arriving after live events without duplicating the calls those events showed", () => {
    const stored = [message(1, "u1", "user", "2026-01-01T10:00:00.000Z")];
    const live = applyEvents(stateFromMessages({ messages: stored, cursor: 1 }), [
      runStarted(2),
      mcpToolCall(3, "c2", "search_nodes", "{}"),
      token(4, "a1", "Found"),
    ]);
    const merged = mergeToolHistory(
      live,
      [
        toolCallRecord("c1", { startedAt: "2026-01-01T10:00:01.000Z" }),
        toolCallRecord("c2", { tool: "search_nodes", startedAt: "2026-01-01T10:00:02.000Z" }),
      ],
      stored,
    );
    expect(merged.items.map((i) => i.key)).toEqual(["message:u1", "tool:c2", "tool:c1", "message:a1"]);
    expect(merged.index["message:a1"]).toBe(3);
    expect(merged.lastSeq).toBe(4);
    expect(isRunning(merged)).toBe(true);
    // Applying the same history again changes nothing.
    expect(mergeToolHistory(merged, [toolCallRecord("c1")], stored)).toBe(merged);
  });

  it("shows arguments recorded as text as they are", () => {
    const state = stateFromMessages({ messages: [], cursor: 0 }, [
      toolCallRecord("c1", { arguments: "raw" }),
    ]);
    expect(tools(state)[0]?.arguments).toBe("raw");
  });
});
