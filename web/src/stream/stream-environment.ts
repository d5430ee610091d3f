/**
 * Everything the stream needs from the browser, behind one interface so tests can drive sockets, timers,
 * the network state and page lifecycle events by hand.
 */

/** The subset of the browser `WebSocket` the stream uses. */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type PageEvent = "online" | "offline" | "visibilitychange" | "pageshow" | "pagehide";

export interface StreamEnvironment {
  openSocket(url: string, protocols: string[]): SocketLike;
  /** Subscribes to a page lifecycle or network event; returns the unsubscribe function. */
  listen(type: PageEvent, listener: () => void): () => void;
  isOnline(): boolean;
  isVisible(): boolean;
  now(): number;
  random(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export function browserEnvironment(): StreamEnvironment {
  return {
    openSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike,
    listen(type, listener) {
      const target: EventTarget = type === "visibilitychange" ? document : window;
      target.addEventListener(type, listener);
      return () => target.removeEventListener(type, listener);
    },
    isOnline: () => navigator.onLine !== false,
    isVisible: () => document.visibilityState === "visible",
    now: () => Date.now(),
    random: () => Math.random(),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    setInterval: (callback, ms) => setInterval(callback, ms),
    clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
  };
}

/** `ws(s)://<this host>/api/v1/conversations/:id/stream?after=N`. */
export function streamUrl(
  conversationId: string,
  after: number,
  location: Location = window.location,
): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/api/v1/conversations/${encodeURIComponent(conversationId)}/stream?after=${after}`;
}
