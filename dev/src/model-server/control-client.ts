import type { LogEntry } from "./response-log.ts";
import type { ScriptRequest } from "./script-schema.ts";

/** Typed helpers for the control API, for Node tests and benchmarks that talk to a running server. */
export async function addScript(baseUrl: string, script: ScriptRequest): Promise<string> {
  const res = await fetch(`${baseUrl}/_scripts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(script),
  });
  if (res.status !== 201) throw new Error(`POST /_scripts failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export async function clearScripts(baseUrl: string): Promise<void> {
  await expectOk(await fetch(`${baseUrl}/_scripts`, { method: "DELETE" }), "DELETE /_scripts");
}

export async function readLog(
  baseUrl: string,
  options: { limit?: number; timings?: boolean } = {},
): Promise<LogEntry[]> {
  const query = new URLSearchParams();
  if (options.limit !== undefined) query.set("limit", String(options.limit));
  if (options.timings) query.set("timings", "1");
  const res = await fetch(`${baseUrl}/_log?${query}`);
  await expectOk(res, "GET /_log", false);
  return (await res.json()) as LogEntry[];
}

export async function clearLog(baseUrl: string): Promise<void> {
  await expectOk(await fetch(`${baseUrl}/_log`, { method: "DELETE" }), "DELETE /_log");
}

async function expectOk(res: Response, what: string, drain = true): Promise<void> {
  if (!res.ok) throw new Error(`${what} failed: ${res.status} ${await res.text()}`);
  if (drain) await res.body?.cancel();
}
