import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { aisdk } from "@openai/agents-extensions/ai-sdk";
import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import type { Provider } from "@switchboard/protocol";
import { ModelConfigurationError } from "./run-errors.ts";

/** A decrypted provider secret, alive only for the duration of one run. */
export interface ProviderSecret {
  apiKey: string;
  baseUrl?: string | undefined;
}

export interface ModelSpec {
  provider: Provider;
  name: string;
  secret?: ProviderSecret | undefined;
  /** Base URL of the scripted demo model server (OpenAI-compatible). */
  demoModelUrl?: string | undefined;
}

/**
 * Builds an Agents SDK model from an AI SDK provider, so every provider the AI SDK speaks drives the
 * same agent loop. `demo` is the built-in scripted model: no key, clearly labelled in the UI.
 */
export function createAgentModel(spec: ModelSpec) {
  switch (spec.provider) {
    case "demo": {
      if (!spec.demoModelUrl) {
        throw new ModelConfigurationError(
          "The demo model is not configured on this deployment (DEMO_MODEL_URL).",
        );
      }
      const demo = createOpenAICompatible({
        name: "demo",
        baseURL: `${spec.demoModelUrl.replace(/\/$/, "")}/v1`,
        apiKey: "demo",
        includeUsage: true,
      });
      return aisdk(demo.chatModel(spec.name));
    }
    case "openai": {
      const secret = requireSecret(spec);
      return aisdk(createOpenAI({ apiKey: secret.apiKey, baseURL: secret.baseUrl })(spec.name));
    }
    case "anthropic": {
      const secret = requireSecret(spec);
      return aisdk(createAnthropic({ apiKey: secret.apiKey, baseURL: secret.baseUrl })(spec.name));
    }
    case "openrouter": {
      const secret = requireSecret(spec);
      return aisdk(createOpenRouter({ apiKey: secret.apiKey, baseURL: secret.baseUrl })(spec.name));
    }
    case "openai-compatible": {
      const secret = requireSecret(spec);
      if (!secret.baseUrl) {
        throw new ModelConfigurationError("An OpenAI-compatible credential needs a base URL.");
      }
      const compatible = createOpenAICompatible({
        name: "openai-compatible",
        baseURL: secret.baseUrl,
        apiKey: secret.apiKey,
        includeUsage: true,
      });
      return aisdk(compatible.chatModel(spec.name));
    }
  }
}

function requireSecret(spec: ModelSpec): ProviderSecret {
  if (!spec.secret) {
    throw new ModelConfigurationError(
      `The ${spec.provider} provider needs a credential; attach one to the agent.`,
    );
  }
  return spec.secret;
}
