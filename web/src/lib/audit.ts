import type { AuditQuery } from "../api/api-client.ts";

/** What the audit filter form holds: free text, and days as `YYYY-MM-DD` (the date inputs' value). */
export interface AuditFilters {
  actor: string;
  action: string;
  from: string;
  to: string;
}

export const emptyAuditFilters: AuditFilters = { actor: "", action: "", from: "", to: "" };

export const AUDIT_PAGE_SIZE = 50;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Start (or end, inclusive) of a local calendar day as an ISO instant; undefined if not a date. */
export function dayBoundary(day: string, edge: "start" | "end"): string | undefined {
  const match = DAY.exec(day.trim());
  if (!match) return undefined;
  const [, y, m, d] = match;
  const date =
    edge === "start"
      ? new Date(Number(y), Number(m) - 1, Number(d), 0, 0, 0, 0)
      : new Date(Number(y), Number(m) - 1, Number(d), 23, 59, 59, 999);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** A problem with the filters worth telling the user about before asking the server. */
export function auditFiltersError(filters: AuditFilters): string | null {
  const from = dayBoundary(filters.from, "start");
  const to = dayBoundary(filters.to, "end");
  if (filters.from.trim() && !from) return "Enter the From date as a calendar date.";
  if (filters.to.trim() && !to) return "Enter the To date as a calendar date.";
  if (from && to && from > to) return "The From date is after the To date.";
  return null;
}

/** The API query for the filters: From is the start of its day and To the end of its day (local time). */
export function auditQuery(
  filters: AuditFilters,
  cursor?: string,
  limit: number = AUDIT_PAGE_SIZE,
): AuditQuery {
  const query: AuditQuery = {};
  const actor = filters.actor.trim();
  const action = filters.action.trim();
  const from = dayBoundary(filters.from, "start");
  const to = dayBoundary(filters.to, "end");
  if (actor) query.actor = actor;
  if (action) query.action = action;
  if (from) query.from = from;
  if (to) query.to = to;
  query.limit = limit;
  if (cursor) query.cursor = cursor;
  return query;
}

/** "agent 1b2c3d4e" from a target type and id (ids are shortened; either may be missing). */
export function auditTarget(targetType: string | null, targetId: string | null): string {
  const id = targetId ? (targetId.length > 12 ? targetId.slice(0, 8) : targetId) : "";
  return [targetType ?? "", id].filter(Boolean).join(" ") || "—";
}
