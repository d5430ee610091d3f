import { abortAllDurableObjects, env, evictDurableObject } from "cloudflare:test";
import { createDatabase } from "@switchboard/db/client";
import { conversationStub } from "@switchboard/durable-objects";
import type { MessageList, ServerFrame } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { pruneOldEvents } from "../../../durable-objects/src/stream/statements.ts";
import { api, numberedText, scriptReply, userWithConversation } from "../helpers/api.ts";
import { runFinished, StreamClient, tokenText } from "../helpers/stream-client.ts";

const send = (conversationId: string, token: string, content: string) =>
  api(`/conversations/${conversationId}/messages`, { method: "POST", token, body: { content } });

describe("the conversation Durable Object across restarts", () => {
  it("closes out a run a crash interrupted, and never reuses a seq a client has seen", async () => {
    const { token, conversationId } = await userWithConversation();
    await scriptReply("evict-me", numberedText(200), 40);
    const client = await StreamClient.open(conversationId, token, 0);
    await send(conversationId, token, "evict-me");
    await client.until((events) => events.filter((e) => e.type === "token").length >= 10);

    // An abrupt reset, like a crash or a deploy: in-memory state and unflushed events are gone.
    await abortAllDurableObjects();
    const seenBeforeEviction = client.lastSeq;
    expect(client.events.some((e) => e.type === "run.completed")).toBe(false);

    // The client reconnects with the last seq it saw, as the dashboard does after a deploy.
    const resumed = await StreamClient.open(conversationId, token, seenBeforeEviction);
    await resumed.until(runFinished);
    const failed = resumed.events.find((e) => e.type === "run.failed");
    expect(failed).toMatchObject({ code: "interrupted" });
    expect(failed?.seq).toBeGreaterThan(seenBeforeEviction);
    resumed.close();

    // The conversation stays usable.
    await scriptReply("after-restart", "Back again.");
    const next = await StreamClient.open(conversationId, token, resumed.lastSeq);
    expect((await send(conversationId, token, "after-restart")).status).toBe(202);
    await next.until(runFinished);
    expect(tokenText(next.events)).toBe("Back again.");
    next.close();
  });

  it("serves a reconnect after hibernation from the database", async () => {
    const { token, conversationId } = await userWithConversation();
    await scriptReply("hibernate-me", numberedText(20));
    const client = await StreamClient.open(conversationId, token, 0);
    await send(conversationId, token, "hibernate-me");
    await client.until(runFinished);
    client.close();

    await evictDurableObject(await conversationStub(env.CONVERSATION, conversationId));
    const late = await StreamClient.open(conversationId, token, 2);
    await late.until((events) => events.at(-1)?.seq === client.lastSeq);
    expect(late.events).toEqual(client.events.filter((e) => e.seq > 2));
    late.close();
  });

  it("tells a client that resumes from before pruned events to reload messages", async () => {
    const { token, conversationId } = await userWithConversation();
    await scriptReply("prune-one", "First answer.");
    await scriptReply("prune-two", "Second answer.");
    const client = await StreamClient.open(conversationId, token, 0);
    await send(conversationId, token, "prune-one");
    await client.until(runFinished);
    const firstRunEnd = client.lastSeq;
    await send(conversationId, token, "prune-two");
    await client.until((events) => events.filter((e) => e.type === "run.completed").length === 2);
    client.close();

    const db = createDatabase({ databaseUrl: env.DATABASE_URL, sqlEndpoint: env.SQL_ENDPOINT });
    const prune = pruneOldEvents(conversationId, 1);
    await db.sql.query(prune.text, prune.params);
    await evictDurableObject(await conversationStub(env.CONVERSATION, conversationId));

    const stale = await StreamClient.open(conversationId, token, 1);
    await new Promise<void>((resolve) => stale.socket.addEventListener("close", () => resolve()));
    const reset = stale.frames.find((f): f is Extract<ServerFrame, { kind: "reset" }> => f.kind === "reset");
    expect(reset).toBeDefined();
    const messages = await api<MessageList>(`/conversations/${conversationId}/messages`, { token });
    expect(messages.body.messages.map((m) => m.content)).toEqual([
      "prune-one",
      "First answer.",
      "prune-two",
      "Second answer.",
    ]);
    expect(reset?.resumeAfter).toBe(messages.body.cursor);

    // A client past the pruned range still resumes normally.
    const fresh = await StreamClient.open(conversationId, token, firstRunEnd);
    await fresh.until((events) => events.some((e) => e.type === "run.completed"));
    expect(tokenText(fresh.events)).toBe("Second answer.");
    fresh.close();
  });
});
