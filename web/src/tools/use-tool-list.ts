import type { McpToolList } from "@switchboard/protocol";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, errorMessage } from "../api/api-error.ts";
import { useApi } from "../auth/auth-context.tsx";

export interface ToolListError {
  message: string;
  /** 502: the MCP server itself could not be reached (as opposed to Switchboard failing). */
  unreachable: boolean;
  /** 409 `authorization_required`: the server wants OAuth and has not been connected with it yet. */
  needsAuthorization: boolean;
}

export interface ToolListState {
  list: McpToolList | undefined;
  error: ToolListError | null;
  /** A load (first or refresh) is under way; an earlier list stays shown meanwhile. */
  loading: boolean;
  /** Loads again; `refresh` asks the server to connect and list its tools now instead of the cache. */
  load: (refresh: boolean) => void;
}

/**
 * A server's tools, loaded when `enabled` first becomes true (the agent form's picker loads a server's list
 * only once the user opens it). A refresh keeps the previous list on screen until the new one arrives,
 * and an answer that a newer load superseded is dropped. One hook per server: key the component by id.
 */
export function useToolList(serverId: string, enabled = true): ToolListState {
  const api = useApi();
  const [list, setList] = useState<McpToolList | undefined>(undefined);
  const [error, setError] = useState<ToolListError | null>(null);
  const [loading, setLoading] = useState(false);
  const current = useRef<AbortController | null>(null);
  const started = useRef(false);

  const load = useCallback(
    (refresh: boolean) => {
      current.current?.abort();
      const abort = new AbortController();
      current.current = abort;
      started.current = true;
      setLoading(true);
      setError(null);
      api.mcpTools(serverId, { refresh, signal: abort.signal }).then(
        (loaded) => {
          if (abort.signal.aborted) return;
          setList(loaded);
          setLoading(false);
        },
        (caught: unknown) => {
          if (abort.signal.aborted) return;
          setError({
            message: errorMessage(caught),
            unreachable:
              caught instanceof ApiError && (caught.status === 502 || caught.code === "bad_gateway"),
            needsAuthorization: caught instanceof ApiError && caught.code === "authorization_required",
          });
          setLoading(false);
        },
      );
    },
    [api, serverId],
  );

  useEffect(() => {
    if (enabled && !started.current) load(false);
  }, [enabled, load]);

  useEffect(
    () => () => {
      // Unmounted (or StrictMode's rehearsal of it): drop the answer, and load again if mounted again.
      current.current?.abort();
      started.current = false;
    },
    [],
  );

  return { list, error, loading, load };
}
