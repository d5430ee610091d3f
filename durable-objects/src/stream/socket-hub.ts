import type { ServerFrame, StreamEvent } from "@switchboard/protocol";

/** About one frame per animation frame: a fast provider must not flood a phone with tiny frames. */
export const FRAME_INTERVAL_MS = 16;
/** Catch-up is sent in chunks so one frame never gets huge. */
const CATCH_UP_CHUNK = 500;

export interface HubSocket {
  readonly id: string;
  send(message: string): void;
}

/**
 * Fans events out to a conversation's WebSockets, coalesced into one `events` frame per interval
 * (serialised once for all sockets). A socket that is still catching up receives nothing live until
 * its catch-up is done; from then on it receives exactly the events after the last one it was sent.
 */
export class SocketHub<S extends HubSocket> {
  #outbox: StreamEvent[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastFrameAt = 0;
  /** Sockets still catching up: excluded from live frames. */
  readonly #catchingUp = new Set<string>();
  /** Last seq a freshly caught-up socket was sent, until the next live frame has been filtered for it. */
  readonly #sentUpTo = new Map<string, number>();
  readonly #sockets: () => Iterable<S>;

  constructor(sockets: () => Iterable<S>) {
    this.#sockets = sockets;
  }

  /**
   * Leading-edge throttle: an event that arrives when no frame went out in the last interval is sent at
   * once (a slow stream costs one wake-up per token, not two, and no added delay); events that arrive
   * faster are gathered into the next frame.
   */
  publish(event: StreamEvent): void {
    this.#outbox.push(event);
    if (this.#timer) return;
    const sinceLastFrame = Date.now() - this.#lastFrameAt;
    if (sinceLastFrame >= FRAME_INTERVAL_MS) {
      this.flush();
      return;
    }
    this.#timer = setTimeout(() => this.flush(), FRAME_INTERVAL_MS - sinceLastFrame);
  }

  beginCatchUp(socket: S): void {
    this.#catchingUp.add(socket.id);
  }

  /** Sends a chunk of catch-up events to one socket. */
  sendCatchUp(socket: S, events: readonly StreamEvent[]): void {
    for (let i = 0; i < events.length; i += CATCH_UP_CHUNK) {
      send(socket, { kind: "events", events: events.slice(i, i + CATCH_UP_CHUNK) });
    }
  }

  /** The socket has been sent everything up to `sentSeq`; it joins the live frames from there. */
  endCatchUp(socket: S, sentSeq: number): void {
    this.#catchingUp.delete(socket.id);
    if (this.#outbox.length > 0) this.#sentUpTo.set(socket.id, sentSeq);
  }

  forget(socketId: string): void {
    this.#catchingUp.delete(socketId);
    this.#sentUpTo.delete(socketId);
  }

  /** Sends the pending live frame now. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const events = this.#outbox;
    if (events.length === 0) return;
    this.#outbox = [];
    this.#lastFrameAt = Date.now();
    const frame = JSON.stringify({ kind: "events", events } satisfies ServerFrame);
    for (const socket of this.#sockets()) {
      if (this.#catchingUp.has(socket.id)) continue;
      const sentUpTo = this.#sentUpTo.get(socket.id);
      if (sentUpTo === undefined) {
        trySend(socket, frame);
        continue;
      }
      const unseen = events.filter((e) => e.seq > sentUpTo);
      if (unseen.length > 0) send(socket, { kind: "events", events: unseen });
    }
    this.#sentUpTo.clear();
  }
}

export function send(socket: HubSocket, frame: ServerFrame): void {
  trySend(socket, JSON.stringify(frame));
}

function trySend(socket: HubSocket, message: string): void {
  try {
    socket.send(message);
  } catch {
    // A socket that is closing throws; it will be cleaned up by its close handler and resume on reconnect.
  }
}
