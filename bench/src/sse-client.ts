import type { StreamEvent } from "@switchboard/protocol";
import type { EventsHandler } from "./ws-client.ts";

/**
 * A conversation stream over Server-Sent Events: `GET /conversations/:id/events` with the bearer token
 * and `Last-Event-ID`, read incrementally from the fetch body (EventSource cannot send headers). Every
 * event of one network chunk gets that chunk's receive time.
 */
export class SseStreamClient {
  /** Resolves when the response headers arrived with 200 (the relay subscription is in place). */
  readonly opened: Promise<void>;
  /** Resolves when the body ends or is aborted. */
  readonly closed: Promise<void>;
  error: string | undefined;
  isClosed = false;
  readonly #abort = new AbortController();

  constructor(url: string, accessToken: string, lastEventId: number, onEvents: EventsHandler) {
    let resolveOpened: () => void = () => undefined;
    let rejectOpened: (error: Error) => void = () => undefined;
    this.opened = new Promise((resolve, reject) => {
      resolveOpened = resolve;
      rejectOpened = reject;
    });
    this.opened.catch(() => undefined);
    this.closed = (async () => {
      try {
        const response = await fetch(url, {
          headers: {
            authorization: `Bearer ${accessToken}`,
            accept: "text/event-stream",
            "last-event-id": String(lastEventId),
          },
          signal: this.#abort.signal,
        });
        if (!response.ok || !response.body) {
          throw new Error(`events answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
        }
        resolveOpened();
        await this.#read(response.body, onEvents);
      } catch (error) {
        if (!this.#abort.signal.aborted) this.error = error instanceof Error ? error.message : String(error);
        rejectOpened(error instanceof Error ? error : new Error(String(error)));
      } finally {
        this.isClosed = true;
      }
    })();
  }

  close(): void {
    this.#abort.abort();
  }

  async #read(body: ReadableStream<Uint8Array>, onEvents: EventsHandler): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of body) {
      const receivedAt = Date.now();
      buffer += decoder.decode(chunk, { stream: true });
      const end = buffer.lastIndexOf("\n\n");
      if (end < 0) continue;
      const complete = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const events: StreamEvent[] = [];
      for (const block of complete.split("\n\n")) {
        let name = "message";
        let data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("data:")) data += line.slice(line.startsWith("data: ") ? 6 : 5);
          else if (line.startsWith("event:")) name = line.slice(6).trim();
        }
        if (name === "reset") this.error = `reset: ${data}`;
        else if (data) events.push(JSON.parse(data) as StreamEvent);
      }
      if (events.length > 0) onEvents(events, receivedAt);
    }
  }
}
