import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/api-error.ts";

export interface Resource<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
  /** Updates the loaded data in place (after a create or delete) without refetching. */
  mutate: (update: (data: T) => T) => void;
}

interface Loaded<T> {
  key: string;
  data: T | undefined;
  error: string | null;
  loading: boolean;
}

/**
 * Loads data for `key` and reloads when `key` changes. Data of a previous key is never shown for the
 * new one, and answers to superseded requests are dropped (they are aborted too).
 */
export function useResource<T>(key: string, load: (signal: AbortSignal) => Promise<T>): Resource<T> {
  const [state, setState] = useState<Loaded<T>>({ key, data: undefined, error: null, loading: true });
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the reload trigger
  useEffect(() => {
    const abort = new AbortController();
    setState((previous) => ({
      key,
      data: previous.key === key ? previous.data : undefined,
      error: null,
      loading: true,
    }));
    loadRef.current(abort.signal).then(
      (data) => {
        if (!abort.signal.aborted) setState({ key, data, error: null, loading: false });
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        setState((previous) => ({
          key,
          data: previous.key === key ? previous.data : undefined,
          error: errorMessage(error),
          loading: false,
        }));
      },
    );
    return () => abort.abort();
  }, [key, version]);

  const reload = useCallback(() => setVersion((n) => n + 1), []);
  const mutate = useCallback((update: (data: T) => T) => {
    setState((previous) =>
      previous.data === undefined ? previous : { ...previous, data: update(previous.data) },
    );
  }, []);

  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: current ? state.error : null,
    loading: current ? state.loading : true,
    reload,
    mutate,
  };
}
