import { createApp } from "./app.ts";
import type { Env } from "./env.ts";

export { ConversationAgent, RateLimiter } from "@switchboard/durable-objects";

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
