export type Protocol = "openai" | "anthropic";

export interface LoggedToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One answered request, as tests and benchmarks see it through `GET /_log`. */
export interface LogEntry {
  id: string;
  protocol: Protocol;
  model: string;
  scriptId?: string | undefined;
  stepIndex: number;
  stream: boolean;
  /** Tools the request offered the model, by name. */
  offeredTools: string[];
  /** Tool results the request carried since the last user message. */
  toolResults: string[];
  /** The text actually written so far; for an aborted reply, only the part the client was sent. */
  text: string;
  toolCalls: LoggedToolCall[];
  error?: { status: number; message: string } | undefined;
  startedAt: number;
  /** Null while the reply is still being written. */
  finishedAt: number | null;
  aborted: boolean;
  /** Epoch ms at which each text token was written to the socket. */
  tokenTimes: number[];
}

export type NewLogEntry = Pick<
  LogEntry,
  "id" | "protocol" | "model" | "scriptId" | "stepIndex" | "stream" | "offeredTools" | "toolResults"
>;

const CAPACITY = 500;

/** Ring buffer of the most recent replies; entries are live objects the handlers fill in as they write. */
export class ResponseLog {
  readonly #entries: (LogEntry | undefined)[] = new Array(CAPACITY);
  #next = 0;
  #size = 0;

  begin(fields: NewLogEntry): LogEntry {
    const entry: LogEntry = {
      ...fields,
      text: "",
      toolCalls: [],
      startedAt: Date.now(),
      finishedAt: null,
      aborted: false,
      tokenTimes: [],
    };
    this.#entries[this.#next] = entry;
    this.#next = (this.#next + 1) % CAPACITY;
    this.#size = Math.min(this.#size + 1, CAPACITY);
    return entry;
  }

  /** The newest `limit` entries, oldest first. */
  recent(limit = CAPACITY): LogEntry[] {
    const count = Math.max(0, Math.min(limit, this.#size));
    const result: LogEntry[] = [];
    for (let i = count; i >= 1; i--) {
      const entry = this.#entries[(this.#next - i + CAPACITY) % CAPACITY];
      if (entry) result.push(entry);
    }
    return result;
  }

  clear(): void {
    this.#entries.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}
