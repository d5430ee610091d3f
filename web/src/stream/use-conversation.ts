import type { MessageList, StreamEvent } from "@switchboard/protocol";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, errorMessage, isForbidden, type RateLimit, rateLimitOf } from "../api/api-error.ts";
import { useApi } from "../auth/auth-context.tsx";
import {
  applyEvents,
  applyLocalSend,
  type ConversationState,
  mergeToolHistory,
  stateFromMessages,
} from "./conversation-reducer.ts";
import { ConversationStream } from "./conversation-stream.ts";
import { EventBatcher } from "./event-batcher.ts";
import type { ConnectionStatus } from "./reconnect-policy.ts";
import { streamUrl } from "./stream-environment.ts";

export interface ConversationView {
  /** Null until the messages have loaded. */
  state: ConversationState | null;
  status: ConnectionStatus;
  /** Loading the messages failed; `retry` tries again. */
  loadError: string | null;
  /** The stream stopped for good (e.g. the conversation is gone). */
  streamError: string | null;
  sending: boolean;
  sendError: string | null;
  /** The last send was rate-limited: wait until then (shown as a countdown). */
  sendRateLimit: RateLimit | null;
  clearSendRateLimit: () => void;
  send: (content: string) => Promise<boolean>;
  /** Stops the running reply (the kill switch); the stream reports it as a cancelled run. */
  stop: () => Promise<void>;
  retry: () => void;
}

/** The tool-call history is loaded when the stream is live, or after this long if it is not yet. */
const HISTORY_FALLBACK_MS = 1_500;

/**
 * Loads a conversation's messages, then keeps it live: stream events go through a per-frame batcher
 * into the pure reducer, so the view is always `applyEvents(messages, events)`.
 */
export function useConversation(conversationId: string): ConversationView {
  const api = useApi();
  const [state, setState] = useState<ConversationState | null>(null);
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  const [loadError, setLoadError] = useState<string | null>(null);
  const [streamError, setStreamError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const [sendRateLimit, setSendRateLimit] = useState<RateLimit | null>(null);
  const [loadAttempt, setLoadAttempt] = useState(0);
  // Answers to a send that arrive after the user switched conversations must not touch the new one.
  const currentId = useRef(conversationId);
  currentId.current = conversationId;

  // biome-ignore lint/correctness/useExhaustiveDependencies: loadAttempt is the retry trigger
  useEffect(() => {
    setState(null);
    setLoadError(null);
    setStreamError(null);
    setSendError(null);
    setSendRateLimit(null);
    setStatus("connecting");
    const abort = new AbortController();
    const batcher = new EventBatcher<StreamEvent>((events) => {
      setState((current) => (current ? applyEvents(current, events) : current));
    });
    let stream: ConversationStream | null = null;
    // Only the latest reload may replace the state: an abandoned slow one must not land after it.
    let latestReset = 0;

    /**
     * The recorded tool calls, so earlier runs' tool rows show after a reload. Loaded beside the stream,
     * never in its way: if they are slow or fail, the chat is live all the same, without those rows.
     */
    const loadToolHistory = (stored: MessageList) => {
      api.toolCalls(conversationId, { signal: abort.signal }).then(
        (records) => {
          if (!abort.signal.aborted)
            setState((current) => (current ? mergeToolHistory(current, records, stored.messages) : current));
        },
        () => undefined,
      );
    };

    api.messages(conversationId, abort.signal).then(
      (list) => {
        if (abort.signal.aborted) return;
        setState(stateFromMessages(list));
        // Asked for once the stream is live (or after a moment), so it never competes with the handshake.
        let historyAsked = false;
        const askHistory = () => {
          if (historyAsked) return;
          historyAsked = true;
          clearTimeout(historyTimer);
          loadToolHistory(list);
        };
        const historyTimer = setTimeout(askHistory, HISTORY_FALLBACK_MS);
        abort.signal.addEventListener("abort", () => clearTimeout(historyTimer));
        stream = new ConversationStream({
          url: (after) => streamUrl(conversationId, after),
          after: list.cursor,
          getAccessToken: (options) => api.accessToken(options),
          onEvents: (events) => batcher.push(events),
          onReset: async () => {
            const reset = ++latestReset;
            const fresh = await api.messages(conversationId, abort.signal);
            if (reset !== latestReset || abort.signal.aborted) throw new Error("superseded");
            // Anything still queued is either in the reloaded messages or will be replayed after `cursor`.
            batcher.clear();
            setState(stateFromMessages(fresh));
            loadToolHistory(fresh);
            return fresh.cursor;
          },
          onStatus: (next) => {
            setStatus(next);
            if (next === "live") askHistory();
          },
          onProblem: (problem, fatal) => {
            if (fatal) setStreamError(problem.message);
          },
        });
        stream.start();
      },
      (error: unknown) => {
        if (!abort.signal.aborted) setLoadError(errorMessage(error));
      },
    );

    return () => {
      abort.abort();
      stream?.stop();
      batcher.clear();
    };
  }, [api, conversationId, loadAttempt]);

  const send = useCallback(
    async (content: string): Promise<boolean> => {
      const id = conversationId;
      setSending(true);
      setSendError(null);
      setSendRateLimit(null);
      try {
        const result = await api.sendMessage(id, content);
        if (currentId.current === id) {
          setState((current) => (current ? applyLocalSend(current, { ...result, content }) : current));
        }
        return true;
      } catch (error) {
        if (currentId.current === id) {
          const limit = rateLimitOf(error);
          if (limit) setSendRateLimit(limit);
          else
            setSendError(
              error instanceof ApiError && error.code === "run_in_progress"
                ? "The agent is still replying. Wait for it to finish, then send again."
                : isForbidden(error)
                  ? "You can read this conversation but not send to it: your role in its team is viewer."
                  : errorMessage(error),
            );
        }
        return false;
      } finally {
        if (currentId.current === id) setSending(false);
      }
    },
    [api, conversationId],
  );

  const stop = useCallback(async (): Promise<void> => {
    try {
      await api.cancelRun(conversationId);
    } catch (error) {
      if (currentId.current === conversationId) setSendError(errorMessage(error));
    }
  }, [api, conversationId]);

  const retry = useCallback(() => setLoadAttempt((n) => n + 1), []);
  const clearSendRateLimit = useCallback(() => setSendRateLimit(null), []);

  return {
    state,
    status,
    loadError,
    streamError,
    sending,
    sendError,
    sendRateLimit,
    clearSendRateLimit,
    send,
    stop,
    retry,
  };
}
