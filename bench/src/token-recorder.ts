import type { StreamEvent } from "@switchboard/protocol";

/**
 * What one client of one conversation saw: the receive time of every reply token by its position, and
 * whether the stream was whole. The scripted reply is `w1 w2 … wN`, so a token's words name their
 * positions even if the platform merged two model chunks into one event.
 */
export class TokenRecorder {
  /** Receive time (epoch ms) of token i, NaN until seen. */
  readonly times: Float64Array;
  received = 0;
  duplicates = 0;
  /** Events whose seq did not follow the previous one by exactly 1. */
  gaps = 0;
  completed = false;
  failed: string | undefined;
  /** The Durable Object's stamps (`at`) of run.started and of the last token: the run's streaming span. */
  runStartedAt: number | undefined;
  lastTokenAt: number | undefined;
  #lastSeq = 0;

  constructor(readonly tokens: number) {
    this.times = new Float64Array(tokens).fill(Number.NaN);
  }

  get done(): boolean {
    return this.completed || this.failed !== undefined;
  }

  onEvents = (events: readonly StreamEvent[], receivedAt: number): void => {
    for (const event of events) {
      if (event.seq <= this.#lastSeq) {
        this.duplicates++;
        continue;
      }
      if (this.#lastSeq > 0 && event.seq !== this.#lastSeq + 1) this.gaps++;
      this.#lastSeq = event.seq;
      if (event.type === "token") {
        this.lastTokenAt = event.at;
        for (const word of event.text.match(/\S+/g) ?? []) {
          const index = Number(word.slice(1)) - 1;
          if (!(index >= 0 && index < this.tokens)) continue;
          if (Number.isNaN(this.times[index])) {
            this.times[index] = receivedAt;
            this.received++;
          } else this.duplicates++;
        }
      } else if (event.type === "run.started") this.runStartedAt = event.at;
      else if (event.type === "run.completed") this.completed = true;
      else if (event.type === "run.failed") this.failed = `${event.code}: ${event.message}`;
    }
  };
}

/** `w1 w2 … wN`: N distinct word tokens (the model server splits text into word tokens). */
export function numberedReply(tokens: number): string {
  return Array.from({ length: tokens }, (_, i) => `w${i + 1}`).join(" ");
}
