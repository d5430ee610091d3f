import type { Message, MessageList, StreamEvent, ToolCallRecord } from "@switchboard/protocol";

/**
 * The chat view of one conversation, built purely from the completed messages of `GET /messages` plus
 * the live events that follow. Events carry a gap-free `seq`, so anything at or below `lastSeq` has
 * already been applied: replays after a reconnect are ignored and applying a batch twice is harmless.
 */

export interface UserItem {
  kind: "user";
  key: string;
  id: string;
  content: string;
  /** True while only the optimistic copy exists (the `message.created` event has not arrived yet). */
  pending: boolean;
}

export interface AssistantItem {
  kind: "assistant";
  key: string;
  id: string;
  content: string;
  agentId: string | undefined;
  runId: string | undefined;
  /** True while tokens are still arriving; false once `message.completed` (or the run's end) is seen. */
  streaming: boolean;
}

export interface ToolItem {
  kind: "tool";
  key: string;
  callId: string;
  runId: string;
  agentId: string;
  /** The tool's name as the model saw it (`<server>__<tool>` for MCP tools). */
  name: string;
  arguments: string;
  /** The MCP server and the tool's own name on it, when the tool is an MCP tool. */
  serverId?: string;
  tool?: string;
  /** Known from the tool-call history; live events name the server by id only. */
  serverName?: string;
  result: ToolResult | undefined;
}

export interface ToolResult {
  output: string;
  isError: boolean;
  /** The tool layer's error code (`tool_timeout`, `invalid_arguments`, …) when it failed. */
  errorCode?: string;
  durationMs?: number;
}

export interface RunErrorItem {
  kind: "run-error";
  key: string;
  runId: string;
  code: string;
  message: string;
}

export type ChatItem = UserItem | AssistantItem | ToolItem | RunErrorItem;

export type RunState =
  | { status: "idle" }
  | { status: "running"; runId: string }
  | { status: "failed"; runId: string; code: string; message: string };

export interface ConversationState {
  items: readonly ChatItem[];
  /** Item key → position in `items`, so a token finds its message without scanning. */
  index: Readonly<Record<string, number>>;
  /** Highest seq applied; the stream resumes with `after=lastSeq`. */
  lastSeq: number;
  run: RunState;
  /** Runs that ended recently, so a late optimistic "running" for one of them is not resurrected. */
  settledRuns: readonly string[];
}

const SETTLED_RUNS_KEPT = 32;

const messageKey = (id: string) => `message:${id}`;
const toolKey = (callId: string) => `tool:${callId}`;
const runErrorKey = (runId: string) => `run-error:${runId}`;

function itemFromMessage(message: Message): ChatItem {
  if (message.role === "user") {
    return {
      kind: "user",
      key: messageKey(message.id),
      id: message.id,
      content: message.content,
      pending: false,
    };
  }
  return {
    kind: "assistant",
    key: messageKey(message.id),
    id: message.id,
    content: message.content,
    agentId: message.agentId,
    runId: message.runId,
    streaming: false,
  };
}

/** A recorded tool call (`GET /conversations/:id/tool-calls`) as a row, its result included. */
export function toolItemFromRecord(record: ToolCallRecord): ToolItem {
  const args =
    record.arguments === undefined || record.arguments === null
      ? ""
      : typeof record.arguments === "string"
        ? record.arguments
        : JSON.stringify(record.arguments);
  return {
    kind: "tool",
    key: toolKey(record.callId),
    callId: record.callId,
    runId: record.runId,
    agentId: record.agentId,
    name: record.tool,
    arguments: args,
    ...(record.serverId ? { serverId: record.serverId } : {}),
    tool: record.tool,
    serverName: record.serverName,
    result: {
      output: record.result ?? "",
      isError: record.isError,
      ...(record.errorCode ? { errorCode: record.errorCode } : {}),
      durationMs: record.durationMs,
    },
  };
}

/**
 * The starting state: the completed messages (and, when given, the conversation's recorded tool calls, as
 * `mergeToolHistory` places them), resuming after the list's cursor.
 */
export function stateFromMessages(
  list: MessageList,
  toolCalls: readonly ToolCallRecord[] = [],
): ConversationState {
  const items: ChatItem[] = [];
  const index: Record<string, number> = {};
  for (const message of list.messages) {
    const item = itemFromMessage(message);
    if (index[item.key] !== undefined) continue;
    index[item.key] = items.length;
    items.push(item);
  }
  const state: ConversationState = {
    items,
    index,
    lastSeq: list.cursor,
    run: { status: "idle" },
    settledRuns: [],
  };
  return mergeToolHistory(state, toolCalls, list.messages);
}

/**
 * Adds the recorded tool calls (`GET /conversations/:id/tool-calls`) that the view does not show yet, so
 * earlier runs' calls survive a reload. Calls it already has (from live events) are left alone. A call goes
 * just before its run's reply (stored when the run completes, after its tools ran); for a run without one
 * (it failed, or is still going) before the first stored message created after the call started, else at
 * the end. `stored` are the messages the state was built from (their times place the calls). Pure: the
 * same state object comes back when there is nothing to add.
 */
export function mergeToolHistory(
  state: ConversationState,
  records: readonly ToolCallRecord[],
  stored: readonly Message[] = [],
): ConversationState {
  const storedAt = new Map(stored.map((m) => [messageKey(m.id), Date.parse(m.createdAt)]));
  const before = new Map<number, ToolItem[]>();
  const trailing: ToolItem[] = [];
  const added = new Set<string>();
  for (const record of records) {
    const item = toolItemFromRecord(record);
    if (state.index[item.key] !== undefined || added.has(item.key)) continue;
    added.add(item.key);
    const started = Date.parse(record.startedAt);
    const storedAfterStart = (key: string) => {
      const time = storedAt.get(key);
      return time !== undefined && !Number.isNaN(started) && time > started;
    };
    // The run's reply: the first of its replies not stored before the call started (a step's text may be).
    let at = state.items.findIndex(
      (i) =>
        i.kind === "assistant" &&
        i.runId === record.runId &&
        (!storedAt.has(i.key) || Number.isNaN(started) || storedAfterStart(i.key)),
    );
    if (at === -1) at = state.items.findIndex((i) => storedAfterStart(i.key));
    if (at === -1) trailing.push(item);
    else before.set(at, [...(before.get(at) ?? []), item]);
  }
  if (added.size === 0) return state;
  const items: ChatItem[] = [];
  state.items.forEach((item, i) => {
    items.push(...(before.get(i) ?? []), item);
  });
  items.push(...trailing);
  const index: Record<string, number> = {};
  items.forEach((item, i) => {
    index[item.key] = i;
  });
  return { ...state, items, index };
}

/** A copy-on-first-write draft, so one batch of many tokens costs one array copy, not one per token. */
class Draft {
  items: ChatItem[];
  index: Record<string, number>;
  lastSeq: number;
  run: RunState;
  settledRuns: string[];

  constructor(state: ConversationState) {
    this.items = [...state.items];
    this.index = { ...state.index };
    this.lastSeq = state.lastSeq;
    this.run = state.run;
    this.settledRuns = [...state.settledRuns];
  }

  get(key: string): ChatItem | undefined {
    const at = this.index[key];
    return at === undefined ? undefined : this.items[at];
  }

  put(item: ChatItem): void {
    const at = this.index[item.key];
    if (at === undefined) {
      this.index[item.key] = this.items.length;
      this.items.push(item);
    } else {
      this.items[at] = item;
    }
  }

  isSettled(runId: string): boolean {
    return this.settledRuns.includes(runId);
  }

  settle(runId: string): void {
    if (!this.isSettled(runId)) this.settledRuns = [...this.settledRuns, runId].slice(-SETTLED_RUNS_KEPT);
    // Whatever was still streaming in this run will receive no more tokens.
    for (let i = 0; i < this.items.length; i++) {
      const item = this.items[i];
      if (item?.kind === "assistant" && item.streaming && item.runId === runId) {
        this.items[i] = { ...item, streaming: false };
      }
    }
  }

  /** Any event of a run that is not over means that run is going (we may have joined it midway). */
  noteActivity(runId: string): void {
    if (this.isSettled(runId)) return;
    if (this.run.status === "running" && this.run.runId === runId) return;
    this.run = { status: "running", runId };
  }

  toState(): ConversationState {
    return {
      items: this.items,
      index: this.index,
      lastSeq: this.lastSeq,
      run: this.run,
      settledRuns: this.settledRuns,
    };
  }
}

function apply(draft: Draft, event: StreamEvent): void {
  switch (event.type) {
    case "message.created": {
      draft.put({
        kind: "user",
        key: messageKey(event.messageId),
        id: event.messageId,
        content: event.content,
        pending: false,
      });
      return;
    }
    case "run.started": {
      draft.noteActivity(event.runId);
      return;
    }
    case "token": {
      draft.noteActivity(event.runId);
      const key = messageKey(event.messageId);
      const existing = draft.get(key);
      if (existing?.kind === "assistant") {
        // A completed message is final; a stray late token must not grow it.
        if (existing.streaming) draft.put({ ...existing, content: existing.content + event.text });
        return;
      }
      draft.put({
        kind: "assistant",
        key,
        id: event.messageId,
        content: event.text,
        agentId: event.agentId,
        runId: event.runId,
        streaming: !draft.isSettled(event.runId),
      });
      return;
    }
    case "message.completed": {
      draft.put({
        kind: "assistant",
        key: messageKey(event.messageId),
        id: event.messageId,
        content: event.content,
        agentId: event.agentId,
        runId: event.runId,
        streaming: false,
      });
      return;
    }
    case "tool.call": {
      draft.noteActivity(event.runId);
      const key = toolKey(event.callId);
      const existing = draft.get(key);
      const known = existing?.kind === "tool" ? existing : undefined;
      draft.put({
        kind: "tool",
        key,
        callId: event.callId,
        runId: event.runId,
        agentId: event.agentId,
        name: event.name,
        arguments: event.arguments,
        ...(event.serverId
          ? { serverId: event.serverId }
          : known?.serverId
            ? { serverId: known.serverId }
            : {}),
        ...(event.tool ? { tool: event.tool } : known?.tool ? { tool: known.tool } : {}),
        ...(known?.serverName ? { serverName: known.serverName } : {}),
        result: known?.result,
      });
      return;
    }
    case "tool.result": {
      draft.noteActivity(event.runId);
      const key = toolKey(event.callId);
      const existing = draft.get(key);
      const result: ToolResult = {
        output: event.output,
        isError: event.isError,
        ...(event.errorCode ? { errorCode: event.errorCode } : {}),
        ...(event.durationMs !== undefined ? { durationMs: event.durationMs } : {}),
      };
      if (existing?.kind === "tool") {
        draft.put({ ...existing, result });
      } else {
        // The call itself was before our resume point; still show what the tool answered.
        draft.put({
          kind: "tool",
          key,
          callId: event.callId,
          runId: event.runId,
          agentId: event.agentId,
          name: "tool",
          arguments: "",
          result,
        });
      }
      return;
    }
    case "run.completed": {
      draft.settle(event.runId);
      if (draft.run.status !== "running" || draft.run.runId === event.runId) draft.run = { status: "idle" };
      return;
    }
    case "run.failed": {
      draft.settle(event.runId);
      draft.put({
        kind: "run-error",
        key: runErrorKey(event.runId),
        runId: event.runId,
        code: event.code,
        message: event.message,
      });
      if (draft.run.status !== "running" || draft.run.runId === event.runId) {
        draft.run = { status: "failed", runId: event.runId, code: event.code, message: event.message };
      }
      return;
    }
  }
}

/**
 * Applies a batch of events. Pure: returns a new state, or the same object when nothing applied (so
 * React can skip a render). Events at or below `lastSeq` are ignored; the batch is applied in seq order.
 */
export function applyEvents(state: ConversationState, events: readonly StreamEvent[]): ConversationState {
  const fresh = events.filter((event) => event.seq > state.lastSeq);
  if (fresh.length === 0) return state;
  fresh.sort((a, b) => a.seq - b.seq);
  const draft = new Draft(state);
  for (const event of fresh) {
    if (event.seq <= draft.lastSeq) continue; // a duplicate inside the same batch
    apply(draft, event);
    draft.lastSeq = event.seq;
  }
  return draft.toState();
}

/**
 * Records a message this client just sent (from the 202 of `POST /messages`) so it shows at once and the
 * composer stays disabled until the run ends, without waiting for the stream to echo it. Does not touch
 * `lastSeq`: the `message.created` event still arrives and confirms the same item.
 */
export function applyLocalSend(
  state: ConversationState,
  sent: { messageId: string; runId: string; content: string },
): ConversationState {
  const draft = new Draft(state);
  if (!draft.get(messageKey(sent.messageId))) {
    draft.put({
      kind: "user",
      key: messageKey(sent.messageId),
      id: sent.messageId,
      content: sent.content,
      pending: true,
    });
  }
  draft.noteActivity(sent.runId);
  return draft.toState();
}

export function isRunning(state: ConversationState): boolean {
  return state.run.status === "running";
}
