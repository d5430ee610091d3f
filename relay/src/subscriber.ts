import { CATCH_UP_PAGE, type EventReader, type EventRow } from "./event-reader.ts";
import type { Logger } from "./log.ts";
import { SSE_KEEP_ALIVE, sseEvents, sseReset } from "./sse.ts";

export interface SubscriberOptions {
  conversationId: string;
  /** The client has seen everything up to this seq. */
  after: number;
  reader: EventReader;
  log: Logger;
  /**
   * Live events that may wait for a slow client. Beyond this the client is dropped; it reconnects with
   * Last-Event-ID and resumes from the table, so nothing is lost, and the relay's memory stays bounded.
   */
  maxQueuedEvents: number;
  onClose: (subscriber: Subscriber) => void;
}

const encoder = new TextEncoder();
/** Bytes the response stream holds before the subscriber waits for the client to read. */
const STREAM_HIGH_WATER_BYTES = 64 * 1024;

/**
 * One SSE client of one conversation. Every path that sends events (initial catch-up, live batches,
 * catch-up after the LISTEN connection came back) runs through one sequential pump and one `lastSent`
 * cursor, so each event goes out exactly once and in order, however the paths interleave.
 */
export class Subscriber {
  readonly conversationId: string;
  readonly stream: ReadableStream<Uint8Array>;
  #lastSent: number;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #closed = false;
  #pumping = false;
  #needsCatchUp = true;
  #pending: EventRow[][] = [];
  #pendingCount = 0;
  #drainWaiter: (() => void) | undefined;
  readonly #options: SubscriberOptions;

  constructor(options: SubscriberOptions) {
    this.#options = options;
    this.conversationId = options.conversationId;
    this.#lastSent = options.after;
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => {
          this.#drainWaiter?.();
          this.#drainWaiter = undefined;
        },
        cancel: () => this.close(),
      },
      { highWaterMark: STREAM_HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
    );
  }

  get lastSent(): number {
    return this.#lastSent;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Starts the initial catch-up from the table. Call after the subscriber is registered for live batches. */
  start(): void {
    this.#kick();
  }

  /** A batch of live events (ordered by seq). Parts this subscriber already sent are skipped. */
  deliver(rows: readonly EventRow[]): void {
    if (this.#closed || rows.length === 0) return;
    const last = rows[rows.length - 1] as EventRow;
    if (last.seq <= this.#lastSent) return;
    this.#pending.push(rows as EventRow[]);
    this.#pendingCount += rows.length;
    if (this.#pendingCount > this.#options.maxQueuedEvents) {
      this.#options.log.warn("dropping slow subscriber", {
        conversationId: this.conversationId,
        queued: this.#pendingCount,
        lastSent: this.#lastSent,
      });
      this.close();
      return;
    }
    this.#kick();
  }

  /** Re-read everything after `lastSent` from the table (e.g. notifications may have been missed). */
  requestCatchUp(): void {
    if (this.#closed) return;
    this.#needsCatchUp = true;
    this.#kick();
  }

  heartbeat(): void {
    // A backed-up stream already has bytes on the way; a comment would only add to the pile.
    if (!this.#closed && (this.#controller.desiredSize ?? 0) > 0) this.#write(SSE_KEEP_ALIVE);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = [];
    this.#pendingCount = 0;
    this.#drainWaiter?.();
    this.#drainWaiter = undefined;
    try {
      this.#controller.close();
    } catch {
      // Already cancelled by the client.
    }
    this.#options.onClose(this);
  }

  #kick(): void {
    if (this.#pumping || this.#closed) return;
    this.#pumping = true;
    void this.#pump().finally(() => {
      this.#pumping = false;
      if (!this.#closed && (this.#needsCatchUp || this.#pending.length > 0)) this.#kick();
    });
  }

  async #pump(): Promise<void> {
    try {
      while (!this.#closed) {
        if (this.#needsCatchUp) {
          this.#needsCatchUp = false;
          await this.#catchUp();
          continue;
        }
        const batch = this.#pending.shift();
        if (!batch) return;
        this.#pendingCount -= batch.length;
        await this.#drained();
        await this.#sendLive(batch);
      }
    } catch (error) {
      // The client resumes from its Last-Event-ID, which is cheaper and safer than retrying here.
      this.#options.log.warn("subscriber read failed; closing stream", {
        conversationId: this.conversationId,
        error,
      });
      this.close();
    }
  }

  async #sendLive(batch: EventRow[]): Promise<void> {
    let start = batch.findIndex((row) => row.seq > this.#lastSent);
    if (start < 0) return;
    let end = start;
    while (end < batch.length && (batch[end] as EventRow).seq === this.#lastSent + 1 + (end - start)) end++;
    if (end > start) this.#send(batch.slice(start, end));
    if (end < batch.length) {
      // The batch begins (or continues) past lastSent + 1: the rows in between come from the table.
      await this.#catchUp();
      start = batch.findIndex((row) => row.seq > this.#lastSent);
      if (start >= 0) this.#needsCatchUp = true;
    }
  }

  async #catchUp(): Promise<void> {
    for (;;) {
      const page = await this.#options.reader.after(this.conversationId, this.#lastSent, CATCH_UP_PAGE);
      if (this.#closed || page.length === 0) return;
      const first = page[0] as EventRow;
      // Seqs may jump (a Durable Object that crashed never reuses the seqs it had handed out), so a gap
      // alone proves nothing; only the conversation's pruning mark says events were deleted.
      if (this.#lastSent > 0 && first.seq > this.#lastSent + 1) {
        const prunedThrough = await this.#options.reader.prunedThrough(this.conversationId);
        if (this.#closed) return;
        if (prunedThrough > this.#lastSent) {
          this.#write(sseReset(this.#lastSent));
          this.close();
          return;
        }
      }
      this.#send(page);
      if (page.length < CATCH_UP_PAGE) return;
      await this.#drained();
    }
  }

  #send(rows: EventRow[]): void {
    if (rows.length === 0) return;
    this.#write(sseEvents(rows));
    this.#lastSent = (rows[rows.length - 1] as EventRow).seq;
  }

  #write(text: string): void {
    if (this.#closed) return;
    try {
      this.#controller.enqueue(encoder.encode(text));
    } catch {
      this.close();
    }
  }

  /** Resolves once the client has read the stream below its high-water mark (or the stream closed). */
  #drained(): Promise<void> {
    if (this.#closed || (this.#controller.desiredSize ?? 1) > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#drainWaiter;
      this.#drainWaiter = () => {
        previous?.();
        resolve();
      };
    });
  }
}
