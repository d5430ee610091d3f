import type { Env as WorkerEnv } from "../src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      /** Test-only: where the scripted model server's control API is. */
      MODEL_SERVER_URL: string;
      /** Test-only: the loopback redirect server of the guarded-fetch tests. */
      REDIRECT_SERVER_URL: string;
      /** Test-only: the reference MCP server (server-everything) over Streamable HTTP and over SSE. */
      EVERYTHING_HTTP_URL: string;
      EVERYTHING_SSE_URL: string;
      /** Test-only: an SDK-built MCP server whose tool list changes when `unlock_extra` is called. */
      LIST_CHANGING_URL: string;
    }
  }
}

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      /** Types `exports` from `cloudflare:workers`: tests call the worker as `exports.default.fetch`. */
      mainModule: typeof import("../src/index.ts");
      durableNamespaces: "ConversationAgent";
    }
  }
}
