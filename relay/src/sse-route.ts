import { ErrorCode } from "@switchboard/protocol";
import { Hono } from "hono";
import { verifyRelayToken } from "./relay-token.ts";
import { SSE_HEADERS } from "./sse.ts";
import type { Subscriptions } from "./subscriptions.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR = /^\d{1,15}$/;

export interface SseRouteOptions {
  relaySecret: string;
  subscriptions: Subscriptions;
}

function errorResponse(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/**
 * `GET /conversations/:id/events?after=N`: the conversation's events with seq > N, then live ones, as
 * Server-Sent Events. `Last-Event-ID` (sent by EventSource on reconnect) wins over `after`.
 */
export function sseRoute(options: SseRouteOptions): Hono {
  const app = new Hono();
  app.get("/conversations/:id/events", async (c) => {
    const conversationId = c.req.param("id");
    const authorization = c.req.header("authorization");
    const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const check = await verifyRelayToken(options.relaySecret, token, conversationId);
    if (!check.ok) return errorResponse(check.status, ErrorCode[check.code], check.message);
    if (!UUID.test(conversationId)) {
      return errorResponse(400, ErrorCode.validationFailed, "Conversation id must be a UUID");
    }

    const lastEventId = c.req.header("last-event-id");
    const cursor =
      lastEventId !== undefined && lastEventId !== "" ? lastEventId : (c.req.query("after") ?? "0");
    if (!CURSOR.test(cursor)) {
      return errorResponse(
        400,
        ErrorCode.validationFailed,
        "after / Last-Event-ID must be a non-negative integer",
      );
    }

    const subscriber = options.subscriptions.subscribe(conversationId, Number(cursor));
    // The stream's cancel covers most disconnects; the request signal covers the ones seen first there.
    c.req.raw.signal.addEventListener("abort", () => subscriber.close(), { once: true });
    return new Response(subscriber.stream, { status: 200, headers: SSE_HEADERS });
  });
  return app;
}
