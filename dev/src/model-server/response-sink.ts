import type { ServerResponse } from "node:http";

/**
 * A response being streamed: knows when the client went away (so generation stops at once instead of
 * pacing tokens into a dead socket, which matters under load) and honours socket backpressure.
 */
export class ResponseSink {
  readonly #res: ServerResponse;
  readonly #abort = new AbortController();

  constructor(res: ServerResponse) {
    this.#res = res;
    res.on("close", () => {
      if (!res.writableFinished) this.#abort.abort();
    });
    // The client may have left while its request body was still being read; "close" has fired already.
    if (res.destroyed || !res.socket || res.socket.destroyed) this.#abort.abort();
  }

  /** Aborted when the client disconnects before the reply is complete. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get aborted(): boolean {
    return this.#abort.signal.aborted;
  }

  startEventStream(): void {
    this.#res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    this.#res.flushHeaders();
  }

  /** Hands a chunk to the socket; call `ready()` before writing more. No-op after an abort. */
  write(chunk: string): void {
    if (this.aborted || chunk.length === 0) return;
    this.#res.write(chunk);
  }

  /** Resolves when the socket can take more data (or the client is gone). */
  ready(): Promise<void> {
    if (this.aborted || !this.#res.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.#res.off("drain", done);
        this.signal.removeEventListener("abort", done);
        resolve();
      };
      this.#res.on("drain", done);
      this.signal.addEventListener("abort", done, { once: true });
    });
  }

  end(): void {
    if (!this.aborted) this.#res.end();
  }

  json(status: number, body: unknown): void {
    if (this.aborted) return;
    const payload = JSON.stringify(body);
    this.#res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(payload),
    });
    this.#res.end(payload);
  }
}
