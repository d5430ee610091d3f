import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

/** The baseline: the MCP SDK's own client and transport, as any application would use them. */
export async function connectDirect(url: string): Promise<Client> {
  const client = new Client({ name: "bench-direct", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** One `tools/call` of the reference server's `echo`; throws unless it echoed. */
export async function directEcho(client: Client, message: string): Promise<void> {
  const result = await client.callTool({ name: "echo", arguments: { message } });
  const first = (result.content as { type: string; text?: string }[] | undefined)?.[0];
  if (first?.text !== `Echo: ${message}`)
    throw new Error(`unexpected echo result: ${JSON.stringify(result)}`);
}

/** A cold list, as a one-off: connect, initialize, `tools/list`, close. */
export async function directColdList(url: string): Promise<number> {
  const client = await connectDirect(url);
  try {
    return (await client.listTools()).tools.length;
  } finally {
    await client.close();
  }
}
