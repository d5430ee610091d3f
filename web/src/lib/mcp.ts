import {
  CreateCatalogServerBody,
  type CreateMcpServerBody,
  CreateUrlServerBody,
  type McpCatalogEntry,
  type McpRemoteTransport,
  type McpTransport,
} from "@switchboard/protocol";

/** Labels and the "Enable" form of the MCP marketplace, as pure functions (unit-tested). */

export const transportLabels: Record<McpTransport, string> = {
  "streamable-http": "Streamable HTTP",
  sse: "SSE",
  stdio: "stdio",
};

export function transportLabel(transport: string): string {
  return transportLabels[transport as McpTransport] ?? transport;
}

/** "9 tools", "1 tool", or that the list has not been fetched yet. */
export function toolCountLabel(count: number | null): string {
  if (count === null) return "tools not listed yet";
  return count === 1 ? "1 tool" : `${count} tools`;
}

export const runsOnLabels: Record<McpCatalogEntry["runsOn"], string> = {
  platform: "Runs on Switchboard",
  "workspace-host": "Runs on the workspace host",
  remote: "Remote server",
};

/** stdio entries start a process on the workspace host: the user must see the command and agree to it. */
export function needsConsent(entry: McpCatalogEntry): entry is McpCatalogEntry & { command: string } {
  return entry.command !== undefined;
}

/** What the user typed in the "Enable" dialog. Kept as typed, so a refusal never loses it. */
export interface EnableServerForm {
  name: string;
  /** "" shares with nobody (a personal server). */
  teamId: string;
  /** Credential field values keyed by the entry's field names. */
  fields: Record<string, string>;
  /** The consent box under the command (stdio entries). */
  consented: boolean;
  /** Custom servers only. */
  url: string;
  transport: McpRemoteTransport;
}

/** Error keys: `name`, `url`, `consent`, and `field:<name>` for credential fields. */
export type EnableServerErrors = Partial<Record<string, string>>;

export function initialEnableForm(entry: McpCatalogEntry): EnableServerForm {
  return {
    name: entry.custom ? "" : entry.name,
    teamId: "",
    fields: Object.fromEntries(entry.credentialFields.map((field) => [field.name, ""])),
    consented: false,
    url: "",
    // Streamable HTTP is the current MCP transport; SSE only for entries that offer nothing else.
    transport:
      entry.transports.includes("sse") && !entry.transports.includes("streamable-http")
        ? "sse"
        : "streamable-http",
  };
}

export const fieldErrorKey = (name: string) => `field:${name}`;

/** A custom server named by the user, or after its host when they left the name empty. */
function customName(form: EnableServerForm): string {
  if (form.name.trim()) return form.name.trim();
  try {
    return new URL(form.url.trim()).hostname;
  } catch {
    return "";
  }
}

/**
 * The `POST /mcp/servers` body for what the user typed, or the errors to show beside the fields. Empty
 * credential fields are left out (optional ones stay unset); a stdio entry's body repeats the exact
 * command it showed, which is the server's proof of consent.
 */
export function buildCreateServerBody(
  entry: McpCatalogEntry,
  form: EnableServerForm,
): { body: CreateMcpServerBody } | { errors: EnableServerErrors } {
  const errors: EnableServerErrors = {};
  const fields: Record<string, string> = {};
  for (const field of entry.credentialFields) {
    const value = (form.fields[field.name] ?? "").trim();
    if (value) fields[field.name] = value;
    else if (field.required) errors[fieldErrorKey(field.name)] = `${field.label} is required.`;
  }
  const common = {
    name: entry.custom ? customName(form) : form.name.trim(),
    ...(form.teamId ? { teamId: form.teamId } : {}),
    ...(Object.keys(fields).length > 0 ? { credential: { fields } } : {}),
  };

  if (!entry.custom && needsConsent(entry) && !form.consented)
    errors.consent = "Tick the box to let the workspace host run this command.";
  const parsed = entry.custom
    ? CreateUrlServerBody.safeParse({ ...common, url: form.url.trim(), transport: form.transport })
    : CreateCatalogServerBody.safeParse({
        ...common,
        catalogId: entry.id,
        ...(needsConsent(entry) ? { consent: { command: entry.command } } : {}),
      });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, , third] = issue.path;
      if (first === "name")
        errors.name ??= common.name ? "Use at most 100 characters." : "Give the server a name.";
      else if (first === "url")
        errors.url ??= "Enter the server's http(s) URL, e.g. https://mcp.example.com/mcp.";
      else if (first === "credential" && typeof third === "string")
        errors[fieldErrorKey(third)] ??= "This value is too long.";
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { errors };
  return { body: parsed.data };
}

/** The command a `consent_required` refusal names (its `details.command`), if it names one. */
export function consentCommandOf(details: unknown): string | undefined {
  if (typeof details !== "object" || details === null) return undefined;
  const command = (details as { command?: unknown }).command;
  return typeof command === "string" ? command : undefined;
}

/**
 * Where a refusal of `POST /mcp/servers` is shown in the dialog: the URL policy's reason under the URL
 * field, a `credential.fields.<name>: …` message under that field, anything else above the buttons.
 */
export function placeServerError(code: string, message: string): { key: string; message: string } {
  if (code === "url_not_allowed") return { key: "url", message };
  const field = /^credential\.fields\.([^:\s]+):\s*(.+)$/s.exec(message);
  if (field?.[1] && field[2]) return { key: fieldErrorKey(field[1]), message: field[2] };
  return { key: "form", message };
}

/** A credential field's hint: its description as a sentence, whether it is optional, how it is kept. */
export function credentialFieldHint(field: McpCatalogEntry["credentialFields"][number]): string {
  const description = field.description.trim();
  const parts = [description && !/[.!?]$/.test(description) ? `${description}.` : description];
  if (!field.required) parts.push("Optional.");
  if (field.secret) parts.push("Stored encrypted; never shown again.");
  return parts.filter(Boolean).join(" ");
}
