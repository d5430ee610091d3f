/**
 * The name the model sees for a server's tool: `<server>__<tool>` in 64 characters of `[a-z0-9_]`, so two
 * servers' `search` never clash. Only `_` separates: the Agents SDK rewrites any other character to `_`
 * (so `get-sum` must already be `get_sum`, or the model's call would not find the tool).
 * @example modelToolName("Brave Search", "brave_web_search") // "brave_search__brave_web_search"
 */
export function modelToolName(serverName: string, toolName: string): string {
  const clean = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, "_")
      .replace(/^_+|_+$/g, "");
  const server = (clean(serverName) || "server").slice(0, 24);
  return `${server}__${clean(toolName) || "tool"}`.slice(0, 64);
}
