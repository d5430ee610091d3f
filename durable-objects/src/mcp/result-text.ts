import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** Renders a tool result as the text the model reads: text parts as-is, other parts described. */
export function resultText(result: CallToolResult): string {
  const parts: string[] = [];
  for (const item of result.content ?? []) {
    if (item.type === "text") parts.push(item.text);
    else if (item.type === "image" || item.type === "audio")
      parts.push(`[${item.type}: ${item.mimeType}, ${Math.round((item.data.length * 3) / 4)} bytes]`);
    else if (item.type === "resource")
      parts.push("text" in item.resource ? item.resource.text : `[resource ${item.resource.uri}]`);
    else if (item.type === "resource_link")
      parts.push(`[resource ${item.uri}${item.name ? ` (${item.name})` : ""}]`);
  }
  if (parts.length === 0 && result.structuredContent !== undefined)
    parts.push(JSON.stringify(result.structuredContent));
  return parts.join("\n");
}
