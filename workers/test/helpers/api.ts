import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import type { AuthResult } from "@switchboard/protocol";

export const BASE = "http://switchboard.test/api/v1";

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the worker's real fetch handler, as a client would. */
export async function api<T = unknown>(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    token?: string;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<ApiResponse<T>> {
  const headers = new Headers(init.headers);
  // Each call from its own address, so per-IP limits only bite in the tests that set one.
  if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", randomTestIp());
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.body);
  } else if (init.rawBody !== undefined && !headers.has("Content-Type")) {
    headers.set("Content-Type", "application/json");
  }
  const response = await exports.default.fetch(
    new Request(`${BASE}${path}`, { method: init.method ?? "GET", headers, body }),
  );
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}

function randomTestIp(): string {
  const [a = 0, b = 0, c = 0] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}

let counter = 0;
/** A fresh user with a unique email. */
export async function registerUser(name = "Test User"): Promise<AuthResult> {
  counter += 1;
  const email = `user-${crypto.randomUUID().slice(0, 8)}-${counter}@example.com`;
  const res = await api<AuthResult>("/auth/register", {
    method: "POST",
    body: { email, password: "correct horse battery", name },
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A user with a demo-model agent and a conversation with it. */
export async function userWithConversation(instructions = "You are a test agent.") {
  const auth = await registerUser();
  const agent = await api<{ id: string }>("/agents", {
    method: "POST",
    token: auth.accessToken,
    body: { name: "Tester", instructions, model: { provider: "demo", name: "demo" } },
  });
  const conversation = await api<{ id: string }>("/conversations", {
    method: "POST",
    token: auth.accessToken,
    body: { agentId: agent.body.id },
  });
  return { auth, token: auth.accessToken, agentId: agent.body.id, conversationId: conversation.body.id };
}

/** Tells the scripted model server what to answer when the last user message contains `userIncludes`. */
export async function scriptReply(userIncludes: string, text: string, tokensPerSecond = 200): Promise<void> {
  const res = await fetch(`${env.MODEL_SERVER_URL}/_scripts`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ match: { userIncludes }, steps: [{ text, tokensPerSecond }] }),
  });
  if (res.status !== 201) throw new Error(`scripting the model failed: ${res.status} ${await res.text()}`);
}

/** A reply of `count` distinct words, so any duplicate or gap shows in the text. */
export function numberedText(count: number): string {
  return Array.from({ length: count }, (_, i) => `w${i + 1}`).join(" ");
}
