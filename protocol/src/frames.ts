import { z } from "zod";
import { StreamEvent } from "./events.ts";

/** Frames the server sends on the conversation WebSocket. Events come in batches (about one per frame). */
export const ServerFrame = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("events"), events: z.array(StreamEvent) }),
  z.object({
    kind: z.literal("reset"),
    reason: z.string(),
    resumeAfter: z.number().int().nonnegative().describe("Reload messages, then resume after this seq"),
  }),
  z.object({ kind: z.literal("error"), code: z.string(), message: z.string() }),
  z.object({ kind: z.literal("pong") }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Frames a client may send on the conversation WebSocket. */
export const ClientFrame = z.discriminatedUnion("kind", [z.object({ kind: z.literal("ping") })]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** WebSocket subprotocol that names the wire version; browsers send the access token as a second one. */
export const STREAM_SUBPROTOCOL = "switchboard.v1";
export const BEARER_SUBPROTOCOL_PREFIX = "bearer.";
