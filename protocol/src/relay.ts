import { z } from "zod";

/** PostgreSQL NOTIFY channel carrying pointers to freshly persisted events. */
export const STREAM_NOTIFY_CHANNEL = "stream_events";

/**
 * The NOTIFY payload: a pointer, never the text. Listeners read rows (conversation, fromSeq..toSeq).
 * Short keys keep it far below PostgreSQL's 8000-byte payload cap.
 */
export const StreamNotification = z.object({
  c: z.string().describe("conversation id"),
  f: z.number().int().positive().describe("first seq in the batch"),
  t: z.number().int().positive().describe("last seq in the batch"),
});
export type StreamNotification = z.infer<typeof StreamNotification>;
