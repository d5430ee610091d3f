import type { McpCatalogEntry } from "./mcp.ts";

/**
 * The marketplace. stdio entries name the exact command the workspace host runs (shown to the user for
 * consent); the host runs only commands from this list, never one sent in a request.
 */
export interface StdioLaunch {
  /** npm package whose bin the workspace host runs. */
  package: string;
  bin: string;
  /** Arguments after the bin; `{root}` is the owner's directory on the workspace host. */
  args: string[];
  /** Environment the host sets itself; `{root}` as above. Credential fields add their `env` entries. */
  env: Record<string, string>;
}

export interface CatalogDefinition extends McpCatalogEntry {
  stdio?: StdioLaunch;
  /** Internal servers served by the platform itself (in-process in the conversation's Durable Object). */
  internal?: "web" | "agents" | "knowledge";
  /** Servers the workspace host serves over Streamable HTTP at this path. */
  hostPath?: string;
}

const commandOf = (launch: StdioLaunch) =>
  [...Object.entries(launch.env).map(([k, v]) => `${k}=${v}`), launch.bin, ...launch.args].join(" ");

function stdioEntry(entry: Omit<CatalogDefinition, "command" | "transports" | "runsOn" | "custom">) {
  const launch = entry.stdio as StdioLaunch;
  return {
    ...entry,
    transports: ["stdio"],
    runsOn: "workspace-host",
    custom: false,
    command: commandOf(launch),
  } satisfies CatalogDefinition;
}

export const MCP_CATALOG: readonly CatalogDefinition[] = [
  {
    id: "web",
    name: "Web fetch",
    description:
      "Fetch a public web page or API response as text. Private, loopback and cloud-metadata addresses are refused.",
    transports: ["streamable-http"],
    credentialFields: [],
    runsOn: "platform",
    internal: "web",
    custom: false,
  },
  {
    id: "agents",
    name: "Switchboard agents",
    description:
      "Lets a manager agent list, read, create and update the agents its user can manage, with that user's permissions.",
    transports: ["streamable-http"],
    credentialFields: [],
    runsOn: "platform",
    internal: "agents",
    custom: false,
  },
  {
    id: "knowledge",
    name: "Knowledge base",
    description:
      "Documents your agents can search (full-text), personal or shared with a team. Agents add them with add_document; uploading from the dashboard is not built yet.",
    transports: ["streamable-http"],
    credentialFields: [],
    runsOn: "platform",
    internal: "knowledge",
    custom: false,
  },
  {
    id: "workspace",
    name: "Team workspace",
    description:
      "Read, write and list files in the team's persistent workspace. Served by the workspace host.",
    transports: ["streamable-http"],
    credentialFields: [],
    runsOn: "workspace-host",
    hostPath: "/mcp/workspace",
    custom: false,
  },
  stdioEntry({
    id: "filesystem",
    name: "Filesystem",
    description:
      "The reference filesystem server: read, write, search and move files inside your own directory on the workspace host.",
    credentialFields: [],
    homepage: "https://github.com/modelcontextprotocol/servers/tree/main/src/filesystem",
    stdio: {
      package: "@modelcontextprotocol/server-filesystem",
      bin: "mcp-server-filesystem",
      args: ["{root}"],
      env: {},
    },
  }),
  stdioEntry({
    id: "memory",
    name: "Memory",
    description:
      "The reference knowledge-graph memory server: entities, relations and observations that persist.",
    credentialFields: [],
    homepage: "https://github.com/modelcontextprotocol/servers/tree/main/src/memory",
    stdio: {
      package: "@modelcontextprotocol/server-memory",
      bin: "mcp-server-memory",
      args: [],
      env: { MEMORY_FILE_PATH: "{root}/memory.jsonl" },
    },
  }),
  stdioEntry({
    id: "everything",
    name: "Everything (MCP test server)",
    description:
      "The protocol's reference test server: every feature of MCP (echo, sums, progress, sampling, resources, prompts).",
    credentialFields: [],
    homepage: "https://github.com/modelcontextprotocol/servers/tree/main/src/everything",
    stdio: {
      package: "@modelcontextprotocol/server-everything",
      bin: "mcp-server-everything",
      args: ["stdio"],
      env: {},
    },
  }),
  stdioEntry({
    id: "brave-search",
    name: "Brave Search",
    description: "Web, news, image and local search through the Brave Search API.",
    credentialFields: [
      {
        name: "apiKey",
        label: "Brave Search API key",
        description: "From https://api-dashboard.search.brave.com/app/keys",
        required: true,
        secret: true,
        env: "BRAVE_API_KEY",
      },
    ],
    homepage: "https://github.com/brave/brave-search-mcp-server",
    stdio: {
      package: "@brave/brave-search-mcp-server",
      bin: "brave-search-mcp-server",
      args: ["--transport", "stdio"],
      env: {},
    },
  }),
  {
    id: "github",
    name: "GitHub",
    description: "GitHub's hosted MCP server: repositories, issues, pull requests, code search.",
    transports: ["streamable-http"],
    credentialFields: [
      {
        name: "token",
        label: "Personal access token",
        description: "A fine-grained GitHub token with the repository permissions the agent needs",
        required: true,
        secret: true,
        header: "Authorization",
        format: "Bearer {value}",
      },
    ],
    runsOn: "remote",
    url: "https://api.githubcopilot.com/mcp/",
    homepage: "https://github.com/github/github-mcp-server",
    custom: false,
  },
  {
    id: "custom",
    name: "Custom server by URL",
    description:
      "Any MCP server reachable over Streamable HTTP or SSE. Optional bearer token or headers are kept in your vault.",
    transports: ["streamable-http", "sse"],
    credentialFields: [
      {
        name: "bearerToken",
        label: "Bearer token",
        description: "Sent as `Authorization: Bearer …`",
        required: false,
        secret: true,
        header: "Authorization",
        format: "Bearer {value}",
      },
    ],
    runsOn: "remote",
    custom: true,
  },
];

export function catalogEntry(id: string): CatalogDefinition | undefined {
  return MCP_CATALOG.find((entry) => entry.id === id);
}

/** The public view of an entry (what `GET /api/v1/mcp/catalog` returns). */
export function publicCatalogEntry(entry: CatalogDefinition): McpCatalogEntry {
  const { stdio: _stdio, internal: _internal, hostPath: _hostPath, ...rest } = entry;
  return rest;
}
