import {
  BEARER_SUBPROTOCOL_PREFIX,
  type ClientFrame,
  ServerFrame,
  STREAM_SUBPROTOCOL,
  type StreamEvent,
} from "@switchboard/protocol";
import {
  attemptAfterClose,
  backoffDelay,
  CloseCode,
  CONNECT_TIMEOUT_MS,
  type ConnectionStatus,
  closeAction,
  connectionStatus,
  errorFrameAction,
  PING_INTERVAL_MS,
  PROBE_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  SILENCE_TIMEOUT_MS,
  shouldForceRefresh,
  wakeAction,
} from "./reconnect-policy.ts";
import { browserEnvironment, type SocketLike, type StreamEnvironment } from "./stream-environment.ts";

export interface StreamProblem {
  code: string;
  message: string;
}

export interface ConversationStreamOptions {
  /** The socket URL resuming after `after` (the last seq this client has applied). */
  url: (after: number) => string;
  /** Seq to resume after on the first connect: the `cursor` of `GET /messages`. */
  after: number;
  /**
   * A usable access token. The API client refreshes it when `forceRefresh` is set or it is near expiry.
   * Resolves to null when the user is signed out (the stream then stops); rejects on network trouble.
   */
  getAccessToken: (options: { forceRefresh: boolean }) => Promise<string | null>;
  /** New events, contiguous and in seq order, each delivered exactly once. */
  onEvents: (events: StreamEvent[]) => void;
  /**
   * The server cannot resume from our seq (old events were pruned). Reload the messages, replace the
   * state, and resolve with their `cursor`; the stream then resumes after it.
   */
  onReset: (resumeAfter: number) => Promise<number>;
  onStatus: (status: ConnectionStatus) => void;
  /** An `error` frame or a close the stream cannot recover from (then it stops). */
  onProblem?: (problem: StreamProblem, fatal: boolean) => void;
  environment?: StreamEnvironment;
}

type Phase = "idle" | "connecting" | "open" | "waiting" | "resetting" | "stopped";

/**
 * The live stream of one conversation over a WebSocket. It keeps itself connected: after any loss it
 * reconnects with exponential backoff and full jitter, and at once when the page comes back online,
 * becomes visible or is restored from the back/forward cache. It always resumes after the last seq it
 * delivered, so nothing is shown twice or skipped.
 */
export class ConversationStream {
  readonly #options: ConversationStreamOptions;
  readonly #env: StreamEnvironment;
  #phase: Phase = "idle";
  #socket: SocketLike | null = null;
  #lastSeq: number;
  /** Bumped whenever an attempt is superseded, so late async results of older attempts are ignored. */
  #generation = 0;
  #attempt = 0;
  #failuresSinceOpen = 0;
  #handshakeFailures = 0;
  #everOpened = false;
  #forceRefresh = false;
  #consecutiveResets = 0;
  #pendingReset: number | null = null;
  #openedAt: number | null = null;
  #lastFrameAt = 0;
  #status: ConnectionStatus | null = null;
  #retryTimer: unknown = null;
  #watchdogTimer: unknown = null;
  #pingTimer: unknown = null;
  #unlisten: Array<() => void> = [];

  constructor(options: ConversationStreamOptions) {
    this.#options = options;
    this.#env = options.environment ?? browserEnvironment();
    this.#lastSeq = options.after;
  }

  /** The last seq delivered through `onEvents` (or set by a reset). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  start(): void {
    if (this.#phase !== "idle") return;
    const env = this.#env;
    this.#unlisten = [
      env.listen("online", () => this.#wake(true)),
      env.listen("offline", () => this.#onOffline()),
      env.listen("visibilitychange", () => {
        if (env.isVisible()) this.#wake(false);
      }),
      env.listen("pageshow", () => this.#wake(false)),
      env.listen("pagehide", () => this.#suspend()),
    ];
    void this.#connect();
  }

  /** Closes the socket and stops for good. */
  stop(): void {
    if (this.#phase === "stopped") return;
    this.#phase = "stopped";
    this.#generation++;
    for (const unlisten of this.#unlisten) unlisten();
    this.#unlisten = [];
    this.#clearRetry();
    this.#dropSocket(CloseCode.normal, "client closed");
  }

  // ---- connecting ---------------------------------------------------------------------------------

  async #connect(): Promise<void> {
    if (this.#phase === "stopped") return;
    this.#clearRetry();
    if (this.#pendingReset !== null) {
      await this.#reset(this.#pendingReset);
      return;
    }
    const generation = ++this.#generation;
    this.#phase = "connecting";
    this.#publishStatus();

    let token: string | null;
    try {
      token = await this.#withTimeout(this.#options.getAccessToken({ forceRefresh: this.#forceRefresh }));
    } catch {
      if (generation !== this.#generation) return;
      this.#failuresSinceOpen++;
      this.#scheduleReconnect();
      return;
    }
    if (generation !== this.#generation) return;
    this.#forceRefresh = false;
    if (token === null) {
      this.#fail({ code: "unauthorized", message: "You are signed out." });
      return;
    }

    let socket: SocketLike;
    try {
      socket = this.#env.openSocket(this.#options.url(this.#lastSeq), [
        STREAM_SUBPROTOCOL,
        BEARER_SUBPROTOCOL_PREFIX + token,
      ]);
    } catch {
      this.#failuresSinceOpen++;
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    this.#openedAt = null;
    socket.onopen = () => {
      if (this.#socket === socket) this.#onOpen();
    };
    socket.onmessage = (event) => {
      if (this.#socket === socket) this.#onMessage(event.data);
    };
    socket.onclose = (event) => {
      if (this.#socket === socket) this.#onClose(event.code);
    };
    // Errors are always followed by a close event, which is where recovery happens.
    socket.onerror = () => {};
    this.#armWatchdog(CONNECT_TIMEOUT_MS);
  }

  #onOpen(): void {
    this.#phase = "open";
    this.#everOpened = true;
    this.#openedAt = this.#env.now();
    this.#lastFrameAt = this.#openedAt;
    this.#failuresSinceOpen = 0;
    this.#handshakeFailures = 0;
    this.#armWatchdog(SILENCE_TIMEOUT_MS);
    this.#pingTimer = this.#env.setInterval(() => this.#send({ kind: "ping" }), PING_INTERVAL_MS);
    this.#publishStatus();
  }

  #onMessage(data: unknown): void {
    this.#lastFrameAt = this.#env.now();
    this.#armWatchdog(SILENCE_TIMEOUT_MS);
    if (typeof data !== "string") return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerFrame.safeParse(json);
    // Frames of a newer protocol revision may appear; skipping them keeps old tabs working.
    if (!parsed.success) return;
    const frame = parsed.data;
    switch (frame.kind) {
      case "events":
        this.#deliver(frame.events);
        return;
      case "reset":
        void this.#reset(frame.resumeAfter);
        return;
      case "error":
        this.#onErrorFrame({ code: frame.code, message: frame.message });
        return;
      case "pong":
        return;
    }
  }

  #deliver(events: readonly StreamEvent[]): void {
    const fresh: StreamEvent[] = [];
    let gap = false;
    for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
      if (event.seq <= this.#lastSeq) continue;
      if (event.seq !== this.#lastSeq + 1) {
        // The server promises a gap-free sequence; a hole means we missed something, so rebuild.
        gap = true;
        break;
      }
      fresh.push(event);
      this.#lastSeq = event.seq;
    }
    if (fresh.length > 0) {
      this.#consecutiveResets = 0;
      this.#options.onEvents(fresh);
    }
    if (gap) void this.#reset(this.#lastSeq);
  }

  #onErrorFrame(problem: StreamProblem): void {
    const action = errorFrameAction(problem.code);
    if (action === "stop") {
      this.#fail(problem);
      return;
    }
    this.#options.onProblem?.(problem, false);
    if (action === "refresh-and-reconnect") {
      this.#forceRefresh = true;
      this.#dropSocket(CloseCode.normal, "reauthenticating");
      this.#scheduleReconnect();
    }
  }

  #onClose(code: number): void {
    const openFor = this.#openedAt === null ? null : this.#env.now() - this.#openedAt;
    this.#dropSocket(null, "");
    if (openFor === null) this.#handshakeFailures++;
    this.#failuresSinceOpen = openFor === null ? this.#failuresSinceOpen + 1 : 0;
    this.#attempt = attemptAfterClose(this.#attempt, openFor);
    const action = closeAction(code);
    if (action === "stop") {
      this.#fail({ code: "forbidden", message: "This conversation is not available to you." });
      return;
    }
    if (action === "reset") {
      // Normally the `reset` frame comes first and this socket is already dropped; without it, reload anyway.
      void this.#reset(this.#lastSeq);
      return;
    }
    if (
      shouldForceRefresh({
        closeCode: code,
        handshakeFailures: this.#handshakeFailures,
        online: this.#env.isOnline(),
      })
    ) {
      this.#forceRefresh = true;
    }
    this.#scheduleReconnect();
  }

  // ---- reset ----------------------------------------------------------------------------------

  async #reset(resumeAfter: number): Promise<void> {
    if (this.#phase === "stopped") return;
    const generation = ++this.#generation;
    this.#clearRetry();
    this.#dropSocket(CloseCode.normal, "resetting");
    this.#phase = "resetting";
    this.#pendingReset = resumeAfter;
    this.#publishStatus();
    let cursor: number;
    try {
      cursor = await this.#withTimeout(this.#options.onReset(resumeAfter));
    } catch {
      if (generation !== this.#generation) return;
      // Keep the reset pending: the next attempt reloads the messages again before connecting.
      this.#failuresSinceOpen++;
      this.#scheduleReconnect();
      return;
    }
    if (generation !== this.#generation) return;
    this.#pendingReset = null;
    this.#lastSeq = cursor;
    this.#consecutiveResets++;
    // A server that keeps answering `reset` must not be hit in a tight loop.
    if (this.#consecutiveResets > 1) this.#scheduleReconnect();
    else void this.#connect();
  }

  // ---- waking, sleeping, going offline ---------------------------------------------------------------

  #wake(networkReturned: boolean): void {
    if (this.#phase === "stopped" || this.#phase === "idle") return;
    if (networkReturned) {
      // Earlier failures were the network's fault; start the schedule and the status afresh.
      this.#attempt = 0;
      this.#failuresSinceOpen = 0;
      this.#publishStatus();
    }
    if (this.#phase === "connecting" || this.#phase === "resetting") return;
    const action = wakeAction({
      socketOpen: this.#phase === "open",
      msSinceLastFrame: this.#env.now() - this.#lastFrameAt,
    });
    if (action === "probe") {
      this.#send({ kind: "ping" });
      this.#armWatchdog(PROBE_TIMEOUT_MS);
      return;
    }
    if (this.#phase === "open") this.#dropSocket(CloseCode.clientStale, "stale after wake");
    void this.#connect();
  }

  #onOffline(): void {
    if (this.#phase === "open") {
      // The socket may already be dead; find out quickly instead of in a minute.
      this.#send({ kind: "ping" });
      this.#armWatchdog(PROBE_TIMEOUT_MS);
    }
    this.#publishStatus();
  }

  /** The page is being hidden or frozen into the back/forward cache: an open socket would keep it out. */
  #suspend(): void {
    if (this.#phase === "stopped" || this.#phase === "idle" || this.#phase === "resetting") return;
    this.#generation++;
    this.#clearRetry();
    this.#dropSocket(CloseCode.goingAway, "page hidden");
    this.#phase = "waiting";
    this.#publishStatus();
  }

  // ---- plumbing -----------------------------------------------------------------------------------

  #scheduleReconnect(): void {
    if (this.#phase === "stopped") return;
    this.#clearRetry();
    this.#phase = "waiting";
    const delay = backoffDelay(this.#attempt, this.#env.random);
    this.#attempt++;
    this.#retryTimer = this.#env.setTimeout(() => {
      this.#retryTimer = null;
      void this.#connect();
    }, delay);
    this.#publishStatus();
  }

  #fail(problem: StreamProblem): void {
    this.#options.onProblem?.(problem, true);
    this.stop();
    this.#publishStatus();
  }

  #send(frame: ClientFrame): void {
    try {
      this.#socket?.send(JSON.stringify(frame));
    } catch {
      // A socket that cannot send is dead; its close event (or the watchdog) takes it from here.
    }
  }

  #armWatchdog(ms: number): void {
    if (this.#watchdogTimer !== null) this.#env.clearTimeout(this.#watchdogTimer);
    this.#watchdogTimer = this.#env.setTimeout(() => {
      this.#watchdogTimer = null;
      if (this.#socket === null) return;
      const openFor = this.#openedAt === null ? null : this.#env.now() - this.#openedAt;
      if (openFor === null) {
        this.#handshakeFailures++;
        this.#failuresSinceOpen++;
      }
      this.#attempt = attemptAfterClose(this.#attempt, openFor);
      this.#dropSocket(CloseCode.clientStale, "silent");
      this.#scheduleReconnect();
    }, ms);
  }

  /** Forgets the current socket (its late events are ignored) and closes it. */
  #dropSocket(code: number | null, reason: string): void {
    if (this.#watchdogTimer !== null) this.#env.clearTimeout(this.#watchdogTimer);
    this.#watchdogTimer = null;
    if (this.#pingTimer !== null) this.#env.clearInterval(this.#pingTimer);
    this.#pingTimer = null;
    const socket = this.#socket;
    this.#socket = null;
    this.#openedAt = null;
    if (!socket) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = null;
    if (code !== null) {
      try {
        socket.close(code, reason);
      } catch {
        // Already closed.
      }
    }
  }

  /**
   * Bounds a request made on the way to a socket (token refresh, message reload): a fetch caught by a
   * phone going to sleep can hang for minutes, and the stream must not hang with it.
   */
  #withTimeout<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.#env.setTimeout(() => reject(new Error("timed out")), REQUEST_TIMEOUT_MS);
      promise.then(
        (value) => {
          this.#env.clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          this.#env.clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  #clearRetry(): void {
    if (this.#retryTimer !== null) this.#env.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #publishStatus(): void {
    const status =
      this.#phase === "stopped"
        ? "offline"
        : connectionStatus({
            open: this.#phase === "open",
            online: this.#env.isOnline(),
            failuresSinceOpen: this.#failuresSinceOpen,
            everOpened: this.#everOpened,
          });
    if (status === this.#status) return;
    this.#status = status;
    this.#options.onStatus(status);
  }
}
