/**
 * Pure decisions of the conversation stream: how long to wait before reconnecting, when to refresh the
 * token, what to do when the page wakes up, and which status to show. Kept free of timers and sockets so
 * they can be unit-tested exhaustively.
 */

export type ConnectionStatus = "connecting" | "live" | "reconnecting" | "offline";

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 10_000;
export const PING_INTERVAL_MS = 25_000;
/** No frame at all (not even a pong) for this long means the socket is dead even if it looks open. */
export const SILENCE_TIMEOUT_MS = 60_000;
/** A handshake that hangs (captive portals, half-dead mobile links) is abandoned after this long. */
export const CONNECT_TIMEOUT_MS = 15_000;
/** A token refresh or message reload on the way to reconnecting is abandoned (and retried) after this long. */
export const REQUEST_TIMEOUT_MS = 20_000;
/** After waking up with a recently active socket we ping and give it this long to answer. */
export const PROBE_TIMEOUT_MS = 5_000;
/** A connection that stayed open this long was healthy: the next failure starts the backoff from scratch. */
export const STABLE_CONNECTION_MS = 10_000;
/** After this many failed attempts in a row we stop saying "reconnecting" and admit we are offline. */
export const OFFLINE_AFTER_FAILURES = 5;
/** The handshake of a browser WebSocket hides HTTP 401; after this many refused handshakes in a row we refresh. */
export const REFRESH_AFTER_HANDSHAKE_FAILURES = 3;
/** Refresh the access token when it expires within this margin, so a reconnect never sends a stale one. */
export const TOKEN_REFRESH_MARGIN_MS = 30_000;

/** Close codes the server uses on the conversation socket (4xxx are application codes). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  serviceRestart: 1012,
  authExpired: 4401,
  forbidden: 4403,
  notFound: 4404,
  reset: 4409,
  /** Sent by this client when it abandons a silent or hanging socket. */
  clientStale: 4000,
} as const;

/**
 * Exponential backoff with full jitter: a uniformly random delay in [0, min(cap, base·2^attempt)).
 * Full jitter spreads a whole fleet of clients reconnecting after a deploy instead of synchronising them.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(attempt, 30)));
  return Math.floor(random() * ceiling);
}

/**
 * The backoff attempt to use after a socket closed, given how long it had been open (null: it never
 * opened). A long healthy connection starts the schedule afresh; a socket that opens and dies at once
 * (a crash loop) keeps climbing, so the server is not hammered.
 */
export function attemptAfterClose(attempt: number, openForMs: number | null): number {
  if (openForMs !== null && openForMs >= STABLE_CONNECTION_MS) return 0;
  return attempt;
}

export type CloseAction = "reconnect" | "refresh-and-reconnect" | "reset" | "stop";

/** What a close from the server means. Anything unknown (deploys, crashes, network loss) is worth a retry. */
export function closeAction(code: number): CloseAction {
  switch (code) {
    case CloseCode.authExpired:
      return "refresh-and-reconnect";
    case CloseCode.forbidden:
    case CloseCode.notFound:
      return "stop";
    case CloseCode.reset:
      return "reset";
    default:
      return "reconnect";
  }
}

export type ErrorFrameAction = "refresh-and-reconnect" | "stop" | "report";

/** What an `error` frame means for the connection (the server closes the socket itself when it must). */
export function errorFrameAction(code: string): ErrorFrameAction {
  if (code === "unauthorized") return "refresh-and-reconnect";
  if (code === "forbidden" || code === "not_found") return "stop";
  return "report";
}

/**
 * Whether to force a token refresh before the next attempt. The server may refuse the handshake with
 * HTTP 401, which browsers report as an anonymous failure, so repeated refused handshakes while the
 * network is up also earn a refresh (at most once per few failures, so a down server is not hammered).
 */
export function shouldForceRefresh(input: {
  closeCode: number | null;
  handshakeFailures: number;
  online: boolean;
}): boolean {
  if (input.closeCode !== null && closeAction(input.closeCode) === "refresh-and-reconnect") return true;
  return (
    input.online &&
    input.handshakeFailures > 0 &&
    input.handshakeFailures % REFRESH_AFTER_HANDSHAKE_FAILURES === 0
  );
}

/** Whether an access token must be refreshed before use. Unknown expiry means "trust it until refused". */
export function tokenNeedsRefresh(expiresAtMs: number | undefined, nowMs: number): boolean {
  if (expiresAtMs === undefined) return false;
  return expiresAtMs - nowMs <= TOKEN_REFRESH_MARGIN_MS;
}

export type WakeAction = "keep" | "probe" | "reconnect-now";

/**
 * What to do when the page tells us the world may have changed (online, visible again, restored from
 * the back/forward cache). A phone that slept for 30 minutes keeps a socket object that looks open
 * but whose connection is long gone, so a socket silent for longer than a ping interval is replaced
 * at once; a recently active one is only probed, to avoid needless reconnects on every tab switch.
 */
export function wakeAction(input: { socketOpen: boolean; msSinceLastFrame: number }): WakeAction {
  if (!input.socketOpen) return "reconnect-now";
  if (input.msSinceLastFrame > PING_INTERVAL_MS + PROBE_TIMEOUT_MS) return "reconnect-now";
  return "probe";
}

/** The status to show for the connection's current situation. */
export function connectionStatus(input: {
  open: boolean;
  online: boolean;
  failuresSinceOpen: number;
  everOpened: boolean;
}): ConnectionStatus {
  if (input.open) return "live";
  if (!input.online) return "offline";
  if (input.failuresSinceOpen >= OFFLINE_AFTER_FAILURES) return "offline";
  return input.everOpened ? "reconnecting" : "connecting";
}
