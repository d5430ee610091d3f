import { exports } from "cloudflare:workers";
import type { ErrorBody, MessageList, SendMessageResult, StreamEvent } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { api, BASE, numberedText, scriptReply, userWithConversation } from "../helpers/api.ts";
import { assertContiguous, runFinished, StreamClient, tokenText } from "../helpers/stream-client.ts";

async function send(conversationId: string, token: string, content: string) {
  return api<SendMessageResult>(`/conversations/${conversationId}/messages`, {
    method: "POST",
    token,
    body: { content },
  });
}

describe("live stream over WebSocket", () => {
  it("streams a reply token by token and stores it whole", async () => {
    const { token, conversationId, agentId } = await userWithConversation();
    const text = numberedText(40);
    await scriptReply("first-reply", text);
    const client = await StreamClient.open(conversationId, token, 0);
    const sent = await send(conversationId, token, "please give the first-reply");
    expect(sent.status).toBe(202);
    await client.until(runFinished);
    client.close();

    const types = client.events.map((e) => e.type);
    expect(types[0]).toBe("message.created");
    expect(types[1]).toBe("run.started");
    expect(types.filter((t) => t === "token").length).toBeGreaterThan(10);
    expect(types.slice(-2)).toEqual(["message.completed", "run.completed"]);
    assertContiguous(client.events, 1);
    expect(tokenText(client.events)).toBe(text);
    const completed = client.events.find((e) => e.type === "message.completed");
    expect(completed?.type === "message.completed" && completed.content).toBe(text);
    expect(client.events.find((e) => e.type === "token")).toMatchObject({ agentId });

    const messages = await api<MessageList>(`/conversations/${conversationId}/messages`, { token });
    expect(messages.body.messages.map((m) => [m.role, m.content])).toEqual([
      ["user", "please give the first-reply"],
      ["assistant", text],
    ]);
    expect(messages.body.cursor).toBe(completed?.seq);
  });

  it("resumes mid-stream from the last seq with no gap and no duplicate", async () => {
    const { token, conversationId } = await userWithConversation();
    const text = numberedText(120);
    await scriptReply("resume-me", text, 100);
    const first = await StreamClient.open(conversationId, token, 0);
    await send(conversationId, token, "resume-me please");
    await first.until((events) => events.filter((e) => e.type === "token").length >= 20);
    first.close();
    const seen = [...first.events];

    const second = await StreamClient.open(conversationId, token, seen.at(-1)?.seq ?? 0);
    await second.until(runFinished);
    second.close();
    const all = [...seen, ...second.events];
    assertContiguous(all, 1);
    expect(tokenText(all)).toBe(text);
  });

  it("replays exactly the missed events of a finished run, and a second client sees the same stream", async () => {
    const { token, conversationId } = await userWithConversation();
    const text = numberedText(30);
    await scriptReply("two-clients", text);
    const a = await StreamClient.open(conversationId, token, 0);
    const b = await StreamClient.open(conversationId, token, 0);
    await send(conversationId, token, "two-clients now");
    await Promise.all([a.until(runFinished), b.until(runFinished)]);
    expect(b.events).toEqual(a.events);
    a.close();
    b.close();

    const cut = a.events[9]?.seq ?? 0;
    const late = await StreamClient.open(conversationId, token, cut);
    await late.until((events) => events.at(-1)?.seq === a.lastSeq);
    expect(late.events).toEqual(a.events.filter((e) => e.seq > cut));
    late.close();
  });

  it("refuses a second message while a reply is being written", async () => {
    const { token, conversationId } = await userWithConversation();
    await scriptReply("slow-one", numberedText(50), 25);
    expect((await send(conversationId, token, "slow-one")).status).toBe(202);
    const busy = await send(conversationId, token, "and another");
    expect(busy.status).toBe(409);
    expect((busy.body as unknown as ErrorBody).error.code).toBe("run_in_progress");
    const cancel = await api(`/conversations/${conversationId}/cancel`, { method: "POST", token });
    expect(cancel.status).toBe(202);
    const client = await StreamClient.open(conversationId, token, 0);
    await client.until(runFinished);
    expect(client.events.at(-1)).toMatchObject({ type: "run.failed", code: "cancelled" });
    client.close();
  });

  it("refuses a stream without a valid token or for someone else's conversation", async () => {
    const { conversationId } = await userWithConversation();
    const other = await userWithConversation();
    await expect(StreamClient.open(conversationId, "garbage")).rejects.toThrow(/401/);
    await expect(StreamClient.open(conversationId, other.token)).rejects.toThrow(/404/);
  });
});

describe("Server-Sent Events through the relay", () => {
  it("serves exactly the events after Last-Event-ID, then the live ones", async () => {
    const { token, conversationId } = await userWithConversation();
    const text = numberedText(60);
    await scriptReply("sse-reply", text, 60);
    const ws = await StreamClient.open(conversationId, token, 0);
    await send(conversationId, token, "sse-reply");
    await ws.until((events) => events.filter((e) => e.type === "token").length >= 5);

    // Attach mid-run: the SSE client sees the persisted past, then the live rest.
    const response = await exports.default.fetch(
      new Request(`${BASE}/conversations/${conversationId}/events`, {
        headers: { Authorization: `Bearer ${token}`, "Last-Event-ID": "3" },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/text\/event-stream/);
    await ws.until(runFinished);
    ws.close();
    const sse = await readSse(response, (events) => runFinished(events));
    expect(sse.map((e) => e.seq)).toEqual(ws.events.filter((e) => e.seq > 3).map((e) => e.seq));
    expect(sse).toEqual(ws.events.filter((e) => e.seq > 3));
  });

  it("refuses an unauthenticated SSE request", async () => {
    const { conversationId } = await userWithConversation();
    const response = await exports.default.fetch(
      new Request(`${BASE}/conversations/${conversationId}/events`),
    );
    expect(response.status).toBe(401);
  });
});

/** Reads Server-Sent Events from a response until `done` holds. */
async function readSse(response: Response, done: (events: StreamEvent[]) => boolean): Promise<StreamEvent[]> {
  const reader = (response.body as ReadableStream<Uint8Array>)
    .pipeThrough(new TextDecoderStream())
    .getReader();
  const events: StreamEvent[] = [];
  let buffer = "";
  while (!done(events)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += value;
    for (let index = buffer.indexOf("\n\n"); index >= 0; index = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, index);
      buffer = buffer.slice(index + 2);
      const data = block.split("\n").find((line) => line.startsWith("data: "));
      if (data) events.push(JSON.parse(data.slice(6)) as StreamEvent);
    }
  }
  await reader.cancel();
  return events;
}
