import type { StreamNotification } from "@switchboard/protocol";
import type { EventReader } from "./event-reader.ts";
import type { Logger } from "./log.ts";
import { Subscriber } from "./subscriber.ts";

interface Conversation {
  subscribers: Set<Subscriber>;
  /** Range announced by notifications and not read yet; consecutive notifications merge into one read. */
  pending: { from: number; to: number } | undefined;
  reading: boolean;
}

export interface SubscriptionsOptions {
  reader: EventReader;
  log: Logger;
  heartbeatMs: number;
  maxQueuedEvents: number;
}

/**
 * In-process fan-out: per notification, the announced rows are read once per conversation and handed
 * to each of its subscribers. Conversations nobody watches cost nothing beyond parsing the payload.
 */
export class Subscriptions {
  readonly #conversations = new Map<string, Conversation>();
  readonly #options: SubscriptionsOptions;
  readonly #heartbeat: NodeJS.Timeout;
  #count = 0;

  constructor(options: SubscriptionsOptions) {
    this.#options = options;
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatMs);
    this.#heartbeat.unref();
  }

  get count(): number {
    return this.#count;
  }

  /** Registers a subscriber before its catch-up starts, so no notification can fall between the two. */
  subscribe(conversationId: string, after: number): Subscriber {
    const subscriber = new Subscriber({
      conversationId,
      after,
      reader: this.#options.reader,
      log: this.#options.log,
      maxQueuedEvents: this.#options.maxQueuedEvents,
      onClose: (s) => this.#remove(s),
    });
    let conversation = this.#conversations.get(conversationId);
    if (!conversation) {
      conversation = { subscribers: new Set(), pending: undefined, reading: false };
      this.#conversations.set(conversationId, conversation);
    }
    conversation.subscribers.add(subscriber);
    this.#count += 1;
    subscriber.start();
    return subscriber;
  }

  notify(notification: StreamNotification): void {
    const conversation = this.#conversations.get(notification.c);
    if (!conversation) return;
    const pending = conversation.pending;
    conversation.pending = pending
      ? { from: Math.min(pending.from, notification.f), to: Math.max(pending.to, notification.t) }
      : { from: notification.f, to: notification.t };
    if (!conversation.reading) void this.#read(notification.c, conversation);
  }

  /** After (re)LISTEN: anything announced while nobody listened is only in the table now. */
  catchUpAll(): void {
    for (const conversation of this.#conversations.values()) {
      for (const subscriber of conversation.subscribers) subscriber.requestCatchUp();
    }
  }

  close(): void {
    clearInterval(this.#heartbeat);
    for (const conversation of [...this.#conversations.values()]) {
      for (const subscriber of [...conversation.subscribers]) subscriber.close();
    }
  }

  async #read(conversationId: string, conversation: Conversation): Promise<void> {
    conversation.reading = true;
    try {
      while (conversation.pending && conversation.subscribers.size > 0) {
        const { from, to } = conversation.pending;
        conversation.pending = undefined;
        try {
          const rows = await this.#options.reader.between(conversationId, from, to);
          for (const subscriber of conversation.subscribers) subscriber.deliver(rows);
        } catch (error) {
          // Each subscriber re-reads on its own; if the database stays away, they close and clients resume.
          this.#options.log.warn("fan-out read failed", { conversationId, from, to, error });
          for (const subscriber of conversation.subscribers) subscriber.requestCatchUp();
        }
      }
    } finally {
      conversation.reading = false;
      conversation.pending = undefined;
    }
  }

  #remove(subscriber: Subscriber): void {
    const conversation = this.#conversations.get(subscriber.conversationId);
    if (!conversation?.subscribers.delete(subscriber)) return;
    this.#count -= 1;
    if (conversation.subscribers.size === 0) this.#conversations.delete(subscriber.conversationId);
  }

  #beat(): void {
    for (const conversation of this.#conversations.values()) {
      for (const subscriber of conversation.subscribers) subscriber.heartbeat();
    }
  }
}
