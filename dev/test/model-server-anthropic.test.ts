import { createAnthropic } from "@ai-sdk/anthropic";
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
let anthropic: ReturnType<typeof createAnthropic>;

beforeAll(async () => {
  server = await startModelServer({ port: 0, tokensPerSecond: 0 });
  anthropic = createAnthropic({ baseURL: `${server.url}/v1`, apiKey: "test" });
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

describe("Anthropic messages (streaming)", () => {
  it("streams scripted text that concatenates exactly", async () => {
    const text = "Bonjour ! Ça va ?\n\n- one\n- two  ";
    await addScript(server.url, { match: { userIncludes: "french" }, steps: [{ text }] });
    const result = streamText({ model: anthropic("claude-sonnet-4-5"), prompt: "answer in french" });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.join("")).toBe(text);
    expect(await result.finishReason).toBe("stop");
    expect((await result.usage).outputTokens).toBe(deltas.length);

    const [entry] = await readLog(server.url, { timings: true });
    expect(entry).toMatchObject({ protocol: "anthropic", model: "claude-sonnet-4-5", text, aborted: false });
    expect(entry?.tokenTimes).toHaveLength(deltas.length);
  });

  it("delivers a tool_use block and answers the tool_result follow-up with the next step", async () => {
    const scriptId = await addScript(server.url, {
      match: { userIncludes: "weather" },
      steps: [
        { text: "Let me check. ", toolCalls: [{ name: "get_weather", arguments: { city: "Berlin" } }] },
        { text: "Cloudy in Berlin." },
      ],
    });
    const result = streamText({
      model: anthropic("claude-sonnet-4-5"),
      system: "You are the weather agent.",
      prompt: "What's the weather in Berlin?",
      tools: { get_weather: weatherTool(async () => ({ sky: "cloudy" })) },
      stopWhen: stepCountIs(5),
    });
    // `text` is the last step's; the first step's text came before its tool call.
    expect(await result.text).toBe("Cloudy in Berlin.");
    const steps = await result.steps;
    expect(steps).toHaveLength(2);
    expect(steps[0]?.text).toBe("Let me check. ");
    expect(steps[0]?.finishReason).toBe("tool-calls");
    expect(steps[0]?.toolCalls).toMatchObject([{ toolName: "get_weather", input: { city: "Berlin" } }]);
    expect((await readLog(server.url)).map((entry) => [entry.scriptId, entry.stepIndex])).toEqual([
      [scriptId, 0],
      [scriptId, 1],
    ]);
  });

  it("passes malformed argument strings through verbatim", async () => {
    const malformed = "{not json";
    await addScript(server.url, { steps: [{ toolCalls: [{ name: "get_weather", arguments: malformed }] }] });
    const result = streamText({
      model: anthropic("claude-sonnet-4-5"),
      prompt: "x",
      tools: { get_weather: weatherTool() },
    });
    let streamedInput = "";
    const calls: { input: unknown; invalid?: boolean }[] = [];
    for await (const part of result.fullStream) {
      if (part.type === "tool-input-delta") streamedInput += part.delta;
      if (part.type === "tool-call") calls.push(part);
    }
    expect(streamedInput).toBe(malformed);
    expect(calls).toMatchObject([{ input: malformed, invalid: true }]);
  });

  it("answers an error step with its status in Anthropic's error shape", async () => {
    await addScript(server.url, { steps: [{ error: { status: 529, message: "Overloaded" } }] });
    const result = streamText({
      model: anthropic("claude-sonnet-4-5"),
      prompt: "x",
      maxRetries: 0,
      onError: () => {},
    });
    const errors: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === "error") errors.push(part.error);
    expect(errors).toHaveLength(1);
    expect(APICallError.isInstance(errors[0])).toBe(true);
    expect(errors[0]).toMatchObject({ statusCode: 529, message: "Overloaded" });

    const raw = await fetch(`${server.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
    });
    expect(raw.status).toBe(529);
    expect(await raw.json()).toEqual({
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
  });

  it("gives the same deterministic demo reply as the OpenAI endpoint", async () => {
    const result = await streamText({ model: anthropic("claude-sonnet-4-5"), prompt: "Hi there" }).text;
    expect(result.startsWith("Hello! I'm Switchboard's built-in demo model. You said: \"Hi there\". ")).toBe(
      true,
    );
    const viaOpenAI = (await (
      await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ model: "demo", messages: [{ role: "user", content: "Hi there" }] }),
      })
    ).json()) as { choices: { message: { content: string } }[] };
    expect(viaOpenAI.choices[0]?.message.content).toBe(result);
  });
});

describe("Anthropic messages (non-streaming)", () => {
  it("returns text and tool_use content", async () => {
    await addScript(server.url, {
      steps: [
        { toolCalls: [{ name: "get_weather", arguments: { city: "Cairo" } }] },
        { text: "Hot in Cairo." },
      ],
    });
    const result = await generateText({
      model: anthropic("claude-sonnet-4-5"),
      prompt: "weather?",
      tools: { get_weather: weatherTool(async () => "hot") },
      stopWhen: stepCountIs(3),
    });
    expect(result.text).toBe("Hot in Cairo.");
    expect(result.steps[0]?.toolCalls).toMatchObject([{ toolName: "get_weather", input: { city: "Cairo" } }]);
    expect(result.finishReason).toBe("stop");
  });

  it("throws the scripted status from generateText", async () => {
    await addScript(server.url, { steps: [{ error: { status: 400, message: "Bad prompt" } }] });
    const error = await generateText({
      model: anthropic("claude-sonnet-4-5"),
      prompt: "x",
      maxRetries: 0,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 400, message: "Bad prompt" });
  });
});
