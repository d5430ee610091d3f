import { STREAM_NOTIFY_CHANNEL, StreamNotification } from "@switchboard/protocol";
import pg from "pg";
import type { Logger } from "./log.ts";

export interface ListenerOptions {
  databaseUrl: string;
  /** Called for every valid notification, in the order PostgreSQL delivers them. */
  onNotification: (notification: StreamNotification) => void;
  /**
   * Called each time LISTEN is in place, first start included. Notifications sent while no connection
   * was listening are gone, so the caller must catch up from the table here.
   */
  onListening: () => void;
  log: Logger;
  /** First reconnect delay; doubles per failed attempt up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * The relay's one direct (unpooled) connection, LISTENing on `stream_events`. When it drops, for any
 * reason, it reconnects by itself with jittered exponential backoff.
 */
export class Listener {
  readonly #options: ListenerOptions;
  #client: pg.Client | undefined;
  #listening = false;
  #closed = false;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  #lostAt: number | undefined;

  constructor(options: ListenerOptions) {
    this.#options = options;
  }

  get listening(): boolean {
    return this.#listening;
  }

  /** Resolves after the first attempt; a failed first attempt keeps retrying in the background. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listening = false;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({
      connectionString: this.#options.databaseUrl,
      application_name: "switchboard-relay-listen",
      // Without keepalive a silently dead peer (NAT timeout, host gone) would leave us "listening" forever.
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    this.#client = client;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      this.#listening = false;
      if (this.#client === client) this.#client = undefined;
      client.removeAllListeners("notification");
      client.end().catch(() => undefined);
      if (this.#closed) return;
      this.#lostAt ??= Date.now();
      this.#scheduleReconnect(error);
    };
    client.on("error", onLost);
    client.on("end", () => onLost());
    client.on("notification", (message) => {
      if (message.channel !== STREAM_NOTIFY_CHANNEL || !message.payload) return;
      const parsed = parseNotification(message.payload);
      if (parsed) this.#options.onNotification(parsed);
      else
        this.#options.log.warn("ignored malformed notification", { payload: message.payload.slice(0, 200) });
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${STREAM_NOTIFY_CHANNEL}`);
    } catch (error) {
      onLost(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (lost || this.#closed) {
      if (this.#closed) await client.end().catch(() => undefined);
      return;
    }
    this.#listening = true;
    if (this.#lostAt !== undefined) {
      this.#options.log.info("listening again", {
        attempts: this.#attempt,
        downMs: Date.now() - this.#lostAt,
      });
    }
    this.#attempt = 0;
    this.#lostAt = undefined;
    this.#options.onListening();
  }

  #scheduleReconnect(error: Error | undefined): void {
    const initial = this.#options.initialBackoffMs ?? 100;
    const max = this.#options.maxBackoffMs ?? 5000;
    const ceiling = Math.min(max, initial * 2 ** this.#attempt);
    // Equal jitter: never less than half the step, so a fleet of relays does not reconnect in lockstep.
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.#attempt += 1;
    this.#options.log.warn("listen connection lost; reconnecting", {
      attempt: this.#attempt,
      delayMs: delay,
      error: error?.message ?? "connection ended",
    });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#connect(), delay);
  }
}

function parseNotification(payload: string): StreamNotification | undefined {
  try {
    const parsed = StreamNotification.safeParse(JSON.parse(payload));
    return parsed.success && parsed.data.f <= parsed.data.t ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
