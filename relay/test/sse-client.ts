export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

/**
 * A minimal Server-Sent Events reader over fetch: enough of the format to check exactly what the relay
 * sends (ids, event names, data, comments) without EventSource's automatic reconnects.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  comments = 0;
  ended = false;
  readonly #abort = new AbortController();
  #wake: (() => void) | undefined;
  #done: Promise<void> = Promise.resolve();

  private constructor(readonly response: Response) {}

  static async open(
    url: string,
    options: { token?: string | undefined; lastEventId?: string; signal?: AbortSignal } = {},
  ): Promise<SseClient> {
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.lastEventId !== undefined) headers["last-event-id"] = options.lastEventId;
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    const client = new SseClient(response);
    client.#abort.signal.addEventListener("abort", () => abort.abort());
    if (response.ok && response.body) client.#done = client.#read(response.body);
    else client.ended = true;
    return client;
  }

  /** Seqs of the data messages received so far. */
  get seqs(): number[] {
    return this.messages
      .filter((m) => m.event === "message")
      .map((m) => (JSON.parse(m.data) as { seq: number }).seq);
  }

  async waitFor(check: (client: SseClient) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this)) {
      if (this.ended) throw new Error(`stream ended before condition; got seqs ${summarize(this.seqs)}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out; got seqs ${summarize(this.seqs)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  waitForSeq(seq: number, timeoutMs?: number): Promise<void> {
    return this.waitFor((c) => (c.seqs.at(-1) ?? 0) >= seq, timeoutMs);
  }

  /** Resolves when the server ends the stream. */
  async untilEnded(timeoutMs = 10_000): Promise<void> {
    await Promise.race([
      this.#done,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error("stream did not end")), timeoutMs).unref(),
      ),
    ]);
  }

  close(): void {
    this.#abort.abort();
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    let id: string | undefined;
    let event = "message";
    let data: string[] = [];
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline = buffer.indexOf("\n");
        while (newline >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, "");
          buffer = buffer.slice(newline + 1);
          if (line === "") {
            if (data.length > 0) this.messages.push({ id, event, data: data.join("\n") });
            id = undefined;
            event = "message";
            data = [];
          } else if (line.startsWith(":")) {
            this.comments += 1;
          } else {
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "id") id = value;
            else if (field === "event") event = value;
            else if (field === "data") data.push(value);
          }
          newline = buffer.indexOf("\n");
        }
        this.#wake?.();
      }
    } catch {
      // Aborted by close().
    } finally {
      this.ended = true;
      this.#wake?.();
    }
  }
}

function summarize(seqs: number[]): string {
  return seqs.length > 20
    ? `${seqs.slice(0, 5).join(",")} … ${seqs.slice(-5).join(",")} (${seqs.length})`
    : seqs.join(",");
}
