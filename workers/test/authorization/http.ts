import { exports } from "cloudflare:workers";
import { BASE } from "../helpers/api.ts";

/** How a principal proves who it is; `undefined` is the anonymous caller. */
export type Credential = { bearer: string } | { apiKey: string } | undefined;

export interface Sent {
  status: number;
  headers: Headers;
  /** The body as text; empty for a WebSocket upgrade or an event stream (they are closed at once). */
  text: string;
  json: unknown;
}

export interface Outgoing {
  method?: string;
  path: string;
  body?: unknown;
  /** Sent as is (for invalid JSON); `body` wins when both are given. */
  rawBody?: string;
  headers?: Record<string, string>;
  credential?: Credential;
}

/**
 * Calls the real worker, as `helpers/api.ts` does, but also copes with the two live endpoints: a WebSocket
 * that was accepted is closed straight away, an event stream is cancelled, so neither keeps the test open.
 * Every request comes from its own address, so per-IP rate limits never couple unrelated cases.
 */
export async function send(request: Outgoing): Promise<Sent> {
  const headers = new Headers(request.headers);
  if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", randomTestAddress());
  const credential = request.credential;
  if (credential && "bearer" in credential) headers.set("Authorization", `Bearer ${credential.bearer}`);
  if (credential && "apiKey" in credential) headers.set("X-API-Key", credential.apiKey);
  let body = request.rawBody;
  if (request.body !== undefined) body = JSON.stringify(request.body);
  if (body !== undefined && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  const response = await exports.default.fetch(
    // A redirect (the OAuth callback's) is the answer under test, not something to follow.
    new Request(`${BASE}${request.path}`, {
      method: request.method ?? "GET",
      headers,
      body,
      redirect: "manual",
    }),
  );
  if (response.webSocket) {
    response.webSocket.accept();
    response.webSocket.close(1000, "test done");
    return { status: response.status, headers: response.headers, text: "", json: undefined };
  }
  if (response.headers.get("Content-Type")?.startsWith("text/event-stream")) {
    await response.body?.cancel();
    return { status: response.status, headers: response.headers, text: "", json: undefined };
  }
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: parseJson(text) };
}

/** Like {@link send}, but a setup step: anything but `status` is a broken fixture, not a finding. */
export async function must<T>(status: number, request: Outgoing): Promise<T> {
  const res = await send(request);
  if (res.status !== status) {
    throw new Error(
      `setup ${request.method ?? "GET"} ${request.path}: expected ${status}, got ${res.status} ${res.text}`,
    );
  }
  return res.json as T;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** An address in 198.18.0.0/15, the range set aside for benchmarks and tests (RFC 2544). */
function randomTestAddress(): string {
  const [a = 0, b = 0, c = 0] = crypto.getRandomValues(new Uint8Array(3));
  return `198.${18 + (a & 1)}.${b}.${c}`;
}
