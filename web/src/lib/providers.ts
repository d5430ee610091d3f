import type { Provider } from "@switchboard/protocol";

export const providerLabels: Record<Provider, string> = {
  demo: "Demo (scripted)",
  openai: "OpenAI",
  anthropic: "Anthropic",
  openrouter: "OpenRouter",
  "openai-compatible": "OpenAI-compatible",
};

/** A sensible model to prefill when the provider changes; the user can type any other. */
export const defaultModelName: Record<Provider, string> = {
  demo: "demo",
  openai: "gpt-4o-mini",
  anthropic: "claude-sonnet-4-5",
  openrouter: "openai/gpt-4o-mini",
  "openai-compatible": "",
};

export const modelSuggestions: Record<Provider, string[]> = {
  demo: ["demo"],
  openai: ["gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "o4-mini"],
  anthropic: ["claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5"],
  openrouter: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5", "meta-llama/llama-3.3-70b-instruct"],
  "openai-compatible": [],
};

export function providerLabel(provider: string): string {
  return providerLabels[provider as Provider] ?? provider;
}

/** What a stored credential is for: a model provider's key, or the fields of an MCP server (`mcp`). */
export function credentialKindLabel(kind: string): string {
  return kind === "mcp" ? "MCP server credential" : providerLabel(kind);
}

/** Providers whose agents need (or may use) a stored key. */
export function usesCredential(provider: Provider): boolean {
  return provider !== "demo";
}
