import { McpHttpError, RpcCode } from "./errors.ts";
import type { Logger } from "./log.ts";

/** Who a session belongs to: only a token with the same user and server may use it. */
export interface SessionOwner {
  /** The verified user. */
  sub: string;
  /** The platform's MCP server id. */
  srv: string;
  /** `team:<id>` or `user:<id>`: whose directory the session works in. */
  own: string;
}

/** One MCP Streamable HTTP session: a bridged stdio child, or an in-process workspace server. */
export interface McpSession {
  readonly id: string;
  readonly kind: "stdio" | "workspace";
  readonly catalogId: string;
  readonly owner: SessionOwner;
  /** The child process of a stdio session. */
  readonly pid?: number | undefined;
  /** True once close() has started. */
  readonly closed: boolean;
  /** Requests are in flight: a long tool call keeps its session alive past the idle timeout. */
  busy(): boolean;
  /** Serves one HTTP request of the session (POST, GET or DELETE). */
  handle(request: Request, options?: { parsedBody?: unknown }): Promise<Response>;
  /** Ends the session: closes its streams and, for stdio, kills the child. Idempotent. */
  close(reason: string): Promise<void>;
}

export interface SessionSummary {
  id: string;
  kind: McpSession["kind"];
  catalogId: string;
  own: string;
  pid?: number | undefined;
  idleMs: number;
}

export interface SessionRegistryOptions {
  /** Open sessions one owner may hold (pending ones count). */
  maxPerOwner: number;
  /** A session without requests for this long is closed. */
  idleMs: number;
  log: Logger;
}

/** A slot taken before a session is created, so concurrent initializes cannot overrun the cap. */
export interface Reservation {
  commit(session: McpSession): void;
  release(): void;
}

/**
 * Every open session of the host, with the per-owner cap and the idle reaper.
 * @example
 * const slot = registry.reserve(claims.own); // 429 McpHttpError when the owner is at the cap
 * try { slot.commit(await createSession()); } catch (e) { slot.release(); throw e; }
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, { session: McpSession; lastActive: number }>();
  private readonly pending = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: SessionRegistryOptions) {
    // A quarter of the timeout keeps the overshoot small without waking up often for long timeouts.
    const every = Math.max(25, Math.min(options.idleMs / 4, 30_000));
    this.sweeper = setInterval(() => this.reapIdle(), every);
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  reserve(own: string): Reservation {
    const open = [...this.sessions.values()].filter((s) => s.session.owner.own === own).length;
    const pending = this.pending.get(own) ?? 0;
    if (open + pending >= this.options.maxPerOwner) {
      throw new McpHttpError(
        429,
        RpcCode.serverError,
        `Too many MCP sessions: ${own} already has ${this.options.maxPerOwner} open. ` +
          "Close one (HTTP DELETE) or wait until an idle one expires.",
        { "retry-after": String(Math.ceil(this.options.idleMs / 1000)) },
      );
    }
    this.pending.set(own, pending + 1);
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      const left = (this.pending.get(own) ?? 1) - 1;
      if (left > 0) this.pending.set(own, left);
      else this.pending.delete(own);
      return true;
    };
    return {
      commit: (session) => {
        if (settle() && !session.closed) this.sessions.set(session.id, { session, lastActive: Date.now() });
      },
      release: () => {
        settle();
      },
    };
  }

  get(id: string): McpSession | undefined {
    return this.sessions.get(id)?.session;
  }

  /** Marks activity; called when a request starts and when its response is ready. */
  touch(id: string): void {
    const entry = this.sessions.get(id);
    if (entry) entry.lastActive = Date.now();
  }

  /** Forgets a session that closed (the session calls this itself, whatever closed it). */
  remove(id: string): void {
    this.sessions.delete(id);
  }

  list(): SessionSummary[] {
    const now = Date.now();
    return [...this.sessions.values()].map(({ session, lastActive }) => ({
      id: session.id,
      kind: session.kind,
      catalogId: session.catalogId,
      own: session.owner.own,
      pid: session.pid,
      idleMs: now - lastActive,
    }));
  }

  async closeAll(reason: string): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.sessions.values()].map(({ session }) => session);
    this.sessions.clear();
    await Promise.allSettled(all.map((session) => session.close(reason)));
  }

  private reapIdle(): void {
    const now = Date.now();
    for (const [id, entry] of this.sessions) {
      if (entry.session.busy()) {
        entry.lastActive = now;
        continue;
      }
      if (now - entry.lastActive < this.options.idleMs) continue;
      this.sessions.delete(id);
      this.options.log.info("mcp session idle, closing", { session: id, catalog: entry.session.catalogId });
      entry.session.close("idle timeout").catch((error: unknown) => {
        this.options.log.error("closing an idle session failed", { session: id, error });
      });
    }
  }
}
