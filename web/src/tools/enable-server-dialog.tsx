import type { McpCatalogEntry, McpRemoteTransport, Team } from "@switchboard/protocol";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { ApiError, errorMessage } from "../api/api-error.ts";
import { useApi } from "../auth/auth-context.tsx";
import { Field } from "../components/field.tsx";
import { TerminalIcon } from "../components/icons.tsx";
import { Notice } from "../components/notice.tsx";
import { roleLabel } from "../lib/access.ts";
import {
  buildCreateServerBody,
  consentCommandOf,
  credentialFieldHint,
  type EnableServerErrors,
  type EnableServerForm,
  fieldErrorKey,
  initialEnableForm,
  needsConsent,
  placeServerError,
  transportLabels,
} from "../lib/mcp.ts";
import "../chat/new-chat-dialog.css";
import "./enable-server-dialog.css";

/**
 * The "Enable" dialog of a marketplace entry (or the "Custom server by URL" variant). A refusal from the
 * API is shown inside the dialog and everything typed stays as it was, secrets included, so the user
 * fixes one thing and submits again.
 */
export function EnableServerDialog({
  entry,
  teams,
  onClose,
  onEnabled,
}: {
  /** The entry being enabled; null keeps the dialog closed. */
  entry: McpCatalogEntry | null;
  /** Teams the user may connect servers for (admins and team leads). */
  teams: Team[];
  onClose: () => void;
  onEnabled: (server: { id: string; name: string }) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (entry && !element.open) element.showModal();
    else if (!entry && element.open) element.close();
  }, [entry]);

  return (
    <dialog
      ref={dialog}
      className="dialog enable-server-dialog"
      aria-labelledby="enable-server-title"
      onClose={onClose}
    >
      {/* Mounted per opening, so a new entry (or a reopened one) starts from a clean form. */}
      {entry && (
        <EnableServerFormView
          key={entry.id}
          entry={entry}
          teams={teams}
          onCancel={onClose}
          onEnabled={onEnabled}
        />
      )}
    </dialog>
  );
}

function EnableServerFormView({
  entry,
  teams,
  onCancel,
  onEnabled,
}: {
  entry: McpCatalogEntry;
  teams: Team[];
  onCancel: () => void;
  onEnabled: (server: { id: string; name: string }) => void;
}) {
  const api = useApi();
  // The command consented to; a `consent_required` naming a different one (the catalog changed since the
  // page loaded) replaces it, and the box must be ticked again for the new command.
  const [command, setCommand] = useState(entry.command);
  const [form, setForm] = useState<EnableServerForm>(() => initialEnableForm(entry));
  const [errors, setErrors] = useState<EnableServerErrors>({});
  const [busy, setBusy] = useState(false);
  const effective: McpCatalogEntry = command === undefined ? entry : { ...entry, command };
  const shownFields = new Set(entry.credentialFields.map((f) => fieldErrorKey(f.name)));

  const update = (change: Partial<EnableServerForm>) => setForm((current) => ({ ...current, ...change }));
  const setField = (name: string, value: string) =>
    setForm((current) => ({ ...current, fields: { ...current.fields, [name]: value } }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    const built = buildCreateServerBody(effective, form);
    if ("errors" in built) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const created = await api.createMcpServer(built.body);
      onEnabled({ id: created.id, name: built.body.name });
    } catch (caught) {
      if (!(caught instanceof ApiError)) {
        setErrors({ form: errorMessage(caught) });
        return;
      }
      if (caught.code === "consent_required") {
        const named = consentCommandOf(caught.details);
        if (named && named !== command) {
          setCommand(named);
          update({ consented: false });
        }
      }
      const placed = placeServerError(caught.code, caught.message);
      const visible = (placed.key === "url" && entry.custom) || shownFields.has(placed.key);
      setErrors({ [visible ? placed.key : "form"]: placed.message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="dialog-body enable-server-form" onSubmit={submit} noValidate>
      <h2 id="enable-server-title">{entry.custom ? "Connect a server by URL" : `Enable ${entry.name}`}</h2>
      <p className="muted">{entry.description}</p>

      {entry.custom && (
        <div className="enable-server-row">
          <Field
            id="enable-server-url"
            label="URL"
            hint="The server's MCP endpoint. Private and loopback addresses are refused."
            error={errors.url}
          >
            {(control) => (
              <input
                {...control}
                className="input"
                type="url"
                inputMode="url"
                spellCheck={false}
                autoComplete="off"
                placeholder="https://mcp.example.com/mcp"
                value={form.url}
                onChange={(e) => update({ url: e.target.value })}
              />
            )}
          </Field>
          <Field id="enable-server-transport" label="Transport">
            {(control) => (
              <select
                {...control}
                className="select"
                value={form.transport}
                onChange={(e) => update({ transport: e.target.value as McpRemoteTransport })}
              >
                {entry.transports
                  .filter((t): t is McpRemoteTransport => t !== "stdio")
                  .map((t) => (
                    <option key={t} value={t}>
                      {transportLabels[t]}
                    </option>
                  ))}
              </select>
            )}
          </Field>
        </div>
      )}

      <Field
        id="enable-server-name"
        label="Server name"
        hint={
          entry.custom ? "Leave empty to use the URL's host name." : "How agents and your team will see it."
        }
        error={errors.name}
      >
        {(control) => (
          <input
            {...control}
            className="input"
            value={form.name}
            maxLength={100}
            autoComplete="off"
            onChange={(e) => update({ name: e.target.value })}
          />
        )}
      </Field>

      <Field
        id="enable-server-team"
        label="Share with"
        hint={
          form.teamId
            ? "The team's agents can use its tools, with the credential you enter here."
            : teams.length === 0
              ? "Only your agents can use it. Team admins and team leads connect servers for their team."
              : "Only your agents can use it."
        }
      >
        {(control) => (
          <select
            {...control}
            className="select"
            value={form.teamId}
            onChange={(e) => update({ teamId: e.target.value })}
          >
            <option value="">Only me</option>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name} ({roleLabel(team.role).toLowerCase()})
              </option>
            ))}
          </select>
        )}
      </Field>

      {entry.credentialFields.map((field) => (
        <Field
          key={field.name}
          id={`enable-server-field-${field.name}`}
          label={field.label}
          hint={credentialFieldHint(field)}
          error={errors[fieldErrorKey(field.name)]}
        >
          {(control) => (
            <input
              {...control}
              className="input"
              type={field.secret ? "password" : "text"}
              autoComplete="off"
              spellCheck={false}
              required={field.required}
              value={form.fields[field.name] ?? ""}
              onChange={(e) => setField(field.name, e.target.value)}
            />
          )}
        </Field>
      ))}

      {!entry.custom && needsConsent(effective) && (
        <div className="enable-server-consent">
          <p className="field-label" id="enable-server-command-label">
            <TerminalIcon /> Command run on the workspace host
          </p>
          <pre className="enable-server-command" id="enable-server-command">
            <code data-testid="consent-command">{effective.command}</code>
          </pre>
          <div className="check">
            <input
              id="enable-server-consent"
              type="checkbox"
              checked={form.consented}
              aria-describedby={
                errors.consent
                  ? "enable-server-command enable-server-consent-hint enable-server-consent-error"
                  : "enable-server-command enable-server-consent-hint"
              }
              aria-invalid={errors.consent ? true : undefined}
              onChange={(e) => update({ consented: e.target.checked })}
            />
            <span className="check-text">
              <label className="check-label" htmlFor="enable-server-consent">
                Run this command on the workspace host
              </label>
              <span className="field-hint" id="enable-server-consent-hint">
                The host starts exactly this command when one of your agents uses the server's tools. It only
                ever runs commands listed in this marketplace.
              </span>
            </span>
          </div>
          {errors.consent && (
            <p className="field-error" id="enable-server-consent-error">
              {errors.consent}
            </p>
          )}
        </div>
      )}

      {errors.form && (
        <div data-testid="enable-error">
          <Notice tone="danger">{errors.form}</Notice>
        </div>
      )}

      <div className="dialog-actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? "Connecting…" : entry.custom ? "Connect server" : "Enable server"}
        </button>
      </div>
    </form>
  );
}
