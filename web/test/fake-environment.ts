import type { PageEvent, SocketLike, StreamEnvironment } from "../src/stream/stream-environment.ts";

/** A WebSocket double that records what the stream does and lets a test play the server. */
export class FakeSocket implements SocketLike {
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  readonly sent: unknown[] = [];
  closedWith: { code?: number; reason?: string } | null = null;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}

  get after(): number {
    return Number(new URL(this.url).searchParams.get("after"));
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }

  // Server side
  open(): void {
    this.onopen?.({});
  }

  frame(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === "string" ? frame : JSON.stringify(frame) });
  }

  serverClose(code: number): void {
    this.onclose?.({ code });
  }
}

interface Timer {
  id: number;
  at: number;
  callback: () => void;
  every?: number;
}

/** Manual clock, timers, network state and page events. */
export class FakeEnvironment implements StreamEnvironment {
  sockets: FakeSocket[] = [];
  online = true;
  visible = true;
  clock = 0;
  randomValue = 0.5;
  #timers: Timer[] = [];
  #nextId = 1;
  #listeners = new Map<PageEvent, Set<() => void>>();

  get socket(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error("no socket opened yet");
    return socket;
  }

  openSocket(url: string, protocols: string[]): SocketLike {
    const socket = new FakeSocket(url, protocols);
    this.sockets.push(socket);
    return socket;
  }

  listen(type: PageEvent, listener: () => void): () => void {
    const set = this.#listeners.get(type) ?? new Set();
    set.add(listener);
    this.#listeners.set(type, set);
    return () => set.delete(listener);
  }

  emit(type: PageEvent): void {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) listener();
  }

  listenerCount(): number {
    let count = 0;
    for (const set of this.#listeners.values()) count += set.size;
    return count;
  }

  isOnline = () => this.online;
  isVisible = () => this.visible;
  now = () => this.clock;
  random = () => this.randomValue;

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.#nextId++, at: this.clock + ms, callback };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  setInterval(callback: () => void, ms: number): unknown {
    const timer = { id: this.#nextId++, at: this.clock + ms, callback, every: ms };
    this.#timers.push(timer);
    return timer.id;
  }

  clearInterval(handle: unknown): void {
    this.clearTimeout(handle);
  }

  /** Pending one-shot timer delays from now (the reconnect schedule, the watchdog). */
  pendingDelays(): number[] {
    return this.#timers.filter((t) => t.every === undefined).map((t) => t.at - this.clock);
  }

  /** Moves the clock forward, firing due timers in order, and lets promises settle in between. */
  async advance(ms: number): Promise<void> {
    const end = this.clock + ms;
    for (;;) {
      await flush();
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.clock = due.at;
      if (due.every === undefined) this.#timers = this.#timers.filter((t) => t !== due);
      else due.at += due.every;
      due.callback();
    }
    this.clock = end;
    await flush();
  }
}

/** Lets pending promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
