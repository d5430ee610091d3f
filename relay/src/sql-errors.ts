import pg from "pg";

/** What the relay answers on /sql when something goes wrong: an HTTP status and a PostgreSQL-like body. */
export interface SqlErrorResponse {
  status: 400 | 401 | 413 | 503;
  body: { message: string; code: string } & Record<string, string | undefined>;
}

const DB_ERROR_FIELDS = [
  "severity",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

/** The fields Neon's endpoint sends and the driver copies onto its NeonDbError. */
function databaseErrorBody(error: pg.DatabaseError): SqlErrorResponse["body"] {
  const body: SqlErrorResponse["body"] = { message: error.message, code: error.code ?? "XX000" };
  for (const key of DB_ERROR_FIELDS) {
    const value = error[key];
    if (value !== undefined) body[key] = String(value);
  }
  return body;
}

/** True when the connection that produced `error` must not go back to the pool. */
export function isConnectionBroken(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError)) return true;
  return error.severity === "FATAL" || error.severity === "PANIC";
}

export class AcquireError extends Error {
  override name = "AcquireError";
  constructor(
    readonly reason: unknown,
    readonly poolWasFull: boolean,
  ) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

/**
 * Query errors from PostgreSQL are the caller's (400, like Neon, so the driver exposes `code` etc.).
 * Failing to get or keep a connection is the service's: 503 so callers retry, never a 500.
 */
export function toSqlErrorResponse(error: unknown): SqlErrorResponse {
  if (error instanceof AcquireError) {
    if (error.reason instanceof pg.DatabaseError)
      return { status: 503, body: databaseErrorBody(error.reason) };
    return error.poolWasFull
      ? {
          status: 503,
          body: {
            message: "too many concurrent queries: no database connection became free in time",
            code: "53300",
          },
        }
      : {
          status: 503,
          body: { message: `could not connect to the database: ${error.message}`, code: "08001" },
        };
  }
  if (error instanceof pg.DatabaseError) return { status: 400, body: databaseErrorBody(error) };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 503, body: { message: `database connection failed: ${message}`, code: "08006" } };
}
