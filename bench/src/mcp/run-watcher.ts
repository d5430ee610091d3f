import type { StreamEvent } from "@switchboard/protocol";
import type { ApiClient } from "../api-client.ts";
import { withTimeout } from "../limits.ts";
import { WsStreamClient } from "../ws-client.ts";

/** When this client saw a run's milestones (performance.now(), milliseconds). */
export interface RunTimes {
  started?: number;
  firstToken?: number;
  ended?: number;
  failed?: string;
  toolResults: number;
}

const RUN_TIMEOUT_MS = 60_000;

/**
 * One conversation's live stream over WebSocket, opened once and kept, so a run's events are seen as
 * they happen. Events are filed by run id: they can arrive before the POST that started the run has
 * answered.
 */
export class RunWatcher {
  readonly #runs = new Map<string, RunTimes>();
  readonly #waiters = new Map<string, () => void>();
  readonly #client: WsStreamClient;

  private constructor(api: ApiClient, conversationId: string) {
    this.#client = new WsStreamClient(api.streamUrl(conversationId, 0), api.accessToken, (events) => {
      const now = performance.now();
      for (const event of events) this.#note(event, now);
    });
  }

  static async open(api: ApiClient, conversationId: string): Promise<RunWatcher> {
    const watcher = new RunWatcher(api, conversationId);
    await watcher.#client.opened;
    return watcher;
  }

  #note(event: StreamEvent, now: number): void {
    if (!("runId" in event) || typeof event.runId !== "string") return;
    const times = this.#runs.get(event.runId) ?? { toolResults: 0 };
    this.#runs.set(event.runId, times);
    if (event.type === "run.started") times.started ??= now;
    else if (event.type === "token") times.firstToken ??= now;
    else if (event.type === "tool.result") times.toolResults++;
    else if (event.type === "run.completed") times.ended ??= now;
    else if (event.type === "run.failed") {
      times.ended ??= now;
      times.failed = `${event.code}: ${event.message}`;
    }
    if (times.ended !== undefined) this.#waiters.get(event.runId)?.();
  }

  /** Waits for the run to end; throws if it failed, timed out or the stream broke. */
  async finished(runId: string): Promise<RunTimes> {
    if (this.#runs.get(runId)?.ended === undefined) {
      const ended = new Promise<void>((resolve) => this.#waiters.set(runId, resolve));
      const broken = this.#client.closed.then(() => {
        throw new Error(`the stream closed (${this.#client.closeCode}, ${this.#client.error ?? "no error"})`);
      });
      try {
        await withTimeout(Promise.race([ended, broken]), RUN_TIMEOUT_MS, `run ${runId}`);
      } finally {
        this.#waiters.delete(runId);
      }
    }
    const times = this.#runs.get(runId);
    this.#runs.delete(runId);
    if (!times) throw new Error(`run ${runId}: no events`);
    if (times.failed) throw new Error(`run ${runId} failed: ${times.failed}`);
    return times;
  }

  close(): void {
    this.#client.close();
  }
}
