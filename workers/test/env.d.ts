import type { Env as WorkerEnv } from "../src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      /** Test-only: where the scripted model server's control API is. */
      MODEL_SERVER_URL: string;
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
