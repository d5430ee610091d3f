import {
  BEARER_SUBPROTOCOL_PREFIX,
  type ServerFrame,
  STREAM_SUBPROTOCOL,
  type StreamEvent,
} from "@switchboard/protocol";

export type EventsHandler = (events: readonly StreamEvent[], receivedAt: number) => void;

/**
 * A conversation stream over WebSocket, opened the way the browser dashboard opens it: the access token
 * as the `bearer.<token>` subprotocol next to `switchboard.v1` (Node 22's global WebSocket, no library).
 * The receive time is taken before parsing, so the client's own JSON work is not billed to the server.
 */
export class WsStreamClient {
  readonly socket: WebSocket;
  readonly opened: Promise<void>;
  /** Resolves when the socket closes, for whatever reason. */
  readonly closed: Promise<void>;
  closeCode: number | undefined;
  isClosed = false;
  error: string | undefined;

  constructor(url: string, accessToken: string, onEvents: EventsHandler) {
    this.socket = new WebSocket(url, [STREAM_SUBPROTOCOL, `${BEARER_SUBPROTOCOL_PREFIX}${accessToken}`]);
    this.opened = new Promise((resolve, reject) => {
      this.socket.addEventListener("open", () => resolve(), { once: true });
      this.socket.addEventListener("close", (e) => reject(new Error(`closed before open (${e.code})`)), {
        once: true,
      });
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => {
      this.socket.addEventListener("close", (e) => {
        this.closeCode = e.code;
        this.isClosed = true;
        resolve();
      });
    });
    this.socket.addEventListener("error", () => {
      this.error ??= "websocket error";
    });
    this.socket.addEventListener("message", (message) => {
      const receivedAt = Date.now();
      const frame = JSON.parse(String(message.data)) as ServerFrame;
      if (frame.kind === "events") onEvents(frame.events, receivedAt);
      else if (frame.kind === "error" || frame.kind === "reset") this.error = JSON.stringify(frame);
    });
  }

  close(): void {
    try {
      this.socket.close(1000, "done");
    } catch {
      // Already closed.
    }
  }
}
