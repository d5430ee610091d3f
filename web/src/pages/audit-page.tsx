import type { AuditEntry } from "@switchboard/protocol";
import { type FormEvent, useState } from "react";
import type { AuditExportFormat } from "../api/api-client.ts";
import { errorMessage, isForbidden } from "../api/api-error.ts";
import { useAccess } from "../auth/access-context.tsx";
import { useApi } from "../auth/auth-context.tsx";
import { EmptyState } from "../components/empty-state.tsx";
import { Field } from "../components/field.tsx";
import { DownloadIcon, ScrollIcon, ShieldIcon } from "../components/icons.tsx";
import { LoadError, Notice } from "../components/notice.tsx";
import { PageHeader } from "../components/page-header.tsx";
import { LoadingBlock } from "../components/spinner.tsx";
import {
  type AuditFilters,
  auditFiltersError,
  auditQuery,
  auditTarget,
  emptyAuditFilters,
} from "../lib/audit.ts";
import { saveBlob } from "../lib/download.ts";
import { formatDateTime } from "../lib/format.ts";
import { useResource } from "../lib/use-resource.ts";
import "./audit-page.css";

/** `/audit`: the organization's audit log for its admins — filter, page through, export. */
export function AuditPage() {
  const api = useApi();
  const { teams } = useAccess();
  const [form, setForm] = useState<AuditFilters>(emptyAuditFilters);
  const [applied, setApplied] = useState<AuditFilters>(emptyAuditFilters);
  const [formError, setFormError] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [exporting, setExporting] = useState<AuditExportFormat | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);

  // The first page for the applied filters; "Load more" appends to it. A 403 is an answer, not an error.
  const log = useResource(`audit:${JSON.stringify(applied)}`, async (signal) => {
    try {
      const page = await api.auditLog(auditQuery(applied), signal);
      return { forbidden: false, entries: page.entries, nextCursor: page.nextCursor ?? null };
    } catch (error) {
      if (isForbidden(error)) return { forbidden: true, entries: [] as AuditEntry[], nextCursor: null };
      throw error;
    }
  });

  function apply(event: FormEvent) {
    event.preventDefault();
    const problem = auditFiltersError(form);
    setFormError(problem);
    if (problem) return;
    setMoreError(null);
    // Same filters again still means "show me the latest".
    if (JSON.stringify(form) === JSON.stringify(applied)) log.reload();
    else setApplied({ ...form });
  }

  async function loadMore() {
    const cursor = log.data?.nextCursor;
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api.auditLog(auditQuery(applied, cursor));
      log.mutate((d) => ({
        ...d,
        entries: [...d.entries, ...page.entries.filter((e) => !d.entries.some((known) => known.id === e.id))],
        nextCursor: page.nextCursor ?? null,
      }));
    } catch (error) {
      setMoreError(errorMessage(error));
    } finally {
      setLoadingMore(false);
    }
  }

  async function exportLog(format: AuditExportFormat) {
    setExporting(format);
    setExportError(null);
    try {
      const file = await api.exportAuditLog(format, auditQuery(applied));
      saveBlob(file.blob, file.filename);
    } catch (error) {
      setExportError(errorMessage(error));
    } finally {
      setExporting(null);
    }
  }

  const teamName = (teamId: string | null) =>
    teamId ? (teams?.find((t) => t.id === teamId)?.name ?? teamId.slice(0, 8)) : "—";

  if (log.data?.forbidden) {
    return (
      <div className="page">
        <title>Audit log · Switchboard</title>
        <PageHeader title="Audit log" />
        <div className="card">
          <EmptyState icon={<ShieldIcon />} title="Only organization admins can see the audit log">
            It records sign-ins, permission changes and other security-relevant actions. Ask an organization
            admin if you need something from it.
          </EmptyState>
        </div>
      </div>
    );
  }

  const exportDisabled = exporting !== null || !log.data;
  return (
    <div className="page page-wide">
      <title>Audit log · Switchboard</title>
      <PageHeader
        title="Audit log"
        description="Security-relevant actions in your organization: sign-ins, keys, roles and more. Personal data is masked."
        actions={
          <>
            <button
              type="button"
              className="btn btn-secondary"
              disabled={exportDisabled}
              onClick={() => exportLog("csv")}
            >
              <DownloadIcon /> {exporting === "csv" ? "Exporting…" : "Export CSV"}
            </button>
            <button
              type="button"
              className="btn btn-secondary"
              disabled={exportDisabled}
              onClick={() => exportLog("json")}
            >
              <DownloadIcon /> {exporting === "json" ? "Exporting…" : "Export JSON"}
            </button>
          </>
        }
      />
      <form className="card audit-filters" onSubmit={apply} noValidate>
        <Field id="audit-actor" label="Actor">
          {(control) => (
            <input
              {...control}
              className="input"
              value={form.actor}
              autoComplete="off"
              spellCheck={false}
              placeholder="User id or email"
              onChange={(e) => setForm({ ...form, actor: e.target.value })}
            />
          )}
        </Field>
        <Field id="audit-action" label="Action">
          {(control) => (
            <input
              {...control}
              className="input"
              value={form.action}
              autoComplete="off"
              spellCheck={false}
              placeholder="e.g. auth.login"
              onChange={(e) => setForm({ ...form, action: e.target.value })}
            />
          )}
        </Field>
        <Field id="audit-from" label="From">
          {(control) => (
            <input
              {...control}
              className="input"
              type="date"
              value={form.from}
              onChange={(e) => setForm({ ...form, from: e.target.value })}
            />
          )}
        </Field>
        <Field id="audit-to" label="To">
          {(control) => (
            <input
              {...control}
              className="input"
              type="date"
              value={form.to}
              onChange={(e) => setForm({ ...form, to: e.target.value })}
            />
          )}
        </Field>
        <div className="audit-filters-actions">
          <button type="submit" className="btn btn-primary" disabled={log.loading}>
            Apply filters
          </button>
        </div>
      </form>
      <div className="audit-notices">
        {formError && <Notice tone="danger">{formError}</Notice>}
        {exportError && <Notice tone="danger">{exportError}</Notice>}
        {log.error && <LoadError message={log.error} onRetry={log.reload} />}
      </div>
      {log.loading && !log.data && <LoadingBlock label="Loading the audit log" />}
      {log.data && log.data.entries.length === 0 && (
        <div className="card">
          <EmptyState icon={<ScrollIcon />} title="No entries">
            {JSON.stringify(applied) === JSON.stringify(emptyAuditFilters)
              ? "Nothing has been recorded yet."
              : "Nothing matches these filters."}
          </EmptyState>
        </div>
      )}
      {log.data && log.data.entries.length > 0 && (
        <div className="card table-wrap audit-table-wrap" data-loading={log.loading}>
          <table className="table audit-table">
            <caption className="visually-hidden">Audit log entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Team</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">IP</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {log.data.entries.map((entry) => (
                <tr
                  key={entry.id}
                  data-testid="audit-row"
                  data-action={entry.action}
                  data-outcome={entry.outcome}
                >
                  <td className="cell-nowrap">
                    <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                  </td>
                  <td className="audit-actor">{entry.actor || "—"}</td>
                  <td>{teamName(entry.teamId)}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td className="audit-target" title={entry.targetId ?? undefined}>
                    {auditTarget(entry.targetType, entry.targetId)}
                  </td>
                  <td className="cell-nowrap">
                    <code>{entry.ip ?? "—"}</code>
                  </td>
                  <td>
                    <span
                      className={entry.outcome === "success" ? "badge badge-success" : "badge badge-danger"}
                    >
                      {entry.outcome === "success" ? "Success" : "Failure"}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {moreError && (
        <div className="audit-more-error">
          <Notice tone="danger">{moreError}</Notice>
        </div>
      )}
      {log.data?.nextCursor && (
        <div className="audit-more">
          <button
            type="button"
            className="btn btn-secondary"
            disabled={loadingMore}
            aria-busy={loadingMore}
            onClick={loadMore}
          >
            {loadingMore && <span className="spinner-ring" aria-hidden="true" />}
            Load more
          </button>
        </div>
      )}
    </div>
  );
}
