import type { Credential } from "@switchboard/protocol";
import { useState } from "react";
import { Link } from "react-router";
import { errorMessage } from "../api/api-error.ts";
import { useApi } from "../auth/auth-context.tsx";
import { ConfirmDelete } from "../components/confirm-delete.tsx";
import { EmptyState } from "../components/empty-state.tsx";
import { KeyIcon, PlugIcon } from "../components/icons.tsx";
import { LoadError, Notice } from "../components/notice.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { LoadingBlock } from "../components/spinner.tsx";
import { formatDate } from "../lib/format.ts";
import { credentialKindLabel } from "../lib/providers.ts";
import { useResource } from "../lib/use-resource.ts";
import { CredentialForm } from "./credential-form.tsx";
import "./credentials-page.css";

export function CredentialsPage() {
  const api = useApi();
  const data = useResource("credentials", async (signal) => {
    const [credentials, models] = await Promise.all([api.credentials(signal), api.models(signal)]);
    return { credentials, models };
  });
  const [notice, setNotice] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  async function remove(credential: Credential) {
    setDeleteError(null);
    setNotice(null);
    try {
      await api.deleteCredential(credential.id);
      data.mutate((d) => ({ ...d, credentials: d.credentials.filter((c) => c.id !== credential.id) }));
    } catch (error) {
      setDeleteError(errorMessage(error));
    }
  }

  return (
    <div className="page">
      <title>Credentials · Switchboard</title>
      <PageHeader
        title="Credentials"
        description="Provider keys and MCP server credentials your agents use. They are encrypted at rest and never sent back to the browser."
      />
      {data.error && <LoadError message={data.error} onRetry={data.reload} />}
      {data.loading && !data.data && <LoadingBlock label="Loading credentials" />}
      {data.data && (
        <div className="credentials-layout">
          <section aria-labelledby="credentials-list-title" className="credentials-list-section">
            <h2 id="credentials-list-title" className="visually-hidden">
              Saved credentials
            </h2>
            {notice && <Notice>{notice}</Notice>}
            {deleteError && <Notice tone="danger">{deleteError}</Notice>}
            {data.data.credentials.length === 0 ? (
              <div className="card">
                <EmptyState icon={<KeyIcon />} title="No credentials yet">
                  Add an OpenAI, Anthropic, OpenRouter or OpenAI-compatible key to run agents on real models.
                  {data.data.models.demo && " Until then, agents run on the scripted demo model."}
                </EmptyState>
              </div>
            ) : (
              <ul className="card credential-list">
                {data.data.credentials.map((credential) => (
                  <li
                    key={credential.id}
                    className="credential-row"
                    data-testid="credential-row"
                    data-provider={credential.provider}
                  >
                    <span
                      className={
                        credential.provider === "mcp"
                          ? "credential-icon credential-icon-mcp"
                          : "credential-icon"
                      }
                      aria-hidden="true"
                    >
                      {credential.provider === "mcp" ? <PlugIcon /> : <KeyIcon />}
                    </span>
                    <span className="credential-text">
                      <span className="credential-name">
                        <span className="credential-name-text">{credential.name}</span>
                        {credential.provider === "mcp" && <span className="badge badge-accent">MCP</span>}
                      </span>
                      <span className="credential-meta">
                        {credentialKindLabel(credential.provider)} · added {formatDate(credential.createdAt)}{" "}
                        · <span aria-hidden="true">••••••••</span>
                        <span className="visually-hidden">key hidden</span>
                      </span>
                    </span>
                    <ConfirmDelete label={credential.name} onConfirm={() => remove(credential)} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          <p className="muted credentials-mcp-note">
            MCP server credentials (API keys and tokens of tool servers) are added when you enable a server on
            the <Link to="/tools">Tools page</Link>; delete them here.
          </p>
          <CredentialForm
            providers={data.data.models.providers}
            onCreated={(created) => {
              data.mutate((d) => ({ ...d, credentials: [...d.credentials, created] }));
              setNotice(`Saved “${created.name}”. The key is stored encrypted and will not be shown again.`);
            }}
          />
        </div>
      )}
    </div>
  );
}
