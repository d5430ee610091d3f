/**
 * The platform's MCP client as a client under test of the MCP conformance suite
 * (`@modelcontextprotocol/conformance`, client mode). The suite starts a test server per scenario, runs
 *
 *   tsx dev/bin/mcp-conformance-client.ts <server-url>      (MCP_CONFORMANCE_SCENARIO=<scenario>)
 *
 * and judges what this client did. Everything MCP here is the platform's own code, run under Node (it is
 * runtime-neutral): `connectMcpServer` with the SSRF-guarded fetch, and for servers that want OAuth the
 * same steps the API takes (`beginAuthorization` as `POST /mcp/servers/{id}/oauth/start`, the user's
 * browser, `completeAuthorization` as the callback), then a new connection that sends and refreshes the
 * tokens through the platform's OAuth provider. The browser is the only stand-in: like the suite's example
 * client, it follows the authorization URL (the test servers approve at once) and takes the code from the
 * redirect. The credential lives in memory instead of the vault.
 *
 * Scenarios the platform does not take part in (see `NOT_APPLICABLE` in mcp-conformance.ts) exit 2.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { lookup } from "node:dns/promises";
import type { Database } from "@switchboard/db/client";
import {
  beginAuthorization,
  type ConnectDeps,
  completeAuthorization,
  connectMcpServer,
  createGuardedFetch,
  isAuthorizationRequired,
  type McpServerSpec,
  readStoredOAuth,
  withStoredOAuth,
} from "@switchboard/durable-objects/mcp";

type McpClient = Awaited<ReturnType<typeof connectMcpServer>>;

/** The platform's callback, as a local deployment (`wrangler dev`) would register it. */
const REDIRECT_URL = "http://localhost:8787/api/v1/mcp/oauth/callback";
/** One authorization per reason at most: a server that keeps refusing must not loop the client. */
const MAX_AUTHORIZATIONS = 2;

const log = (...parts: unknown[]) => console.error("[platform-client]", ...parts);

/** What each scenario's server expects the client to do once connected. */
const WORK: Record<string, (client: McpClient) => Promise<void>> = {
  initialize: async (client) => {
    await client.listTools();
  },
  tools_call: async (client) => {
    const { tools } = await client.listTools();
    if (!tools.some((tool) => tool.name === "add_numbers")) throw new Error("no add_numbers tool");
    const result = await client.callTool({ name: "add_numbers", arguments: { a: 5, b: 3 } });
    log("add_numbers:", JSON.stringify(result.content));
  },
  "sse-retry": async (client) => {
    const result = await client.callTool({ name: "test_reconnection", arguments: {} });
    log("test_reconnection:", JSON.stringify(result.content));
  },
};

/** Auth scenarios: list the tools and call the suite's `test-tool`, authorizing whenever asked to. */
async function authWork(client: McpClient): Promise<void> {
  await client.listTools();
  await client.callTool({ name: "test-tool", arguments: {} });
}

async function main(): Promise<number> {
  const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? "";
  const serverUrl = process.argv[2];
  if (!scenario || !serverUrl) {
    log("usage: MCP_CONFORMANCE_SCENARIO=<scenario> mcp-conformance-client.ts <server-url>");
    return 1;
  }
  const work = WORK[scenario] ?? (scenario.startsWith("auth/") ? authWork : undefined);
  if (!work) {
    log(`scenario ${scenario} does not apply to the platform's client`);
    return 2;
  }
  await new PlatformClient(serverUrl, preRegisteredClient()).run(work);
  return 0;
}

/** The server as the platform stores it, and the connection dependencies a run would give it. */
class PlatformClient {
  readonly #spec: McpServerSpec;
  /** The server's credential fields (the vault's job in the platform). */
  #fields: Record<string, string> = {};
  readonly #guardedFetch = createGuardedFetch({ policy: "loopback", resolve: resolveWithSystemDns });

  constructor(
    serverUrl: string,
    private readonly preRegistered?: { client_id: string; client_secret?: string },
  ) {
    this.#spec = {
      id: randomUUID(),
      name: "conformance test server",
      transport: "streamable-http",
      url: serverUrl,
      catalogId: null,
      credentialId: null,
      ownerKey: `user:${randomUUID()}`,
    };
  }

  /** Connects and does the scenario's work; when the server wants authorization, authorizes and retries. */
  async run(work: (client: McpClient) => Promise<void>): Promise<void> {
    for (let authorizations = 0; ; authorizations++) {
      let client: McpClient | undefined;
      try {
        client = await connectMcpServer(this.#spec, this.#deps());
        log("connected");
        await work(client);
        log("done");
        return;
      } catch (error) {
        if (!isAuthorizationRequired(error) || authorizations >= MAX_AUTHORIZATIONS) throw error;
        log("the server wants authorization:", error instanceof Error ? error.message : error);
        await this.#authorize();
      } finally {
        await client?.close().catch(() => undefined);
      }
    }
  }

  #deps(): ConnectDeps {
    return {
      userId: `user-${randomUUID()}`,
      db: noDatabase,
      guardedFetch: this.#guardedFetch,
      credentialFields: async () => this.#fields,
      saveCredentialFields: async (fields) => {
        this.#fields = fields;
      },
    };
  }

  /** What `POST /mcp/servers/{id}/oauth/start`, the browser and the callback do, in one go. */
  async #authorize(): Promise<void> {
    const url = this.#spec.url ?? "";
    const state = randomBytes(32).toString("base64url");
    const started = await beginAuthorization({
      serverUrl: url,
      transport: "streamable-http",
      redirectUrl: REDIRECT_URL,
      state,
      fetch: this.#guardedFetch,
      client: this.preRegistered ? { ...this.preRegistered, redirect_uris: [REDIRECT_URL] } : undefined,
      // As the API's start does: the scope the server asked for when it last refused (step-up).
      scope: readStoredOAuth(this.#fields, this.#spec.id)?.scope,
    });
    log("authorization URL:", started.authorizationUrl.href);
    const back = await followAsBrowser(started.authorizationUrl, this.#guardedFetch);
    if (back.searchParams.get("state") !== state)
      throw new Error("the callback came back with another state");
    const code = back.searchParams.get("code");
    if (!code) throw new Error(`the authorization server refused: ${back.searchParams.get("error")}`);
    const stored = await completeAuthorization({
      serverUrl: url,
      redirectUrl: REDIRECT_URL,
      code,
      codeVerifier: started.codeVerifier,
      client: started.client,
      resourceMetadataUrl: started.resourceMetadataUrl,
      fetch: this.#guardedFetch,
    });
    this.#fields = withStoredOAuth(this.#fields, this.#spec.id, stored);
    log("authorized; token type", stored.tokens?.token_type);
  }
}

/**
 * The user's browser at the authorization server: the suite's servers approve at once and redirect to the
 * callback with the code and state, so that redirect is where the browser would land.
 */
async function followAsBrowser(authorizationUrl: URL, fetchFn: typeof fetch): Promise<URL> {
  const response = await fetchFn(authorizationUrl, { redirect: "manual" });
  await response.body?.cancel();
  const location = response.headers.get("location");
  if (!location) throw new Error(`the authorization server answered ${response.status}, not a redirect`);
  const back = new URL(location, authorizationUrl);
  if (`${back.origin}${back.pathname}` !== REDIRECT_URL)
    throw new Error(`redirected elsewhere: ${back.origin}`);
  return back;
}

/** `auth/pre-registration`: the suite hands over a client registered in advance. */
function preRegisteredClient(): { client_id: string; client_secret?: string } | undefined {
  const raw = process.env.MCP_CONFORMANCE_CONTEXT;
  if (!raw) return undefined;
  const context = JSON.parse(raw) as { client_id?: unknown; client_secret?: unknown };
  if (typeof context.client_id !== "string") return undefined;
  return {
    client_id: context.client_id,
    ...(typeof context.client_secret === "string" ? { client_secret: context.client_secret } : {}),
  };
}

/** Names resolved by the system resolver: the suite's servers are on `localhost` (loopback, allowed). */
async function resolveWithSystemDns(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((entry) => entry.address);
}

/** Remote servers never touch the database (only the platform's internal servers do). */
const noDatabase = new Proxy(
  {},
  {
    get() {
      throw new Error("the conformance client has no database");
    },
  },
) as Database;

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log("failed:", error);
    process.exit(1);
  },
);
