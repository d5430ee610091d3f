import { exports } from "cloudflare:workers";
import { type ServerFrame, STREAM_SUBPROTOCOL, type StreamEvent } from "@switchboard/protocol";
import { BASE } from "./api.ts";

/** A WebSocket client of the conversation stream that records every event it receives. */
export class StreamClient {
  readonly events: StreamEvent[] = [];
  readonly frames: ServerFrame[] = [];
  closed = false;
  #waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.addEventListener("message", (message) => {
      const frame = JSON.parse(String(message.data)) as ServerFrame;
      this.frames.push(frame);
      if (frame.kind === "events") this.events.push(...frame.events);
      this.#notify();
    });
    socket.addEventListener("close", () => {
      this.closed = true;
      this.#notify();
    });
  }

  static async open(conversationId: string, token: string, after = 0): Promise<StreamClient> {
    const response = await exports.default.fetch(
      new Request(`${BASE}/conversations/${conversationId}/stream?after=${after}`, {
        headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": `${STREAM_SUBPROTOCOL}, bearer.${token}` },
      }),
    );
    if (response.status !== 101 || !response.webSocket) {
      throw new Error(`stream upgrade failed: ${response.status} ${await response.text()}`);
    }
    if (response.headers.get("Sec-WebSocket-Protocol") !== STREAM_SUBPROTOCOL)
      throw new Error("subprotocol not echoed");
    response.webSocket.accept();
    return new StreamClient(response.webSocket);
  }

  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? 0;
  }

  /** Resolves when `predicate` holds for the events received so far. */
  async until(predicate: (events: StreamEvent[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (this.closed)
        throw new Error(`stream closed before the condition held (${this.events.length} events)`);
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new Error(
          `timed out with ${this.events.length} events: ${this.events.map((e) => e.type).join(",")}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close(1000, "done");
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

export const runFinished = (events: StreamEvent[]) =>
  events.some((e) => e.type === "run.completed" || e.type === "run.failed");

/** Text of all token events, in order. */
export const tokenText = (events: StreamEvent[]) =>
  events
    .filter((e) => e.type === "token")
    .map((e) => (e.type === "token" ? e.text : ""))
    .join("");

/** Seqs must be strictly increasing by one: no gap, no duplicate. */
export function assertContiguous(events: StreamEvent[], from: number): void {
  events.forEach((e, i) => {
    if (e.seq !== from + i) throw new Error(`expected seq ${from + i} at ${i}, got ${e.seq}`);
  });
}
