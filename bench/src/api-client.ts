import type { AuthResult, SendMessageResult } from "@switchboard/protocol";

const REQUEST_TIMEOUT_MS = 30_000;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The public REST API, as any client would call it (no shortcuts into the worker). */
export class ApiClient {
  readonly baseUrl: string;
  #auth: AuthResult | undefined;

  constructor(workerUrl: string) {
    this.baseUrl = `${workerUrl}/api/v1`;
  }

  get accessToken(): string {
    if (!this.#auth) throw new Error("not signed in");
    return this.#auth.accessToken;
  }

  get userId(): string {
    if (!this.#auth) throw new Error("not signed in");
    return this.#auth.user.id;
  }

  async register(): Promise<AuthResult> {
    const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    this.#auth = await this.#request<AuthResult>("POST", "/auth/register", {
      email,
      password: "benchmark passphrase",
      name: "Benchmark",
    });
    return this.#auth;
  }

  /** Access tokens live 15 minutes and a full run is longer; each scenario starts with a fresh one. */
  async refresh(): Promise<void> {
    if (!this.#auth) throw new Error("not signed in");
    const next = await this.#request<AuthResult>("POST", "/auth/refresh", {
      refreshToken: this.#auth.refreshToken,
    });
    this.#auth = { ...this.#auth, ...next };
  }

  async createDemoAgent(name: string): Promise<string> {
    const agent = await this.#request<{ id: string }>("POST", "/agents", {
      name,
      instructions: "You are a benchmark agent.",
      model: { provider: "demo", name: "demo" },
    });
    return agent.id;
  }

  async createConversation(agentId: string, title: string): Promise<string> {
    const conversation = await this.#request<{ id: string }>("POST", "/conversations", { agentId, title });
    return conversation.id;
  }

  async sendMessage(conversationId: string, content: string): Promise<SendMessageResult> {
    return this.#request<SendMessageResult>("POST", `/conversations/${conversationId}/messages`, { content });
  }

  async cancelRun(conversationId: string): Promise<void> {
    await this.#request("POST", `/conversations/${conversationId}/cancel`);
  }

  streamUrl(conversationId: string, after: number): string {
    return `${this.baseUrl.replace(/^http/, "ws")}/conversations/${conversationId}/stream?after=${after}`;
  }

  eventsUrl(conversationId: string): string {
    return `${this.baseUrl}/conversations/${conversationId}/events`;
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.#auth) headers.authorization = `Bearer ${this.#auth.accessToken}`;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new ApiError(response.status, `${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
