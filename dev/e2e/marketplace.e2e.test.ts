import { catalogEntry } from "@switchboard/protocol";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { registerInBrowser, useBrowserStack } from "./browser.ts";

/** Scripts the model server: for a message containing `marker`, first call `tool`, then answer `text`. */
async function scriptToolCall(marker: string, tool: string, text: string): Promise<void> {
  const response = await fetch(`${e2e.stack.modelServerUrl}/_scripts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      match: { userIncludes: marker },
      steps: [{ toolCalls: [{ name: tool, arguments: {} }] }, { text }],
    }),
  });
  if (response.status !== 201)
    throw new Error(`scripting failed: ${response.status} ${await response.text()}`);
}

const e2e = useBrowserStack();

const toolNames = (page: Page) =>
  page.getByTestId("mcp-tool").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-tool-name")));

describe("the MCP marketplace in Chromium", () => {
  it("enables Memory with consent to its command, lists its tools, attaches one to an agent and shows its calls in chat", async () => {
    const memoryCommand = catalogEntry("memory")?.command;
    expect(memoryCommand).toBeTruthy();
    const context = await e2e.browser.newContext();
    const page = await context.newPage();
    await registerInBrowser(page, e2e.stack.url, "Grace");

    await page.getByRole("link", { name: "Tools", exact: true }).click();
    await page.waitForURL(/\/tools$/);
    await page.getByTestId("catalog-entry").first().waitFor();

    // A custom URL the outbound policy refuses: the server's reason shows under the URL, nothing typed is lost.
    await page.getByRole("button", { name: "Connect a server by URL" }).click();
    const custom = page.getByRole("dialog");
    await custom.getByLabel("URL").fill("http://169.254.169.254/mcp");
    await custom.getByLabel("Server name").fill("Metadata");
    await custom.getByRole("button", { name: "Connect server" }).click();
    await custom.getByTestId("field-error").waitFor();
    expect(await custom.getByTestId("field-error").textContent()).toBeTruthy();
    expect(await custom.getByLabel("URL").inputValue()).toBe("http://169.254.169.254/mcp");
    expect(await custom.getByLabel("Server name").inputValue()).toBe("Metadata");
    await custom.getByRole("button", { name: "Cancel" }).click();

    // Memory runs on the workspace host: the whole command is shown and must be consented to.
    await page.getByRole("button", { name: "Enable Memory" }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.getByTestId("consent-command").textContent()).toBe(memoryCommand);
    expect(await dialog.getByLabel("Server name").inputValue()).toBe("Memory");
    await dialog.getByRole("button", { name: "Enable server" }).click();
    await dialog.getByText("Tick the box to let the workspace host run this command.").waitFor();
    await dialog.getByLabel("Run this command on the workspace host").check();
    await dialog.getByRole("button", { name: "Enable server" }).click();
    await page.getByTestId("server-enabled").waitFor();
    const row = page.getByTestId("mcp-server-row").filter({ hasText: "Memory" });
    await row.waitFor();

    // Its tools, listed from the stdio server on the workspace host.
    await row.getByRole("link", { name: "View tools of Memory" }).click();
    await page.waitForURL(/\/tools\/servers\/[0-9a-f-]{36}$/);
    await expect
      .poll(() => toolNames(page), { timeout: 60_000 })
      .toEqual(expect.arrayContaining(["create_entities", "read_graph"]));
    const readGraph = page.locator('[data-testid="mcp-tool"][data-tool-name="read_graph"]');
    await readGraph.getByText("Input schema").click();
    expect(await readGraph.locator("pre").textContent()).toContain('"type"');
    await page.getByRole("button", { name: "Refresh", exact: true }).click();
    await expect
      .poll(() => page.getByTestId("tools-fetched").textContent(), { timeout: 60_000 })
      .not.toContain("(cached)");
    expect(await toolNames(page)).toEqual(expect.arrayContaining(["create_entities", "read_graph"]));

    // An agent that may call read_graph, and only that.
    await page.goto(`${e2e.stack.url}/agents/new`);
    await page.getByLabel("Name").fill("Memory keeper");
    await page.getByLabel("Provider").selectOption("demo");
    const grant = page.getByTestId("tool-grant").filter({ hasText: "Memory" });
    await grant.getByRole("button", { name: "Choose tools of Memory" }).click();
    await grant.getByLabel("read_graph", { exact: true }).check();
    expect(await grant.getAttribute("data-mode")).toBe("some");
    await page.getByRole("button", { name: "Create agent" }).click();
    await page.waitForURL(/\/agents$/);

    const card = page.getByTestId("agent-card").filter({ hasText: "Memory keeper" });
    await expect
      .poll(() => card.getByTestId("agent-tools").textContent(), { timeout: 10_000 })
      .toContain("Memory: read_graph");

    // The editor shows the same grant.
    await card.getByRole("link", { name: "Edit Memory keeper" }).click();
    await page.waitForURL(/\/agents\/[0-9a-f-]{36}$/);
    const saved = page.getByTestId("tool-grant").filter({ hasText: "Memory" });
    await expect.poll(() => saved.getAttribute("data-mode"), { timeout: 10_000 }).toBe("some");
    expect(await saved.getByTestId("tool-grant-summary").textContent()).toBe("Only read_graph");
    const agentId = new URL(page.url()).pathname.split("/").at(-1) ?? "";

    // The agent calls the tool in a chat: the row names the tool and its server, with the duration.
    await scriptToolCall("memory-test", "memory__read_graph", "The graph is empty.");
    await page.goto(`${e2e.stack.url}/chat`);
    await page.getByRole("button", { name: "New chat" }).click();
    await page.getByLabel("Agent").selectOption(agentId);
    await page.getByRole("button", { name: "Start chat" }).click();
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}/);
    await expect
      .poll(() => page.getByTestId("connection-status").textContent(), { timeout: 20_000 })
      .toBe("live");
    await page.getByLabel("Message").fill("Please run the memory-test.");
    await page.getByLabel("Message").press("Enter");
    const call = page.getByTestId("tool-call").first();
    await expect.poll(() => call.getAttribute("data-state"), { timeout: 60_000 }).toBe("done");
    expect(await call.getAttribute("data-tool")).toBe("read_graph");
    expect(await call.locator("summary").textContent()).toContain("Memory");
    await expect.poll(() => call.getByTestId("tool-duration").count(), { timeout: 10_000 }).toBe(1);
    await expect
      .poll(() => page.getByTestId("assistant-message").last().getAttribute("data-streaming"), {
        timeout: 30_000,
      })
      .toBe("false");

    // After a reload the call comes from the recorded history, before the reply.
    await page.reload();
    const recorded = page.getByTestId("tool-call").first();
    await expect.poll(() => recorded.getAttribute("data-state"), { timeout: 20_000 }).toBe("done");
    expect(await recorded.getAttribute("data-tool")).toBe("read_graph");
    expect(await recorded.locator("summary").textContent()).toContain("Memory");
    await recorded.locator("summary").click();
    expect(await recorded.getByTestId("tool-result").textContent()).toContain("entities");
    await context.close();
  });
});
