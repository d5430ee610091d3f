import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { registerInBrowser, useBrowserStack } from "./browser.ts";
import { scriptReply } from "./e2e-stack.ts";

const e2e = useBrowserStack();

/** Distinct words, so a duplicated or missing token shows in the final text. */
const reply = Array.from({ length: 90 }, (_, i) => `word${i + 1}`).join(" ");

async function signUpAndCreateAgent(page: Page): Promise<void> {
  await registerInBrowser(page, e2e.stack.url, "Ada Lovelace");

  await page.goto(`${e2e.stack.url}/agents/new`);
  await page.getByLabel("Name").fill("Demo helper");
  await page.getByLabel("Instructions").fill("Answer briefly.");
  await page.getByLabel("Provider").selectOption("demo");
  await page.getByLabel("Model").fill("demo");
  await page.getByRole("button", { name: "Create agent" }).click();
  await page.waitForURL(/\/agents(\/|$)/);
}

async function startChat(page: Page): Promise<string> {
  await page.goto(`${e2e.stack.url}/chat`);
  await page.getByRole("button", { name: "New chat" }).click();
  await page.getByRole("button", { name: "Start chat" }).click();
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}/);
  await expect
    .poll(() => page.getByTestId("connection-status").textContent(), { timeout: 15_000 })
    .toBe("live");
  return page.url();
}

const lastAssistant = (page: Page) => page.getByTestId("assistant-message").last();
const lastReplyText = async (page: Page) =>
  (await lastAssistant(page).getByTestId("message-content").textContent())?.trim() ?? "";

describe("chat in Chromium", () => {
  it("streams a reply that survives a reload mid-answer, and a second tab sees it live", async () => {
    await scriptReply(e2e.stack.modelServerUrl, "reload-test", reply, 15);
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    await signUpAndCreateAgent(page);
    const chatUrl = await startChat(page);
    await page.getByText("Demo model").first().waitFor();

    const watcher = await context.newPage();
    await watcher.goto(chatUrl);
    await expect
      .poll(() => watcher.getByTestId("connection-status").textContent(), { timeout: 15_000 })
      .toBe("live");

    await page.getByLabel("Message").fill("Please run the reload-test.");
    await page.getByLabel("Message").press("Enter");

    // Reload once some, but not all, of the answer has arrived.
    await expect
      .poll(async () => (await lastReplyText(page)).split(" ").length, { timeout: 20_000 })
      .toBeGreaterThan(10);
    const seenBeforeReload = await lastReplyText(page);
    expect(seenBeforeReload.length).toBeLessThan(reply.length);
    await page.reload();

    // The second tab is watching the same stream live while the first reloads.
    await expect
      .poll(() => watcher.getByTestId("assistant-message").last().getAttribute("data-streaming"), {
        timeout: 20_000,
      })
      .toBe("true");

    await expect
      .poll(() => lastAssistant(page).getAttribute("data-streaming"), { timeout: 30_000 })
      .toBe("false");
    expect(await lastReplyText(page)).toBe(reply);
    await expect
      .poll(() => watcher.getByTestId("assistant-message").last().getAttribute("data-streaming"), {
        timeout: 30_000,
      })
      .toBe("false");
    expect(await lastReplyText(watcher)).toBe(reply);

    // What the model produced, by its own log, is exactly what both pages show.
    const log = (await (await fetch(`${e2e.stack.modelServerUrl}/_log?limit=50`)).json()) as {
      text: string;
    }[];
    expect(log.map((entry) => entry.text)).toContain(reply);
    await context.close();
  });

  it("recovers the stream after the network drops", async () => {
    await scriptReply(e2e.stack.modelServerUrl, "offline-test", reply, 20);
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    await signUpAndCreateAgent(page);
    await startChat(page);
    await page.getByLabel("Message").fill("Now the offline-test.");
    await page.getByRole("button", { name: "Send" }).click();
    await expect
      .poll(async () => (await lastReplyText(page)).length, { timeout: 20_000 })
      .toBeGreaterThan(20);

    await context.setOffline(true);
    await expect
      .poll(() => page.getByTestId("connection-status").textContent(), { timeout: 20_000 })
      .not.toBe("live");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await context.setOffline(false);

    await expect
      .poll(() => lastAssistant(page).getAttribute("data-streaming"), { timeout: 30_000 })
      .toBe("false");
    expect(await lastReplyText(page)).toBe(reply);
    await expect
      .poll(() => page.getByTestId("connection-status").textContent(), { timeout: 15_000 })
      .toBe("live");
    await context.close();
  });
});

describe("stopping a reply in Chromium", () => {
  it("stops the running reply with one click and keeps the conversation usable", async () => {
    await scriptReply(e2e.stack.modelServerUrl, "stop-test", reply, 10);
    await scriptReply(e2e.stack.modelServerUrl, "after-stop", "Still here.", 50);
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    await signUpAndCreateAgent(page);
    await startChat(page);
    await page.getByLabel("Message").fill("Begin the stop-test.");
    await page.getByLabel("Message").press("Enter");
    await expect
      .poll(async () => (await lastReplyText(page)).length, { timeout: 20_000 })
      .toBeGreaterThan(10);

    await page.getByRole("button", { name: "Stop" }).click();
    await expect
      .poll(() => page.getByTestId("run-error").last().getAttribute("data-code"), { timeout: 10_000 })
      .toBe("cancelled");
    expect((await lastReplyText(page)).length).toBeLessThan(reply.length);

    await page.getByLabel("Message").fill("after-stop check");
    await page.getByLabel("Message").press("Enter");
    await expect.poll(() => lastReplyText(page), { timeout: 20_000 }).toBe("Still here.");
    await context.close();
  });
});
