import { type FormEvent, type KeyboardEvent, useEffect, useLayoutEffect, useRef, useState } from "react";
import { EyeIcon, SendIcon } from "../components/icons.tsx";
import "./composer.css";

/** Tall enough for a paragraph; longer drafts scroll inside the box. */
const MAX_HEIGHT_PX = 220;

/**
 * The message box. Enter sends, Shift+Enter adds a line (and Enter while an IME is composing does
 * neither). Disabled while the agent is replying; focus comes back when it is done.
 */
export function Composer({
  disabled,
  busy,
  running,
  onSend,
  onStop,
  readOnly = false,
}: {
  /** A run is going (or the conversation is not ready): nothing can be sent. */
  disabled: boolean;
  /** The send request itself is in flight. */
  busy: boolean;
  /** A reply is being written: offer to stop it. */
  running: boolean;
  onSend: (content: string) => Promise<boolean>;
  onStop: () => void;
  /** The user may read but not send (a viewer in the conversation's team). */
  readOnly?: boolean;
}) {
  const [draft, setDraft] = useState("");
  const textarea = useRef<HTMLTextAreaElement>(null);
  const hadFocus = useRef(false);
  const locked = disabled || busy || readOnly;

  // Grow with the text, up to a limit.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure whenever the draft changes
  useLayoutEffect(() => {
    const element = textarea.current;
    if (!element) return;
    element.style.height = "auto";
    element.style.height = `${Math.min(element.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [draft]);

  // A disabled textarea loses focus; give it back once sending is possible again.
  useEffect(() => {
    if (locked) return;
    if (hadFocus.current) textarea.current?.focus();
    hadFocus.current = false;
  }, [locked]);

  async function send() {
    const content = draft.trim();
    if (!content || locked) return;
    hadFocus.current = document.activeElement === textarea.current;
    if (await onSend(content)) setDraft("");
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void send();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  }

  return (
    <form className="composer" onSubmit={onSubmit}>
      {readOnly && (
        <p className="composer-readonly" data-testid="read-only-notice" id="composer-readonly">
          <EyeIcon />
          <span>
            <strong>Read-only.</strong> You are a viewer in this conversation's team: you can read it, but not
            send messages. Ask a team lead if you need to take part.
          </span>
        </p>
      )}
      <div className="composer-box" data-readonly={readOnly}>
        <label className="composer-label" htmlFor="composer-input">
          Message
        </label>
        <textarea
          ref={textarea}
          id="composer-input"
          className="composer-input"
          rows={1}
          value={draft}
          disabled={locked}
          placeholder={
            readOnly
              ? "Viewers can't send messages"
              : disabled
                ? "Waiting for the reply…"
                : "Write a message…"
          }
          aria-describedby={readOnly ? "composer-readonly composer-hint" : "composer-hint"}
          enterKeyHint="send"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={onKeyDown}
        />
        <div className="composer-actions">
          <span className="composer-hint" id="composer-hint">
            Enter to send · Shift+Enter for a new line
          </span>
          <button type="button" className="btn btn-secondary btn-sm" hidden={!running} onClick={onStop}>
            Stop
          </button>
          <button
            type="submit"
            className="btn btn-primary btn-sm composer-send"
            disabled={locked || draft.trim() === ""}
          >
            <SendIcon />
            <span>Send</span>
          </button>
        </div>
      </div>
    </form>
  );
}
