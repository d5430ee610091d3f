import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { Agent, tool as agentTool, run, setTracingDisabled } from "@openai/agents";
import { aisdk } from "@openai/agents-extensions/ai-sdk";
import { streamText } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  addScript,
  clearLog,
  clearScripts,
  type LogEntry,
  type RunningModelServer,
  readLog,
  startModelServer,
} from "../src/model-server/index.ts";
import { stepIndexOf } from "../src/model-server/prompt-view.ts";
import { tokenize } from "../src/model-server/tokenize.ts";

let server: RunningModelServer;
let compatible: ReturnType<typeof createOpenAICompatible>;

beforeAll(async () => {
  setTracingDisabled(true);
  server = await startModelServer({ port: 0, tokensPerSecond: 0 });
  compatible = createOpenAICompatible({
    name: "demo",
    baseURL: `${server.url}/v1`,
    apiKey: "test",
    includeUsage: true,
  });
});
afterAll(() => server.close());
beforeEach(async () => {
  await clearScripts(server.url);
  await clearLog(server.url);
});

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

async function chat(messages: unknown[], model = "demo"): Promise<string> {
  const res = await post("/v1/chat/completions", { model, messages });
  const body = (await res.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0]?.message.content ?? "";
}

async function waitForFinished(): Promise<LogEntry> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [entry] = await readLog(server.url, { limit: 1, timings: true });
    if (entry?.finishedAt != null) return entry;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the reply never finished");
}

describe("control API", () => {
  it("health check", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("rejects invalid scripts with 400 and a code", async () => {
    for (const body of [
      "{not json",
      { steps: [] },
      { match: { userIncludes: 3 }, steps: [{ text: "x" }] },
      { steps: [{ text: "x", surprise: true }] },
      { steps: [{ error: { status: 200, message: "not an error" } }] },
      { steps: [{ toolCalls: [] }] },
    ]) {
      const res = await post("/_scripts", body);
      expect(res.status).toBe(400);
      const error = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe("invalid_script");
      expect(error.message.length).toBeGreaterThan(0);
    }
  });

  it("lists, replaces and deletes scripts by id", async () => {
    const id = await addScript(server.url, {
      id: "greeter",
      match: { userIncludes: "hello" },
      steps: [{ text: "one" }],
    });
    expect(id).toBe("greeter");
    await addScript(server.url, {
      id: "greeter",
      match: { userIncludes: "hello" },
      steps: [{ text: "two" }],
    });
    const listed = (await (await fetch(`${server.url}/_scripts`)).json()) as {
      id: string;
      steps: unknown[];
    }[];
    expect(listed).toMatchObject([{ id: "greeter", steps: [{ text: "two" }] }]);
    expect(await chat([{ role: "user", content: "hello" }])).toBe("two");

    expect((await fetch(`${server.url}/_scripts/greeter`, { method: "DELETE" })).status).toBe(204);
    expect((await fetch(`${server.url}/_scripts/greeter`, { method: "DELETE" })).status).toBe(404);
    expect(await chat([{ role: "user", content: "hello" }])).toMatch(
      /^Hello! I'm Switchboard's built-in demo model/,
    );
  });

  it("prefers the most recently added matching script and matches model, user and system", async () => {
    await addScript(server.url, { match: {}, steps: [{ text: "catch-all" }] });
    await addScript(server.url, { match: { systemIncludes: "researcher" }, steps: [{ text: "research" }] });
    await addScript(server.url, { match: { systemIncludes: "writer" }, steps: [{ text: "writing" }] });
    await addScript(server.url, {
      match: { model: "special", userIncludes: "go" },
      steps: [{ text: "special go" }],
    });

    const system = (role: string) => ({ role: "system", content: `You are the ${role} agent.` });
    expect(await chat([system("researcher"), { role: "user", content: "go" }])).toBe("research");
    expect(await chat([system("writer"), { role: "user", content: "go" }])).toBe("writing");
    expect(await chat([system("writer"), { role: "user", content: "go" }], "special")).toBe("special go");
    expect(await chat([system("editor"), { role: "user", content: "go" }])).toBe("catch-all");
    // Only the LAST user message counts.
    expect(
      await chat(
        [
          { role: "user", content: "go" },
          { role: "assistant", content: "ok" },
          { role: "user", content: "stop" },
        ],
        "special",
      ),
    ).toBe("catch-all");

    const anthropic = await post("/v1/messages", {
      model: "m",
      max_tokens: 100,
      system: [{ type: "text", text: "You are the researcher agent." }],
      messages: [{ role: "user", content: [{ type: "text", text: "go" }] }],
    });
    expect(((await anthropic.json()) as { content: { text: string }[] }).content[0]?.text).toBe("research");
  });

  it("picks the step from the assistant turns after the last user message, and repeats the last text", async () => {
    await addScript(server.url, { steps: [{ text: "zero" }, { text: "one" }, { text: "two" }] });
    const user = { role: "user", content: "q" };
    const assistant = { role: "assistant", content: "a" };
    const toolResult = { role: "tool", tool_call_id: "c", content: "r" };
    expect(await chat([user])).toBe("zero");
    expect(await chat([user, assistant, toolResult])).toBe("one");
    expect(await chat([user, assistant, toolResult, assistant, toolResult])).toBe("two");
    expect(await chat([user, assistant, toolResult, assistant, toolResult, assistant, toolResult])).toBe(
      "two",
    );
    // A new user message starts the script again.
    expect(await chat([user, assistant, toolResult, assistant, user])).toBe("zero");

    await addScript(server.url, {
      match: { userIncludes: "tools" },
      steps: [{ toolCalls: [{ name: "t" }] }],
    });
    expect(await chat([{ role: "user", content: "tools" }, assistant, toolResult])).toBe("Done.");
  });

  it("reads the log with a limit, with token times only on request", async () => {
    await addScript(server.url, { steps: [{ text: "a b c d" }] });
    for (const content of ["1", "2", "3"]) await chat([{ role: "user", content }]);
    const plain = await readLog(server.url, { limit: 2 });
    expect(plain).toHaveLength(2);
    expect(plain[0]).not.toHaveProperty("tokenTimes");
    const timed = await readLog(server.url, { limit: 1, timings: true });
    expect(timed[0]?.tokenTimes).toHaveLength(tokenize("a b c d").length);
    expect((await fetch(`${server.url}/_log?limit=0`)).status).toBe(400);
  });

  it("answers provider-shaped 400s to malformed completion requests", async () => {
    const openai = await post("/v1/chat/completions", "{oops");
    expect(openai.status).toBe(400);
    expect(await openai.json()).toMatchObject({ error: { type: "invalid_request_error" } });
    const anthropic = await post("/v1/messages", { model: "m" });
    expect(anthropic.status).toBe(400);
    expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });
});

describe("pacing and aborts", () => {
  it("paces tokens at the scripted rate", async () => {
    await addScript(server.url, { steps: [{ text: "one two three four five", tokensPerSecond: 10 }] });
    const started = Date.now();
    const text = await streamText({ model: compatible.chatModel("demo"), prompt: "pace" }).text;
    expect(text).toBe("one two three four five");
    // Five tokens at 10/s are due at 0, 100, …, 400 ms: well over 300 ms in total.
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const entry = await waitForFinished();
    expect(entry.tokenTimes).toHaveLength(5);
    expect((entry.tokenTimes.at(-1) ?? 0) - (entry.tokenTimes[0] ?? 0)).toBeGreaterThanOrEqual(300);
  });

  it("stops streaming when the client disconnects", async () => {
    const text = Array.from({ length: 200 }, (_, i) => `w${i}`).join(" ");
    await addScript(server.url, { steps: [{ text, tokensPerSecond: 50 }] });
    const controller = new AbortController();
    const result = streamText({
      model: compatible.chatModel("demo"),
      prompt: "long",
      abortSignal: controller.signal,
      onError: () => {},
    });
    let received = 0;
    try {
      for await (const _ of result.textStream) {
        if (++received === 3) controller.abort();
      }
    } catch {
      // Aborting rejects the stream; the server side is what this test checks.
    }
    const entry = await waitForFinished();
    expect(entry.aborted).toBe(true);
    expect(entry.tokenTimes.length).toBeLessThan(200);
    expect(text.startsWith(entry.text)).toBe(true);
  });
});

describe("with the Agents SDK (aisdk adapter), as the platform runs it", () => {
  it("runs a tool round then answers, and targets agents by their instructions", async () => {
    await addScript(server.url, {
      match: { systemIncludes: "weather agent" },
      steps: [
        { text: "Checking. ", toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] },
        { text: "Sunny in Paris." },
        { text: "A step too far." },
      ],
    });
    await addScript(server.url, { match: { systemIncludes: "triage agent" }, steps: [{ text: "Not me." }] });

    const calls: string[] = [];
    const weather = new Agent({
      name: "Weather",
      instructions: "You are the weather agent.",
      model: aisdk(compatible.chatModel("demo")),
      tools: [
        agentTool({
          name: "get_weather",
          description: "Weather for a city",
          parameters: z.object({ city: z.string() }),
          execute: async ({ city }) => {
            calls.push(city);
            return "sunny";
          },
        }),
      ],
    });
    const result = await run(weather, "How is the weather in Paris?");
    expect(result.finalOutput).toBe("Sunny in Paris.");
    expect(calls).toEqual(["Paris"]);
    // The Agents SDK sends the text and the tool call of one reply as two assistant messages; they must
    // count as one step.
    expect((await readLog(server.url)).map((entry) => entry.stepIndex)).toEqual([0, 1]);
  });
});

describe("helpers", () => {
  it("tokenize keeps every character", () => {
    for (const text of ["", "   ", "a", " a b  ", "x\n\ny\t z", "emoji 🎉🎉 ok"]) {
      expect(tokenize(text).join("")).toBe(text);
    }
    expect(tokenize("one two three")).toEqual(["one ", "two ", "three"]);
  });

  it("stepIndexOf counts runs of assistant messages after the last user message", () => {
    const m = (role: "user" | "assistant" | "tool") => ({ role, text: "" });
    expect(stepIndexOf([])).toBe(0);
    expect(stepIndexOf([m("user")])).toBe(0);
    expect(stepIndexOf([m("user"), m("assistant"), m("assistant"), m("tool")])).toBe(1);
    expect(stepIndexOf([m("user"), m("assistant"), m("tool"), m("assistant"), m("tool")])).toBe(2);
  });
});
