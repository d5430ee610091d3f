import { type FunctionTool, tool } from "@openai/agents";
import type { CachedTool } from "@switchboard/db";
import type { McpServerSpec, ServerToolGrant } from "./server-spec.ts";
import { invokeTool, type ToolInvokerDeps } from "./tool-invoker.ts";
import { modelToolName } from "./tool-names.ts";

export interface RunToolsInput {
  grants: readonly ServerToolGrant[];
  invoker: ToolInvokerDeps;
  /** Lists a server's tools now (connecting) and stores the list; for servers never listed before. */
  listTools(server: McpServerSpec): Promise<CachedTool[]>;
}

/**
 * The agent's tools for one run, built from each server's cached tool list: no server is contacted
 * until the model calls one of its tools. Only a server that was never listed is listed now.
 */
export async function buildRunTools(input: RunToolsInput): Promise<FunctionTool[]> {
  const tools: FunctionTool[] = [];
  const taken = new Set<string>();
  for (const grant of input.grants) {
    const list = grant.cachedTools ?? (await input.listTools(grant.server).catch(() => []));
    const allowed = grant.names ? new Set(grant.names) : undefined;
    for (const mcpTool of list) {
      if (allowed && !allowed.has(mcpTool.name)) continue;
      let name = modelToolName(grant.server.name, mcpTool.name);
      for (let n = 2; taken.has(name); n++) name = `${name.slice(0, 60)}_${n}`;
      taken.add(name);
      tools.push(functionTool(input.invoker, grant.server, mcpTool, name));
    }
  }
  return tools;
}

function functionTool(
  invoker: ToolInvokerDeps,
  server: McpServerSpec,
  mcpTool: CachedTool,
  name: string,
): FunctionTool {
  // The SDK types JSON-schema parameters through an unexported helper type, so the options are cast once here.
  const options = {
    name,
    description: [mcpTool.title, mcpTool.description].filter(Boolean).join(": ") || mcpTool.name,
    parameters: jsonSchemaForModel(mcpTool.inputSchema),
    strict: false,
    execute: (input: unknown, _context: unknown, details?: { toolCall?: { callId?: string } }) =>
      invokeTool(invoker, {
        callId: details?.toolCall?.callId ?? crypto.randomUUID(),
        server,
        tool: mcpTool.name,
        modelName: name,
        args: typeof input === "string" ? safeParse(input) : input,
        allowed: true,
      }),
    // invokeTool never throws; anything else (a cancelled run) must end the run, not feed the model.
    errorFunction: null,
  };
  return tool(options as unknown as Parameters<typeof tool>[0]) as unknown as FunctionTool;
}

/** Providers need `type: "object"` with `properties`; MCP guarantees the first, not always the second. */
function jsonSchemaForModel(schema: Record<string, unknown>): ModelJsonSchema {
  return {
    ...schema,
    type: "object" as const,
    properties: (schema.properties as Record<string, unknown> | undefined) ?? {},
    required: (schema.required as string[] | undefined) ?? [],
    additionalProperties: (schema.additionalProperties as boolean | undefined) ?? true,
  };
}

/** The shape the Agents SDK accepts for a non-strict JSON-schema tool (its own type is not exported). */
interface ModelJsonSchema {
  type: "object";
  // biome-ignore lint/suspicious/noExplicitAny: MCP input schemas are arbitrary JSON Schema.
  properties: Record<string, any>;
  required: string[];
  additionalProperties: boolean;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
