import { repairDeep, type StreamEvent, type StreamEventDraft } from "@switchboard/protocol";
import type { Statement } from "./event-store.ts";
import { appendEventsStatement } from "./event-store.ts";

/** Flush window while someone listens through the relay (SSE): they only see what is persisted. */
export const LISTENED_FLUSH_MS = 50;
/** Flush window otherwise: WebSocket clients get tokens directly, so persistence can batch more. */
export const UNLISTENED_FLUSH_MS = 1000;
/** How many already-persisted events stay in memory to serve reconnects without the database. */
const RECENT_CAPACITY = 4096;
const RETRY_MAX_MS = 5000;
/** Seqs are reserved in blocks, so the durable write happens once per block, not per event. */
export const SEQ_RESERVATION_BLOCK = 256;

export interface EventLogOptions {
  conversationId: string;
  /** Highest seq already stored; the next event gets lastSeq + 1. */
  lastSeq: number;
  /** Called with each event as soon as it is stamped: the live path, never blocked by persistence. */
  publish(event: StreamEvent): void;
  /**
   * Records durably that seqs up to `throughSeq` may have been handed out, so that after an eviction the
   * next activation starts above every seq a client could have seen (unflushed events are lost with the
   * old activation; their seqs are never reused, so no client mistakes new events for ones it has).
   */
  reserve(throughSeq: number): void;
  /** Writes statements in one transaction. */
  write(statements: Statement[]): Promise<void>;
  /** Where flush failures go; the events stay queued and are retried. */
  onFlushError(error: unknown): void;
}

/**
 * The conversation's event sequence: stamps `seq`, publishes at once, and persists in batches of one
 * statement per flush window. Seqs are strictly increasing; within one activation they are also
 * contiguous, and across an eviction they jump past the reserved block. Every event not yet persisted is in `recent`, so `recent` always covers
 * `[recentStart, lastSeq]` and a reconnect inside that range needs no database read.
 */
export class EventLog {
  #lastSeq: number;
  #recent: StreamEvent[] = [];
  #pending: StreamEvent[] = [];
  #persistedSeq: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #flushing: Promise<void> | undefined;
  #listenerLeaseUntil = 0;
  #retryMs = 100;
  #reservedThrough: number;
  readonly #options: EventLogOptions;

  constructor(options: EventLogOptions) {
    this.#options = options;
    this.#lastSeq = options.lastSeq;
    this.#persistedSeq = options.lastSeq;
    this.#reservedThrough = options.lastSeq;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** First seq held in memory; events below it must be read from the database. */
  get recentStart(): number {
    return this.#recent[0]?.seq ?? this.#lastSeq + 1;
  }

  /** Events in memory with seq > afterSeq (caller checks afterSeq + 1 >= recentStart). */
  recentAfter(afterSeq: number): StreamEvent[] {
    const start = this.recentStart;
    return this.#recent.slice(Math.max(0, afterSeq + 1 - start));
  }

  /** A relay (SSE) listener holds a lease; while it lasts, flushes use the short window. */
  noteRelayListener(leaseMs: number, now = Date.now()): void {
    this.#listenerLeaseUntil = Math.max(this.#listenerLeaseUntil, now + leaseMs);
  }

  get flushWindowMs(): number {
    return Date.now() < this.#listenerLeaseUntil ? LISTENED_FLUSH_MS : UNLISTENED_FLUSH_MS;
  }

  /** Stamps, publishes and queues an event for the next flush. */
  append(draft: StreamEventDraft): StreamEvent {
    const event = this.#stamp(draft);
    this.#options.publish(event);
    this.#schedule(this.flushWindowMs);
    return event;
  }

  /**
   * Stamps events that end something (a completed message), persists them with `extra(events)` in one
   * transaction, and only then publishes them: a client that sees `message.completed` can read the
   * message back at once. Tokens never take this path.
   */
  async appendPersisted(
    drafts: StreamEventDraft[],
    extra: (events: StreamEvent[]) => Statement[],
  ): Promise<StreamEvent[]> {
    const events = drafts.map((draft) => this.#stamp(draft));
    try {
      await this.flushNow(extra(events));
    } finally {
      // Even if the write failed (it will be retried), live clients must not wait for it.
      for (const event of events) this.#options.publish(event);
    }
    return events;
  }

  #stamp(draft: StreamEventDraft): StreamEvent {
    if (this.#lastSeq + 1 > this.#reservedThrough) {
      this.#reservedThrough = this.#lastSeq + SEQ_RESERVATION_BLOCK;
      this.#options.reserve(this.#reservedThrough);
    }
    // Model output and tool results are not ours to refuse; repairing them keeps every batch storable.
    const event = { ...repairDeep(draft), seq: ++this.#lastSeq, at: Date.now() } as StreamEvent;
    this.#recent.push(event);
    this.#pending.push(event);
    return event;
  }

  /**
   * Persists everything queued now, together with `extra` statements in the same transaction (e.g. the
   * completed message row), so a message and the event that completes it are stored atomically.
   */
  async flushNow(extra: Statement[] = []): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#flushing) await this.#flushing;
    const batch = this.#pending;
    if (batch.length === 0 && extra.length === 0) return;
    this.#pending = [];
    const statements =
      batch.length > 0 ? [appendEventsStatement(this.#options.conversationId, batch), ...extra] : extra;
    const done = this.#options.write(statements);
    this.#flushing = done.then(
      () => undefined,
      () => undefined,
    );
    try {
      await done;
      this.#retryMs = 100;
      const last = batch.at(-1);
      if (last) this.#persistedSeq = last.seq;
      this.#trimRecent();
    } catch (error) {
      // Put the batch back in front; clients already have these events live, and the retry keeps order.
      this.#pending = [...batch, ...this.#pending];
      this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
      this.#schedule(this.#retryMs);
      throw error;
    } finally {
      this.#flushing = undefined;
    }
    if (this.#pending.length > 0) this.#schedule(this.flushWindowMs);
  }

  /** Stops the timer; used when the object is shutting down. */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(delayMs: number): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flushNow().catch((error) => this.#options.onFlushError(error));
    }, delayMs);
  }

  #trimRecent(): void {
    const excess = this.#recent.length - RECENT_CAPACITY;
    if (excess <= 0) return;
    // Only persisted events may leave memory.
    let drop = 0;
    while (drop < excess && (this.#recent[drop]?.seq ?? Infinity) <= this.#persistedSeq) drop++;
    this.#recent.splice(0, drop);
  }
}
