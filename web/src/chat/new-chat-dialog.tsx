import type { Agent } from "@switchboard/protocol";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { errorMessage } from "../api/api-error.ts";
import { useApi } from "../auth/auth-context.tsx";
import { Field } from "../components/field.tsx";
import { Notice } from "../components/notice.tsx";
import { providerLabel } from "../lib/providers.ts";
import "./new-chat-dialog.css";

/** A modal that picks the agent for a new conversation, creates it and opens it. */
export function NewChatDialog({
  open,
  agents,
  onClose,
  onCreated,
}: {
  open: boolean;
  agents: Agent[] | undefined;
  onClose: () => void;
  onCreated: () => void;
}) {
  const api = useApi();
  const navigate = useNavigate();
  const dialog = useRef<HTMLDialogElement>(null);
  const [agentId, setAgentId] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      setError(null);
      element.showModal();
    } else if (!open && element.open) {
      element.close();
    }
  }, [open]);

  // Preselect the first agent so "Start chat" works with one click.
  useEffect(() => {
    if (agents && !agents.some((a) => a.id === agentId)) setAgentId(agents[0]?.id ?? "");
  }, [agents, agentId]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!agentId) return;
    setBusy(true);
    setError(null);
    try {
      const conversation = await api.createConversation({ agentId });
      onCreated();
      onClose();
      navigate(`/chat/${conversation.id}`);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="new-chat-title" onClose={onClose}>
      <form className="dialog-body" onSubmit={submit}>
        <h2 id="new-chat-title">New chat</h2>
        {agents && agents.length === 0 ? (
          <>
            <p className="muted">
              You need an agent to chat with. Create one first — the demo model needs no API key.
            </p>
            <div className="dialog-actions">
              <button type="button" className="btn btn-secondary" onClick={onClose}>
                Cancel
              </button>
              <Link to="/agents/new" className="btn btn-primary" onClick={onClose}>
                Create an agent
              </Link>
            </div>
          </>
        ) : (
          <>
            <p className="muted">Pick the agent you want to talk to.</p>
            <Field id="new-chat-agent" label="Agent">
              {(control) => (
                <select
                  {...control}
                  className="select"
                  value={agentId}
                  disabled={!agents}
                  onChange={(e) => setAgentId(e.target.value)}
                >
                  {agents?.map((agent) => (
                    <option key={agent.id} value={agent.id}>
                      {agent.name} — {providerLabel(agent.model.provider)} · {agent.model.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {error && <Notice tone="danger">{error}</Notice>}
            <div className="dialog-actions">
              <button type="button" className="btn btn-secondary" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className="btn btn-primary" disabled={busy || !agentId}>
                {busy ? "Starting…" : "Start chat"}
              </button>
            </div>
          </>
        )}
      </form>
    </dialog>
  );
}
