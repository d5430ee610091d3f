import { env } from "cloudflare:test";
import { it } from "vitest";
import { createApp } from "../../src/app.ts";
it("debug", async () => {
  const app = createApp();
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  for (const p of ["/api/v1/mcp/oauth/callback?state=x", "/api/v1/mcp/oauth/callback", "/api/v1/mcp/catalog"]) {
    const res = await app.fetch(new Request(`http://switchboard.test${p}`), env, ctx);
    console.log("STATUS", p, res.status, await res.text(), res.headers.get("location"));
  }
});
