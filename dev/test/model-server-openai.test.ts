import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, generateText, stepCountIs, streamText, tool } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  addScript,
  clearLog,
  clearScripts,
  type RunningModelServer,
  readLog,
  startModelServer,
} from "../src/model-server/index.ts";

let server: RunningModelServer;
let compatible: ReturnType<typeof createOpenAICompatible>;

beforeAll(async () => {
  // Unpaced by default so the suite is fast; tests that care about pacing set a step rate.
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

const weatherInput = z.object({ city: z.string() });
const description = "Current weather for a city";

/** Without `execute` the tool call ends the run, so a test can inspect the call itself. */
function weatherTool(execute?: (input: { city: string }) => Promise<unknown>) {
  return execute
    ? tool({ description, inputSchema: weatherInput, execute })
    : tool({ description, inputSchema: weatherInput });
}

describe("OpenAI chat completions (streaming)", () => {
  it("streams scripted text that concatenates exactly, and logs it", async () => {
    const text = "  Leading spaces, punctuation!\nNew line,\ttabs and émojis 🎉 — kept exactly.  ";
    await addScript(server.url, { match: { userIncludes: "exact" }, steps: [{ text }] });

    const result = streamText({ model: compatible.chatModel("demo"), prompt: "say it exact please" });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);

    expect(deltas.join("")).toBe(text);
    expect(deltas.length).toBeGreaterThan(5);
    expect(await result.finishReason).toBe("stop");
    const usage = await result.usage;
    expect(usage.outputTokens).toBe(deltas.length);
    expect(usage.inputTokens).toBeGreaterThan(0);

    const [entry] = await readLog(server.url, { timings: true });
    expect(entry).toMatchObject({ protocol: "openai", model: "demo", text, aborted: false, stream: true });
    expect(entry?.tokenTimes).toHaveLength(deltas.length);
  });

  it("delivers a tool call with parsed arguments and answers the follow-up with the next step", async () => {
    const scriptId = await addScript(server.url, {
      match: { userIncludes: "weather" },
      steps: [
        { toolCalls: [{ name: "get_weather", arguments: { city: 'Paris, "the" city of light' } }] },
        { text: "It is sunny in Paris." },
      ],
    });
    const seen: unknown[] = [];
    const result = streamText({
      model: compatible.chatModel("demo"),
      prompt: "What's the weather in Paris?",
      tools: {
        get_weather: weatherTool(async (input) => {
          seen.push(input);
          return { temperature: 21 };
        }),
      },
      stopWhen: stepCountIs(5),
    });

    expect(await result.text).toBe("It is sunny in Paris.");
    const steps = await result.steps;
    expect(steps).toHaveLength(2);
    expect(steps[0]?.finishReason).toBe("tool-calls");
    expect(steps[0]?.toolCalls).toMatchObject([
      { toolName: "get_weather", input: { city: 'Paris, "the" city of light' } },
    ]);
    expect(seen).toEqual([{ city: 'Paris, "the" city of light' }]);

    const log = await readLog(server.url);
    expect(log.map((entry) => [entry.scriptId, entry.stepIndex])).toEqual([
      [scriptId, 0],
      [scriptId, 1],
    ]);
    expect(log[0]?.toolCalls[0]).toMatchObject({
      name: "get_weather",
      arguments: '{"city":"Paris, \\"the\\" city of light"}',
    });
  });

  it("streams several tool calls with their own indices", async () => {
    await addScript(server.url, {
      match: { userIncludes: "two cities" },
      steps: [
        {
          text: "Checking both. ",
          toolCalls: [
            { name: "get_weather", arguments: { city: "Oslo" } },
            { name: "get_weather", arguments: { city: "Lima" } },
          ],
        },
      ],
    });
    const result = streamText({
      model: compatible.chatModel("demo"),
      prompt: "weather in two cities",
      tools: { get_weather: weatherTool() },
    });
    expect(await result.text).toBe("Checking both. ");
    expect((await result.toolCalls).map((call) => call.input)).toEqual([{ city: "Oslo" }, { city: "Lima" }]);
  });

  it("passes malformed argument strings through verbatim", async () => {
    const malformed = '{"city": "Par';
    await addScript(server.url, {
      match: { userIncludes: "broken" },
      steps: [{ toolCalls: [{ name: "get_weather", arguments: malformed }] }],
    });
    const result = streamText({
      model: compatible.chatModel("demo"),
      prompt: "broken tool call please",
      tools: { get_weather: weatherTool() },
    });
    let streamedInput = "";
    const calls: { input: unknown; invalid?: boolean }[] = [];
    for await (const part of result.fullStream) {
      if (part.type === "tool-input-delta") streamedInput += part.delta;
      if (part.type === "tool-call") calls.push(part);
    }
    expect(streamedInput).toBe(malformed);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.invalid).toBe(true);
    expect(calls[0]?.input).toBe(malformed);
    expect((await readLog(server.url))[0]?.toolCalls[0]?.arguments).toBe(malformed);
  });

  it("answers an error step with its status in OpenAI's error shape", async () => {
    await addScript(server.url, {
      match: { userIncludes: "fail" },
      steps: [{ error: { status: 429, message: "Slow down" } }],
    });
    const result = streamText({
      model: compatible.chatModel("demo"),
      prompt: "please fail",
      maxRetries: 0,
      // The error is asserted from the stream; the default handler would only print it.
      onError: () => {},
    });
    const errors: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === "error") errors.push(part.error);
    expect(errors).toHaveLength(1);
    expect(APICallError.isInstance(errors[0])).toBe(true);
    expect(errors[0]).toMatchObject({ statusCode: 429, message: "Slow down" });

    const raw = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "demo", messages: [{ role: "user", content: "fail" }] }),
    });
    expect(raw.status).toBe(429);
    expect(await raw.json()).toEqual({
      error: { message: "Slow down", type: "rate_limit_error", param: null, code: "rate_limit_exceeded" },
    });
    expect((await readLog(server.url))[0]?.error).toEqual({ status: 429, message: "Slow down" });
  });

  it("gives the deterministic demo reply when no script matches", async () => {
    const ask = async () =>
      (await streamText({ model: compatible.chatModel("demo"), prompt: "  What can\n you do?  " })
        .text) as string;
    const first = await ask();
    const second = await ask();
    expect(second).toBe(first);
    expect(first.startsWith("Hello! I'm Switchboard's built-in demo model. ")).toBe(true);
    expect(first).toContain('"What can you do?"');
    expect(first).toContain("provider");
    const words = first.split(/\s+/).length;
    expect(words).toBeGreaterThan(80);
    expect(words).toBeLessThan(160);
    expect((await readLog(server.url))[0]?.scriptId).toBeUndefined();
  });
});

describe("OpenAI chat completions (non-streaming)", () => {
  it("returns text and tool calls as a chat.completion", async () => {
    await addScript(server.url, {
      match: { userIncludes: "weather" },
      steps: [
        { toolCalls: [{ name: "get_weather", arguments: { city: "Rome" } }] },
        { text: "Warm in Rome." },
      ],
    });
    const result = await generateText({
      model: compatible.chatModel("demo"),
      prompt: "weather in Rome?",
      tools: { get_weather: weatherTool(async () => ({ temperature: 28 })) },
      stopWhen: stepCountIs(3),
    });
    expect(result.text).toBe("Warm in Rome.");
    expect(result.steps[0]?.toolCalls).toMatchObject([{ toolName: "get_weather", input: { city: "Rome" } }]);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    const log = await readLog(server.url, { timings: true });
    expect(log.map((entry) => entry.stream)).toEqual([false, false]);
    expect(log[1]?.tokenTimes).toHaveLength(3);
  });

  it("throws the scripted status from generateText", async () => {
    await addScript(server.url, { steps: [{ error: { status: 503, message: "Overloaded" } }] });
    const error = await generateText({
      model: compatible.chatModel("demo"),
      prompt: "x",
      maxRetries: 0,
    }).catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 503, message: "Overloaded" });
  });
});

describe("@ai-sdk/openai's own chat model", () => {
  it("parses the same stream (stricter chunk schema)", async () => {
    await addScript(server.url, {
      match: { model: "gpt-test" },
      steps: [
        { toolCalls: [{ name: "get_weather", arguments: { city: "Kyiv" } }] },
        { text: "Done checking." },
      ],
    });
    const openai = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: "test" });
    const result = streamText({
      model: openai.chat("gpt-test"),
      prompt: "weather?",
      tools: { get_weather: weatherTool(async () => "cold") },
      stopWhen: stepCountIs(3),
    });
    expect(await result.text).toBe("Done checking.");
    expect((await result.steps)[0]?.toolCalls).toMatchObject([
      { toolName: "get_weather", input: { city: "Kyiv" } },
    ]);
  });
});

describe("GET /v1/models", () => {
  it("lists the demo model and scripted model names", async () => {
    await addScript(server.url, { match: { model: "scripted-model" }, steps: [{ text: "hi" }] });
    const body = (await (await fetch(`${server.url}/v1/models`)).json()) as {
      object: string;
      data: { id: string }[];
    };
    expect(body.object).toBe("list");
    expect(body.data.map((model) => model.id)).toEqual(["demo", "scripted-model"]);
  });
});
