import { conversationStub } from "@switchboard/durable-objects";
import { BEARER_SUBPROTOCOL_PREFIX, ErrorBody, ErrorCode, STREAM_SUBPROTOCOL } from "@switchboard/protocol";
import { signRelayToken } from "@switchboard/relay/relay-token";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import { authorize } from "../auth/authorize.ts";
import { authenticate } from "../auth/identify.ts";
import { ApiError } from "../http/api-error.ts";
import type { AppEnv } from "../http/app-types.ts";
import { createRouter } from "../http/create-router.ts";
import { findConversation } from "./conversations.ts";

export const streamRoutes = createRouter();

/** How long one SSE attachment keeps the short flush window; renewed while the stream flows. */
const RELAY_LEASE_MS = 30_000;
// Below lease minus the relay's 15 s heartbeat, so heartbeats alone always renew the lease in time on an idle stream.
const RELAY_LEASE_RENEW_MS = 10_000;

const Seq = z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

function parseSeq(value: string | undefined | null): number {
  if (value === undefined || value === null || value === "") return 0;
  const parsed = Seq.safeParse(value);
  if (!parsed.success)
    throw new ApiError(422, ErrorCode.validationFailed, "after: must be a non-negative integer seq.");
  return parsed.data;
}

function conversationId(value: string): string {
  if (!z.uuid().safeParse(value).success) throw ApiError.notFound("Conversation");
  return value;
}

/**
 * Browsers cannot set headers on a WebSocket, so the access token travels as a second subprotocol
 * (`bearer.<jwt>`) next to `switchboard.v1`; it is never put in the URL, where logs would keep it.
 */
function webSocketToken(header: string | undefined): string | undefined {
  const protocols = (header ?? "").split(",").map((p) => p.trim());
  return protocols
    .find((p) => p.startsWith(BEARER_SUBPROTOCOL_PREFIX))
    ?.slice(BEARER_SUBPROTOCOL_PREFIX.length);
}

/** A WebSocket carries its credential as a subprotocol; it becomes the principal like a header would. */
const identifyWebSocket = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(
      426,
      "upgrade_required",
      "This endpoint speaks WebSocket; use /events for Server-Sent Events.",
    );
  }
  const token = webSocketToken(c.req.header("Sec-WebSocket-Protocol"));
  if (!c.var.principal && token) {
    const principal = await authenticate(token, c.var.db, c.env);
    c.set("principal", principal);
    c.set("userId", principal.userId);
  }
  await next();
});

streamRoutes.get(
  "/conversations/:id/stream",
  identifyWebSocket,
  authorize("GET /conversations/{id}/stream", { resource: "conversation", action: "read" }),
  async (c) => {
    const conversation = await findConversation(
      c.var.db,
      c.var.userId,
      conversationId(c.req.param("id")),
      "read",
    );
    const after = parseSeq(c.req.query("after"));

    const url = new URL(c.req.url);
    url.search = `?after=${after}`;
    const headers = new Headers(c.req.raw.headers);
    headers.delete("Authorization");
    headers.delete("Sec-WebSocket-Protocol");
    const stub = await conversationStub(c.env.CONVERSATION, conversation.id);
    const upgraded = await stub.fetch(new Request(url, { headers }));
    if (!upgraded.webSocket) return upgraded;
    return new Response(null, {
      status: 101,
      webSocket: upgraded.webSocket,
      headers: { "Sec-WebSocket-Protocol": STREAM_SUBPROTOCOL },
    });
  },
);

streamRoutes.get(
  "/conversations/:id/events",
  authorize("GET /conversations/{id}/events", { resource: "conversation", action: "read" }),
  async (c) => {
    const conversation = await findConversation(
      c.var.db,
      c.var.userId,
      conversationId(c.req.param("id")),
      "read",
    );
    const after = parseSeq(c.req.header("Last-Event-ID") ?? c.req.query("after"));

    const stub = await conversationStub(c.env.CONVERSATION, conversation.id);
    await stub.noteRelayListener(RELAY_LEASE_MS);
    const relayToken = await signRelayToken(c.env.RELAY_SECRET, conversation.id);
    const upstream = await fetch(
      `${c.env.RELAY_URL.replace(/\/$/, "")}/conversations/${conversation.id}/events?after=${after}`,
      {
        headers: { Authorization: `Bearer ${relayToken}`, Accept: "text/event-stream" },
        signal: c.req.raw.signal,
      },
    ).catch((error: unknown) => {
      throw ApiError.unavailable("The live stream is unavailable right now. Retry shortly.", error);
    });
    if (!upstream.ok || !upstream.body) {
      throw ApiError.unavailable(
        `The live stream is unavailable right now (relay answered ${upstream.status}).`,
      );
    }
    return new Response(upstream.body.pipeThrough(renewLease(() => stub.noteRelayListener(RELAY_LEASE_MS))), {
      headers: {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-transform",
        "X-Accel-Buffering": "no",
      },
    });
  },
);

/** Passes the SSE bytes through, renewing the listener lease as they flow (heartbeats keep them flowing). */
function renewLease(renew: () => Promise<void>): TransformStream<Uint8Array, Uint8Array> {
  let renewedAt = Date.now();
  return new TransformStream({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      if (Date.now() - renewedAt < RELAY_LEASE_RENEW_MS) return;
      renewedAt = Date.now();
      renew().catch((error) => console.warn("could not renew relay listener lease", { error }));
    },
  });
}

/** Documents the two live endpoints, which are not JSON routes. */
export function documentStreamRoutes(registry: (typeof streamRoutes)["openAPIRegistry"]): void {
  const params = z.object({ id: z.uuid() });
  registry.registerPath({
    method: "get",
    path: "/conversations/{id}/stream",
    tags: ["streaming"],
    summary: "Live events over WebSocket",
    description:
      "Open with subprotocols `switchboard.v1` and `bearer.<accessToken>` (browsers cannot set headers on a " +
      "WebSocket); non-browser clients may send `Authorization: Bearer <token>` instead. `after=N` resumes: the " +
      "server sends exactly the events with seq > N in order, then the live ones. Frames are JSON `ServerFrame`s.",
    request: { params, query: z.object({ after: Seq.optional().describe("Last seq the client has seen") }) },
    responses: {
      101: { description: "Switching protocols" },
      401: { description: "Not authenticated", content: { "application/json": { schema: ErrorBody } } },
      404: { description: "Not found", content: { "application/json": { schema: ErrorBody } } },
    },
  });
  registry.registerPath({
    method: "get",
    path: "/conversations/{id}/events",
    tags: ["streaming"],
    summary: "Live events as Server-Sent Events (served through the relay's LISTEN/NOTIFY)",
    description:
      "Each message has `id: <seq>` and `data: <event JSON>`. Resume with `Last-Event-ID` (or `after`).",
    security: [{ Bearer: [] }],
    request: { params, query: z.object({ after: Seq.optional() }) },
    responses: {
      200: { description: "An event stream", content: { "text/event-stream": { schema: z.string() } } },
      401: { description: "Not authenticated", content: { "application/json": { schema: ErrorBody } } },
    },
  });
}
