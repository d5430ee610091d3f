import type { StreamEvent } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { ConversationStream, type StreamProblem } from "../src/stream/conversation-stream.ts";
import {
  BACKOFF_CAP_MS,
  type ConnectionStatus,
  PING_INTERVAL_MS,
  SILENCE_TIMEOUT_MS,
} from "../src/stream/reconnect-policy.ts";
import { completed, runStarted, token, userMessage } from "./events.ts";
import { FakeEnvironment, flush } from "./fake-environment.ts";

function setup(options: { after?: number; resetCursor?: number; token?: () => Promise<string | null> } = {}) {
  const env = new FakeEnvironment();
  const delivered: StreamEvent[][] = [];
  const statuses: ConnectionStatus[] = [];
  const problems: Array<{ problem: StreamProblem; fatal: boolean }> = [];
  const tokenRequests: boolean[] = [];
  const resets: number[] = [];
  let tokenCount = 0;
  const stream = new ConversationStream({
    url: (after) => `ws://app.test/api/v1/conversations/c1/stream?after=${after}`,
    after: options.after ?? 0,
    getAccessToken: async ({ forceRefresh }) => {
      tokenRequests.push(forceRefresh);
      if (options.token) return options.token();
      if (forceRefresh) tokenCount++;
      return `token-${tokenCount}`;
    },
    onEvents: (events) => delivered.push(events),
    onReset: async (resumeAfter) => {
      resets.push(resumeAfter);
      return options.resetCursor ?? resumeAfter;
    },
    onStatus: (status) => statuses.push(status),
    onProblem: (problem, fatal) => problems.push({ problem, fatal }),
    environment: env,
  });
  return { env, stream, delivered, statuses, problems, tokenRequests, resets };
}

const eventsFrame = (...events: StreamEvent[]) => ({ kind: "events", events });

describe("ConversationStream", () => {
  it("opens the socket after the given seq with the subprotocol and bearer token", async () => {
    const { env, stream, statuses } = setup({ after: 41 });
    stream.start();
    await flush();
    expect(env.socket.after).toBe(41);
    expect(env.socket.protocols).toEqual(["switchboard.v1", "bearer.token-0"]);
    expect(statuses).toEqual(["connecting"]);
    env.socket.open();
    expect(statuses).toEqual(["connecting", "live"]);
  });

  it("delivers event batches in order, each event once", async () => {
    const { env, stream, delivered } = setup();
    stream.start();
    await flush();
    env.socket.open();
    env.socket.frame(eventsFrame(userMessage(1, "u1", "Hi"), runStarted(2)));
    env.socket.frame(eventsFrame(runStarted(2), token(3, "a1", "Hel")));
    env.socket.frame(eventsFrame(token(3, "a1", "Hel")));
    expect(delivered.map((batch) => batch.map((e) => e.seq))).toEqual([[1, 2], [3]]);
    expect(stream.lastSeq).toBe(3);
  });

  it("ignores frames it cannot parse (other protocol messages, garbage)", async () => {
    const { env, stream, delivered, problems } = setup();
    stream.start();
    await flush();
    env.socket.open();
    env.socket.frame("not json");
    env.socket.frame({ kind: "presence", who: [] });
    env.socket.frame({ kind: "events", events: [{ type: "mystery", seq: 1 }] });
    env.socket.frame({ kind: "pong" });
    expect(delivered).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("reconnects by itself after a close, resuming after the last seq it delivered", async () => {
    const { env, stream, statuses } = setup();
    stream.start();
    await flush();
    env.socket.open();
    env.socket.frame(eventsFrame(userMessage(1, "u1", "Hi"), runStarted(2), token(3, "a1", "x")));
    env.socket.serverClose(1012); // a deploy
    expect(statuses.at(-1)).toBe("reconnecting");
    expect(env.sockets).toHaveLength(1);
    await env.advance(BACKOFF_CAP_MS);
    expect(env.sockets).toHaveLength(2);
    expect(env.socket.after).toBe(3);
    env.socket.open();
    expect(statuses.at(-1)).toBe("live");
  });

  it("backs off exponentially with jitter while attempts keep failing", async () => {
    const { env, stream } = setup();
    env.randomValue = 0.999;
    stream.start();
    await flush();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      env.socket.serverClose(1006); // handshake refused: never opened
      const delay = env.pendingDelays()[0] ?? -1;
      delays.push(delay);
      await env.advance(delay);
    }
    expect(delays).toEqual([249, 499, 999, 1998, 3996, 7992, 9990, 9990]);
  });

  it("says offline after repeated failures and when the browser goes offline", async () => {
    const { env, stream, statuses } = setup();
    env.randomValue = 0;
    stream.start();
    await flush();
    for (let i = 0; i < 5; i++) {
      env.socket.serverClose(1006);
      await env.advance(0);
    }
    expect(statuses.at(-1)).toBe("offline");
    env.socket.open();
    expect(statuses.at(-1)).toBe("live");
    env.online = false;
    env.socket.serverClose(1006);
    expect(statuses.at(-1)).toBe("offline");
  });

  it("reconnects immediately when the network comes back, skipping the backoff", async () => {
    const { env, stream } = setup();
    env.randomValue = 0.999;
    stream.start();
    await flush();
    env.online = false;
    for (let i = 0; i < 6; i++) {
      env.socket.serverClose(1006);
      await env.advance(BACKOFF_CAP_MS);
    }
    env.socket.serverClose(1006);
    const before = env.sockets.length;
    env.online = true;
    env.emit("online");
    await flush();
    expect(env.sockets.length).toBe(before + 1);
  });

  it("reconnects immediately when a sleeping phone wakes up with a dead-but-open socket", async () => {
    const { env, stream } = setup();
    stream.start();
    await flush();
    env.socket.open();
    env.socket.frame(eventsFrame(userMessage(1, "u1", "Hi")));
    const asleep = env.socket;
    // 30 minutes asleep: timers were frozen, so jump the clock without firing them.
    env.clock += 30 * 60_000;
    env.visible = true;
    env.emit("visibilitychange");
    await flush();
    expect(asleep.closedWith?.code).toBe(4000);
    expect(env.sockets).toHaveLength(2);
    expect(env.socket.after).toBe(1);
  });

  it("reconnects at once on pageshow after pagehide (back/forward cache)", async () => {
    const { env, stream } = setup();
    stream.start();
    await flush();
    env.socket.open();
    env.emit("pagehide");
    expect(env.socket.closedWith?.code).toBe(1001);
    await env.advance(60_000);
    expect(env.sockets).toHaveLength(1);
    env.emit("pageshow");
    await flush();
    expect(env.sockets).toHaveLength(2);
  });

  it("only probes a recently active socket when the tab becomes visible", async () => {
    const { env, stream } = setup();
    stream.start();
    await flush();
    env.socket.open();
    await env.advance(1000);
    env.emit("visibilitychange");
    expect(env.sockets).toHaveLength(1);
    expect(env.socket.sent).toEqual([{ kind: "ping" }]);
    // No answer to the probe within 5 s: the socket is dead.
    await env.advance(5000);
    expect(env.socket.closedWith?.code).toBe(4000);
  });

  it("pings every 25 s and drops a socket that stays silent for 60 s", async () => {
    const { env, stream } = setup();
    stream.start();
    await flush();
    env.socket.open();
    await env.advance(PING_INTERVAL_MS);
    expect(env.socket.sent).toEqual([{ kind: "ping" }]);
    env.socket.frame({ kind: "pong" });
    await env.advance(SILENCE_TIMEOUT_MS - 1);
    expect(env.socket.closedWith).toBeNull();
    await env.advance(1);
    expect(env.socket.closedWith?.code).toBe(4000);
    await env.advance(BACKOFF_CAP_MS);
    expect(env.sockets).toHaveLength(2);
  });

  it("abandons a handshake that hangs", async () => {
    const { env, stream } = setup();
    stream.start();
    await flush();
    await env.advance(15_000);
    expect(env.sockets[0]?.closedWith?.code).toBe(4000);
  });

  it("refreshes the token before reconnecting after an auth close (4401)", async () => {
    const { env, stream, tokenRequests } = setup();
    stream.start();
    await flush();
    env.socket.open();
    env.socket.serverClose(4401);
    await env.advance(BACKOFF_CAP_MS);
    expect(tokenRequests).toEqual([false, true]);
    expect(env.socket.protocols[1]).toBe("bearer.token-1");
  });

  it("refreshes the token after an unauthorized error frame", async () => {
    const { env, stream, tokenRequests, problems } = setup();
    stream.start();
    await flush();
    env.socket.open();
    env.socket.frame({ kind: "error", code: "unauthorized", message: "Token expired" });
    await env.advance(BACKOFF_CAP_MS);
    expect(tokenRequests).toEqual([false, true]);
    expect(problems).toEqual([{ problem: { code: "unauthorized", message: "Token expired" }, fatal: false }]);
  });

  it("keeps retrying when the token cannot be fetched (network down)", async () => {
    let fail = true;
    const { env, stream } = setup({
      token: async () => {
        if (fail) throw new Error("offline");
        return "t";
      },
    });
    stream.start();
    await flush();
    expect(env.sockets).toHaveLength(0);
    fail = false;
    await env.advance(BACKOFF_CAP_MS);
    expect(env.sockets).toHaveLength(1);
  });

  it("stops when signed out", async () => {
    const { env, stream, problems, statuses } = setup({ token: async () => null });
    stream.start();
    await flush();
    expect(env.sockets).toHaveLength(0);
    expect(problems[0]?.fatal).toBe(true);
    expect(statuses.at(-1)).toBe("offline");
    expect(env.listenerCount()).toBe(0);
  });

  it("on reset reloads through the callback and resumes after the returned cursor", async () => {
    const { env, stream, resets, delivered } = setup({ resetCursor: 90 });
    stream.start();
    await flush();
    env.socket.open();
    const first = env.socket;
    env.socket.frame({ kind: "reset", reason: "pruned", resumeAfter: 88 });
    first.serverClose(4409);
    await flush();
    expect(resets).toEqual([88]);
    expect(env.sockets).toHaveLength(2);
    expect(env.socket.after).toBe(90);
    env.socket.open();
    env.socket.frame(eventsFrame(token(91, "a1", "x")));
    expect(delivered.at(-1)?.map((e) => e.seq)).toEqual([91]);
  });

  it("treats a gap in seq as a reset instead of skipping events", async () => {
    const { env, stream, resets, delivered } = setup({ after: 10, resetCursor: 10 });
    stream.start();
    await flush();
    env.socket.open();
    env.socket.frame(eventsFrame(token(11, "a1", "a"), token(13, "a1", "c")));
    await flush();
    expect(delivered.map((b) => b.map((e) => e.seq))).toEqual([[11]]);
    expect(resets).toEqual([11]);
    expect(env.socket.after).toBe(10);
  });

  it("does not hammer a server that keeps answering reset", async () => {
    const { env, stream } = setup({ resetCursor: 5 });
    env.randomValue = 0.999;
    stream.start();
    await flush();
    env.socket.frame({ kind: "reset", reason: "pruned", resumeAfter: 5 });
    await flush();
    expect(env.sockets).toHaveLength(2);
    env.socket.frame({ kind: "reset", reason: "pruned", resumeAfter: 5 });
    await flush();
    expect(env.sockets).toHaveLength(2);
    expect(env.pendingDelays().length).toBeGreaterThan(0);
  });

  it("retries the reload when it fails, before connecting again", async () => {
    let failures = 1;
    const env = new FakeEnvironment();
    const reloads: number[] = [];
    const stream = new ConversationStream({
      url: (after) => `ws://x/s?after=${after}`,
      after: 0,
      getAccessToken: async () => "t",
      onEvents: () => {},
      onReset: async (resumeAfter) => {
        reloads.push(resumeAfter);
        if (failures-- > 0) throw new Error("network");
        return 50;
      },
      onStatus: () => {},
      environment: env,
    });
    stream.start();
    await flush();
    env.socket.frame({ kind: "reset", reason: "pruned", resumeAfter: 42 });
    await flush();
    expect(env.sockets).toHaveLength(1);
    await env.advance(BACKOFF_CAP_MS);
    expect(reloads).toEqual([42, 42]);
    expect(env.socket.after).toBe(50);
  });

  it("stops for good on a forbidden close or a not_found error", async () => {
    const { env, stream, problems } = setup();
    stream.start();
    await flush();
    env.socket.open();
    env.socket.frame({ kind: "error", code: "not_found", message: "Conversation not found" });
    expect(problems).toEqual([
      { problem: { code: "not_found", message: "Conversation not found" }, fatal: true },
    ]);
    await env.advance(60_000);
    expect(env.sockets).toHaveLength(1);
  });

  it("stop() closes the socket, removes listeners and ignores late events", async () => {
    const { env, stream, delivered } = setup();
    stream.start();
    await flush();
    env.socket.open();
    const socket = env.socket;
    stream.stop();
    expect(socket.closedWith?.code).toBe(1000);
    expect(env.listenerCount()).toBe(0);
    socket.frame(eventsFrame(completed(1, "a1", "late")));
    socket.serverClose(1006);
    await env.advance(60_000);
    expect(delivered).toEqual([]);
    expect(env.sockets).toHaveLength(1);
  });

  it("ignores events from a socket it already replaced", async () => {
    const { env, stream, delivered } = setup();
    stream.start();
    await flush();
    env.socket.open();
    const old = env.socket;
    env.clock += 30 * 60_000;
    env.emit("visibilitychange");
    await flush();
    old.frame(eventsFrame(userMessage(1, "u1", "ghost")));
    expect(delivered).toEqual([]);
  });
});

describe("ConversationStream timeouts", () => {
  it("abandons a token request that hangs and tries again", async () => {
    let calls = 0;
    const env = new FakeEnvironment();
    const stream = new ConversationStream({
      url: (after) => `ws://x/s?after=${after}`,
      after: 0,
      getAccessToken: () => {
        calls++;
        return calls === 1 ? new Promise<string>(() => {}) : Promise.resolve("t");
      },
      onEvents: () => {},
      onReset: async () => 0,
      onStatus: () => {},
      environment: env,
    });
    stream.start();
    await env.advance(20_000);
    expect(env.sockets).toHaveLength(0);
    await env.advance(BACKOFF_CAP_MS);
    expect(calls).toBe(2);
    expect(env.sockets).toHaveLength(1);
  });
});
