import { createRoute } from "@hono/zod-openapi";
import { AuditEntry, ErrorBody } from "@switchboard/protocol";
import { z } from "zod";
import { readAuditPage, requireOrganizationAdmin } from "../audit/audit-query.ts";
import { toCsv } from "../audit/csv.ts";
import { authorize } from "../auth/authorize.ts";
import { createRouter } from "../http/create-router.ts";
import { bearerSecurity, errorResponses, jsonResponse } from "../http/openapi-shared.ts";

/**
 * The audit log of the organizations the caller administers: browse, filter, export.
 * @example api.route("/", auditRoutes); // in createApp(), beside the other routers
 */
export const auditRoutes = createRouter();

/** An export is one response in memory; past this, the client pages on with `cursor`. */
export const EXPORT_MAX_ROWS = 10_000;

const Filters = z.object({
  actor: z
    .string()
    .trim()
    .min(1)
    .max(254)
    .optional()
    .describe(
      "A user id, an email (matched in its masked form) or the start of a masked label, e.g. `a***@e`",
    ),
  action: z
    .string()
    .regex(
      /^(?:[a-z0-9_.]+\*?|\*)$/,
      "an action such as `auth.login`, or a prefix ending in `*` such as `auth.*`",
    )
    .optional()
    .describe("An exact action (`auth.login`) or a prefix ending in `*` (`auth.*`)"),
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("Only entries at or after this instant (ISO 8601 date-time, e.g. `2025-01-31T00:00:00Z`)"),
  to: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("Only entries at or before this instant (ISO 8601 date-time)"),
  cursor: z.string().max(200).optional().describe("`nextCursor` of the previous page"),
});

const ListQuery = Filters.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe("Entries per page, 1–200 (50)"),
});

const ExportQuery = Filters.extend({
  format: z.enum(["csv", "json"]).default("csv").describe("`csv` (RFC 4180, with a header row) or `json`"),
});

const AuditPageBody = z.object({
  entries: z.array(AuditEntry).describe("Newest first"),
  nextCursor: z.string().optional().describe("Present when there are more entries: pass it as `cursor`"),
});

const forbidden = {
  description: "Not an admin of any organization",
  content: { "application/json": { schema: ErrorBody } },
};

const CSV_COLUMNS = [
  "id",
  "at",
  "actorId",
  "actor",
  "teamId",
  "action",
  "targetType",
  "targetId",
  "ip",
  "outcome",
  "details",
] as const;

// Audit entries are personal data even masked: no cache may keep them.
const NO_STORE = { "Cache-Control": "no-store" };

auditRoutes.openapi(
  createRoute({
    method: "get",
    path: "/audit",
    tags: ["audit"],
    summary: "Audit log of the organizations you administer, newest first",
    security: bearerSecurity,
    middleware: [authorize("GET /audit", { resource: "audit", action: "read" })] as const,
    request: { query: ListQuery },
    responses: { 200: jsonResponse(AuditPageBody, "A page of entries"), 403: forbidden, ...errorResponses },
  }),
  async (c) => {
    const { limit, ...filters } = c.req.valid("query");
    await requireOrganizationAdmin(c.var.db, c.var.userId);
    const page = await readAuditPage(c.var.db, c.var.userId, filters, limit);
    return c.json(page, 200, NO_STORE);
  },
);

auditRoutes.openapi(
  createRoute({
    method: "get",
    path: "/audit/export",
    tags: ["audit"],
    summary: `Download the audit log as CSV or JSON (same filters; at most ${EXPORT_MAX_ROWS} entries per file)`,
    description:
      "When more entries match, the `X-Next-Cursor` header (and `nextCursor` in JSON) continues the export. " +
      "CSV cells that start with `=`, `+`, `-`, `@`, tab or CR are prefixed with `'` so spreadsheets do not run them.",
    security: bearerSecurity,
    middleware: [authorize("GET /audit/export", { resource: "audit", action: "read" })] as const,
    request: { query: ExportQuery },
    responses: {
      200: {
        description: "The file, as an attachment",
        content: {
          "text/csv": { schema: z.string().describe(`Columns: ${CSV_COLUMNS.join(", ")}`) },
          "application/json": { schema: AuditPageBody },
        },
      },
      403: forbidden,
      ...errorResponses,
    },
  }),
  async (c) => {
    const { format, ...filters } = c.req.valid("query");
    await requireOrganizationAdmin(c.var.db, c.var.userId);
    const page = await readAuditPage(c.var.db, c.var.userId, filters, EXPORT_MAX_ROWS);
    const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "-");
    const headers: Record<string, string> = {
      ...NO_STORE,
      "Content-Disposition": `attachment; filename="audit-log-${stamp}Z.${format}"`,
      ...(page.nextCursor ? { "X-Next-Cursor": page.nextCursor } : {}),
    };
    if (format === "json") return c.json(page, 200, headers);
    const csv = toCsv(
      CSV_COLUMNS,
      page.entries.map((entry) => CSV_COLUMNS.map((column) => cell(entry[column]))),
    );
    return c.body(csv, 200, { ...headers, "Content-Type": "text/csv; charset=utf-8; header=present" });
  },
);

function cell(value: AuditEntry[keyof AuditEntry]): string | null {
  if (value === null || typeof value === "string") return value;
  return JSON.stringify(value);
}
