import { createDatabase, type Database } from "@switchboard/db/client";
import {
  ClientFrame,
  repairText,
  type ServerFrame,
  type StreamEvent,
  type StreamEventDraft,
} from "@switchboard/protocol";
import { Agent, type Connection, type ConnectionContext, type WSMessage } from "agents";
import type { ConversationEnv } from "./env.ts";
import { RunToolSession } from "./mcp/run-tool-session.ts";
import { releaseRunSlot } from "./rate-limit/run-slots.ts";
import { runAgentTurn } from "./run/agent-turn.ts";
import { createAgentModel } from "./run/model-factory.ts";
import type { RunConfig, StartRunInput, StartRunResult } from "./run/run-config.ts";
import { describeRunFailure } from "./run/run-errors.ts";
import { EventLog } from "./stream/event-log.ts";
import { execute, readEvents, readLastSeq, readMessageCursor } from "./stream/event-store.ts";
import { SocketHub, send } from "./stream/socket-hub.ts";
import * as statements from "./stream/statements.ts";

const CATCH_UP_PAGE = 1000;
const SEQ_RESERVED_KEY = "seqReservedThrough";
/** Event rows are kept for this many recent turns; older turns live on whole in `messages`. */
const EVENT_RETENTION_RUNS = 20;
/** How many earlier messages the model sees. */
const HISTORY_LIMIT = 100;

/**
 * One Durable Object per conversation (its name is the conversation id). It is the conversation's only
 * writer: it allocates event seqs, runs the agent loop, sends tokens to its WebSockets first and
 * persists them in batches. The API worker authenticates and authorises before calling it.
 */
export class ConversationAgent extends Agent<ConversationEnv> {
  #db: Database | undefined;
  #starting: Promise<EventLog> | undefined;
  #activeRun: { id: string; abort: AbortController } | undefined;
  readonly #hub = new SocketHub<Connection>(() => this.#openSockets());
  /**
   * The open sockets, kept in memory: the SDK's getConnections() re-wraps every hibernatable socket on
   * each call, far too costly on the token path (one call per frame). Rebuilt once after hibernation.
   */
  #sockets: Map<string, Connection> | undefined;

  #openSockets(): Iterable<Connection> {
    if (!this.#sockets) {
      this.#sockets = new Map();
      for (const connection of this.getConnections()) this.#sockets.set(connection.id, connection);
    }
    return this.#sockets.values();
  }

  // The stream speaks only the frames of @switchboard/protocol; the SDK's own state frames stay off.
  override shouldSendProtocolMessages(): boolean {
    return false;
  }

  get #database(): Database {
    this.#db ??= createDatabase({ databaseUrl: this.env.DATABASE_URL, sqlEndpoint: this.env.SQL_ENDPOINT });
    return this.#db;
  }

  /** Loads the last stored seq once per activation, and closes out a run a restart interrupted. */
  #eventLog(): Promise<EventLog> {
    this.#starting ??= (async () => {
      const db = this.#database;
      const reserved = (await this.ctx.storage.get<number>(SEQ_RESERVED_KEY)) ?? 0;
      const lastSeq = Math.max(await readLastSeq(db, this.name), reserved);
      const log = new EventLog({
        conversationId: this.name,
        lastSeq,
        publish: (event) => this.#hub.publish(event),
        // Durable before any frame carrying these seqs leaves: the output gate holds sends until it lands.
        reserve: (throughSeq) => void this.ctx.storage.put(SEQ_RESERVED_KEY, throughSeq),
        write: (batch) => execute(db, batch),
        onFlushError: (error) =>
          console.error("event flush failed; will retry", { conversation: this.name, error }),
      });
      const interrupted = await statements.readRunningRuns(db, this.name);
      for (const runId of interrupted) {
        log.append({
          type: "run.failed",
          runId,
          code: "interrupted",
          message: "The run was interrupted. Send the message again.",
        });
        await log.flushNow([statements.finishRun(runId, "failed", "interrupted")]);
      }
      return log;
    })().catch((error) => {
      this.#starting = undefined;
      throw error;
    });
    return this.#starting;
  }

  /** RPC from the API worker: stores the user message durably, then starts the agent run. */
  async startRun(input: StartRunInput): Promise<StartRunResult> {
    const log = await this.#eventLog();
    if (this.#activeRun) {
      return {
        ok: false,
        code: "run_in_progress",
        message: "A reply is still being written. Wait for it or stop it.",
      };
    }
    const runId = input.runId ?? crypto.randomUUID();
    const messageId = crypto.randomUUID();
    const abort = new AbortController();
    this.#activeRun = { id: runId, abort };
    try {
      const created = log.append({
        type: "message.created",
        messageId,
        role: "user",
        content: input.content,
        authorId: input.userId,
      });
      await log.flushNow([
        statements.insertMessage({
          id: messageId,
          conversationId: this.name,
          role: "user",
          content: input.content,
          authorId: input.userId,
          seq: created.seq,
        }),
        statements.insertRun({ id: runId, conversationId: this.name, agentId: input.config.agent.id }),
        statements.touchConversation(this.name),
      ]);
      void this.#run(runId, input.config, abort.signal, input.userId);
      return { ok: true, runId, messageId, seq: created.seq };
    } catch (error) {
      this.#activeRun = undefined;
      throw error;
    }
  }

  /** RPC: a relay (SSE) listener is attached; persist with the short flush window while the lease lasts. */
  async noteRelayListener(leaseMs: number): Promise<void> {
    (await this.#eventLog()).noteRelayListener(leaseMs);
  }

  /** RPC: stops the running turn, if any. */
  async cancelRun(): Promise<boolean> {
    if (!this.#activeRun) return false;
    this.#activeRun.abort.abort();
    return true;
  }

  async #run(runId: string, config: RunConfig, signal: AbortSignal, userId: string): Promise<void> {
    const log = await this.#eventLog();
    const keepAlive = await this.keepAlive();
    const assistantMessageId = crypto.randomUUID();
    const emit = (draft: StreamEventDraft) => log.append(draft);
    const toolSession = new RunToolSession({
      db: this.#database,
      env: this.env,
      conversationId: this.name,
      runId,
      agentId: config.agent.id,
      userId,
      grants: config.tools ?? [],
      audit: config.audit ?? { orgId: null, teamId: null, actorId: userId, actorLabel: "" },
      emit,
      signal,
    });
    try {
      emit({ type: "run.started", runId, agentId: config.agent.id });
      const history = await statements.readHistory(this.#database, this.name, HISTORY_LIMIT);
      const tools = await toolSession.tools();
      const model = createAgentModel({ ...config.model, demoModelUrl: this.env.DEMO_MODEL_URL });
      const text = repairText(
        await runAgentTurn({
          runId,
          agent: config.agent,
          model,
          history,
          messageId: assistantMessageId,
          tools,
          emit,
          signal,
        }),
      );
      await log.appendPersisted(
        [
          {
            type: "message.completed",
            runId,
            agentId: config.agent.id,
            messageId: assistantMessageId,
            role: "assistant",
            content: text,
          },
          { type: "run.completed", runId },
        ],
        ([completed]) => [
          statements.insertMessage({
            id: assistantMessageId,
            conversationId: this.name,
            role: "assistant",
            content: text,
            agentId: config.agent.id,
            runId,
            seq: completed?.seq ?? log.lastSeq,
          }),
          statements.finishRun(runId, "completed"),
          statements.touchConversation(this.name),
          statements.pruneOldEvents(this.name, EVENT_RETENTION_RUNS),
        ],
      );
    } catch (error) {
      const failure = signal.aborted
        ? { code: "cancelled", message: "The run was cancelled." }
        : describeRunFailure(error);
      if (!signal.aborted) console.error("run failed", { conversation: this.name, runId, error });
      emit({ type: "run.failed", runId, ...failure });
      await log
        .flushNow([statements.finishRun(runId, signal.aborted ? "cancelled" : "failed", failure.code)])
        .catch((flushError) => console.error("could not persist run failure", { runId, flushError }));
    } finally {
      await toolSession.close();
      this.#activeRun = undefined;
      await releaseRunSlot(this.env.RATE_LIMITER, userId, runId);
      keepAlive();
    }
  }

  override async onConnect(connection: Connection, context: ConnectionContext): Promise<void> {
    this.#openSockets();
    this.#sockets?.set(connection.id, connection);
    const after = Number(new URL(context.request.url).searchParams.get("after") ?? "0");
    this.#hub.beginCatchUp(connection);
    try {
      const log = await this.#eventLog();
      let sent = Number.isSafeInteger(after) && after > 0 ? after : 0;
      if (sent + 1 < log.recentStart && (await statements.isPrunedAfter(this.#database, this.name, sent))) {
        const resumeAfter = await readMessageCursor(this.#database, this.name);
        send(connection, {
          kind: "reset",
          reason: "Earlier events were pruned; reload the messages.",
          resumeAfter,
        });
        this.#hub.forget(connection.id);
        connection.close(4409, "reset");
        return;
      }
      // Read from the database only what memory no longer holds; each page is a primary-key range read.
      while (sent + 1 < log.recentStart) {
        const page = await readEvents(this.#database, this.name, sent, log.recentStart, CATCH_UP_PAGE);
        if (page.length === 0) break;
        this.#hub.sendCatchUp(connection, page);
        sent = (page.at(-1) as StreamEvent).seq;
      }
      const rest = log.recentAfter(sent);
      this.#hub.sendCatchUp(connection, rest);
      this.#hub.endCatchUp(connection, rest.at(-1)?.seq ?? sent);
    } catch (error) {
      console.error("stream catch-up failed", { conversation: this.name, error });
      this.#hub.forget(connection.id);
      send(connection, {
        kind: "error",
        code: "service_unavailable",
        message: "Could not load the conversation. Reconnecting.",
      });
      connection.close(1011, "catch-up failed");
    }
  }

  override onMessage(connection: Connection, message: WSMessage): void {
    if (typeof message !== "string") return;
    let parsed: ReturnType<typeof ClientFrame.safeParse>;
    try {
      parsed = ClientFrame.safeParse(JSON.parse(message));
    } catch {
      return;
    }
    if (parsed.success && parsed.data.kind === "ping")
      send(connection, { kind: "pong" } satisfies ServerFrame);
  }

  override onClose(connection: Connection): void {
    this.#sockets?.delete(connection.id);
    this.#hub.forget(connection.id);
  }
}
