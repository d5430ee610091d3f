import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { type E2eStack, startE2eStack } from "./e2e-stack.ts";

/** Debian's Chromium, headless; never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export interface BrowserStack {
  stack: E2eStack;
  browser: Browser;
}

/**
 * Starts the whole stack and Chromium before the test file runs and closes both after it. The fields are
 * set once `beforeAll` has run: read them inside tests, not at module level.
 * @example const e2e = useBrowserStack(); it("…", async () => { const page = await e2e.browser.newPage(); });
 */
export function useBrowserStack(): BrowserStack {
  const e2e = {} as BrowserStack;
  beforeAll(async () => {
    e2e.stack = await startE2eStack();
    e2e.browser = await launchChromium();
  });
  afterAll(async () => {
    await e2e.browser?.close();
    await e2e.stack?.close();
  });
  return e2e;
}

/**
 * Creates an account through the register page and waits for the app's landing page, signed in. The email
 * is unique per call (`<first name>-<now>@example.com`); it is returned for tests that invite the user.
 * @example const email = await registerInBrowser(page, e2e.stack.url, "Grace");
 */
export async function registerInBrowser(page: Page, baseUrl: string, name: string): Promise<string> {
  const email = `${(name.split(" ")[0] ?? name).toLowerCase()}-${Date.now()}@example.com`;
  await page.goto(`${baseUrl}/register`);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("correct horse battery staple");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/chat/);
  return email;
}
