import type { ScriptStore } from "./script-store.ts";

// The server answers any model name; these are the ones it advertises.
const BUILT_IN_MODELS = ["demo"];
const CREATED = 1_735_689_600; // 2025-01-01, fixed so the listing is deterministic.

/**
 * `GET /v1/models` in a shape both SDK families accept: OpenAI's `{object: "list", data}` with the
 * Anthropic fields (`type`, `display_name`, `created_at`, paging) alongside.
 */
export function modelList(scripts: ScriptStore) {
  const scripted = scripts.list().flatMap((script) => (script.match.model ? [script.match.model] : []));
  const ids = [...new Set([...BUILT_IN_MODELS, ...scripted])];
  return {
    object: "list",
    data: ids.map((id) => ({
      id,
      object: "model",
      type: "model",
      created: CREATED,
      created_at: new Date(CREATED * 1000).toISOString(),
      owned_by: "switchboard",
      display_name: id === "demo" ? "Switchboard demo model" : id,
    })),
    has_more: false,
    first_id: ids[0] ?? null,
    last_id: ids.at(-1) ?? null,
  };
}
