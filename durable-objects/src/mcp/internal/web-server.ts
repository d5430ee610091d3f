import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";

const MAX_BYTES = 512 * 1024;

/**
 * The internal "Web fetch" server: one tool that fetches a public URL as text. It runs in-process and is
 * given the SSRF-guarded fetch, so a model cannot use it to reach private or metadata addresses.
 * @example const server = createWebServer({ fetch: guardedFetch }); await server.connect(transport);
 */
export function createWebServer(deps: { fetch: typeof fetch }): McpServer {
  const server = new McpServer({ name: "switchboard-web", version: "1.0.0" });
  server.registerTool(
    "fetch_url",
    {
      title: "Fetch a URL",
      description:
        "Fetches a public http(s) URL and returns its status, content type and body as text (HTML tags removed).",
      inputSchema: {
        url: z.url({ protocol: /^https?$/ }).describe("The absolute http or https URL to fetch"),
        maxChars: z
          .number()
          .int()
          .min(100)
          .max(100_000)
          .optional()
          .describe("Return at most this many characters of the body (default 20000)"),
      },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    async ({ url, maxChars }) => {
      const response = await deps.fetch(url, {
        headers: { accept: "text/html,text/plain,application/json,*/*" },
      });
      const contentType = response.headers.get("content-type") ?? "";
      const bytes = await readCapped(response, MAX_BYTES);
      let body = new TextDecoder().decode(bytes);
      if (contentType.includes("html")) body = htmlToText(body);
      const limit = maxChars ?? 20_000;
      const text = body.length > limit ? `${body.slice(0, limit)}\n[… truncated]` : body;
      return {
        content: [{ type: "text", text: `HTTP ${response.status} ${contentType}\n\n${text}` }],
        isError: !response.ok,
      };
    },
  );
  return server;
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < maxBytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  await reader.cancel().catch(() => undefined);
  const out = new Uint8Array(Math.min(total, maxBytes));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, out.length - offset);
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|noscript)[^>]*>[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/(p|div|li|h[1-6]|tr)>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n+/g, "\n\n")
    .trim();
}
