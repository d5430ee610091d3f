import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type pg from "pg";
import { z } from "zod";
import type { Logger } from "./log.ts";
import { jsonParamToPgText, pgTextToJson } from "./pg-text.ts";
import { AcquireError, isConnectionBroken, type SqlErrorResponse, toSqlErrorResponse } from "./sql-errors.ts";

const QueryData = z.object({
  query: z.string(),
  params: z.array(z.unknown()).optional(),
  arrayMode: z.boolean().optional(),
});
type QueryData = z.infer<typeof QueryData>;
const Payload = z.union([z.object({ queries: z.array(QueryData) }), QueryData]);

const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};

interface RequestOptions {
  rawTextOutput: boolean;
  arrayMode: boolean;
}

export interface SqlOverHttpOptions {
  pool: pg.Pool;
  isAuthorized: (connectionString: string | undefined) => boolean;
  maxBodyBytes: number;
  log: Logger;
}

/**
 * `POST /sql`, the protocol of Neon's SQL-over-HTTP endpoint as @neondatabase/serverless's `neon()` speaks
 * it: one query `{query, params}` or a batch `{queries:[…]}` run in one transaction, options in `Neon-*`
 * headers, results as `{fields, rows, rowCount, command, rowAsArray}` and errors as PostgreSQL's fields.
 */
export function sqlOverHttp(options: SqlOverHttpOptions): Hono {
  const { pool, log } = options;
  const app = new Hono();
  const fail = (r: SqlErrorResponse) =>
    new Response(JSON.stringify(r.body), {
      status: r.status,
      headers: { "content-type": "application/json" },
    });

  app.post(
    "/sql",
    async (c, next) => {
      if (!options.isAuthorized(c.req.header("neon-connection-string"))) {
        return fail({
          status: 401,
          body: { message: "Neon-Connection-String does not match the relay's database", code: "28000" },
        });
      }
      await next();
    },
    bodyLimit({
      maxSize: options.maxBodyBytes,
      onError: () =>
        fail({
          status: 413,
          body: { message: `request body exceeds ${options.maxBodyBytes} bytes`, code: "54000" },
        }),
    }),
    async (c) => {
      const isolationHeader = c.req.header("neon-batch-isolation-level");
      const isolation = isolationHeader === undefined ? undefined : ISOLATION_LEVELS[isolationHeader];
      if (isolationHeader !== undefined && isolation === undefined) {
        return fail({ status: 400, body: { message: "invalid isolation level", code: "08P01" } });
      }
      let payload: z.infer<typeof Payload>;
      try {
        payload = Payload.parse(JSON.parse(await c.req.text()));
      } catch {
        return fail({
          status: 400,
          body: { message: "request body must be JSON {query, params} or {queries: [...]}", code: "08P01" },
        });
      }
      const request: RequestOptions = {
        rawTextOutput: c.req.header("neon-raw-text-output") === "true",
        arrayMode: c.req.header("neon-array-mode") === "true",
      };
      try {
        if ("queries" in payload) {
          const begin = beginStatement(
            isolation,
            c.req.header("neon-batch-read-only") === "true",
            c.req.header("neon-batch-deferrable") === "true",
          );
          const results = await runBatch(pool, begin, payload.queries, request);
          return c.json({ results });
        }
        return c.json(await runSingle(pool, payload, request));
      } catch (error) {
        const response = toSqlErrorResponse(error);
        if (response.status >= 500) log.warn("sql request failed", { status: response.status, error });
        return fail(response);
      }
    },
  );
  return app;
}

function beginStatement(isolation: string | undefined, readOnly: boolean, deferrable: boolean): string {
  let sql = "START TRANSACTION";
  if (isolation) sql += ` ISOLATION LEVEL ${isolation}`;
  if (readOnly) sql += " READ ONLY";
  if (deferrable) sql += " DEFERRABLE";
  return sql;
}

async function acquire(pool: pg.Pool): Promise<pg.PoolClient> {
  const poolWasFull = pool.totalCount >= (pool.options.max ?? 10);
  try {
    return await pool.connect();
  } catch (error) {
    throw new AcquireError(error, poolWasFull || pool.totalCount >= (pool.options.max ?? 10));
  }
}

/**
 * A connection goes back to the pool only when it is healthy and outside any transaction: a single query
 * like `BEGIN` must not leak an open transaction into the next request.
 */
function release(client: pg.PoolClient, error?: unknown): void {
  const broken = error !== undefined && isConnectionBroken(error);
  const dirty = client.getTransactionStatus() !== "I";
  client.release(broken || dirty ? true : undefined);
}

async function runSingle(pool: pg.Pool, data: QueryData, request: RequestOptions) {
  const client = await acquire(pool);
  try {
    const result = await execute(client, data);
    release(client);
    return toJson(result, data.arrayMode ?? request.arrayMode, request.rawTextOutput);
  } catch (error) {
    release(client, error);
    throw error;
  }
}

async function runBatch(pool: pg.Pool, begin: string, queries: QueryData[], request: RequestOptions) {
  const client = await acquire(pool);
  try {
    await client.query(begin);
    const results = [];
    for (const data of queries) {
      const result = await execute(client, data);
      results.push(toJson(result, data.arrayMode ?? request.arrayMode, request.rawTextOutput));
    }
    await client.query("COMMIT");
    release(client);
    return results;
  } catch (error) {
    if (!isConnectionBroken(error)) await client.query("ROLLBACK").catch(() => undefined);
    release(client, error);
    throw error;
  }
}

function execute(client: pg.PoolClient, data: QueryData): Promise<pg.QueryArrayResult<unknown[]>> {
  return client.query({
    text: data.query,
    values: (data.params ?? []).map(jsonParamToPgText),
    rowMode: "array",
    // Extended protocol even without parameters, as Neon does: one statement per query, never a script.
    queryMode: "extended",
  } as pg.QueryArrayConfig);
}

function toJson(result: pg.QueryArrayResult<unknown[]>, arrayMode: boolean, rawTextOutput: boolean) {
  const fields = result.fields.map((f) => ({
    name: f.name,
    dataTypeID: f.dataTypeID,
    tableID: f.tableID,
    columnID: f.columnID,
    dataTypeSize: f.dataTypeSize,
    dataTypeModifier: f.dataTypeModifier,
    format: "text",
  }));
  const convert = (value: unknown, i: number) =>
    value === null || rawTextOutput ? value : pgTextToJson(value as string, fields[i]?.dataTypeID ?? 0);
  const rows = arrayMode
    ? result.rows.map((row) => row.map(convert))
    : result.rows.map((row) =>
        Object.fromEntries(row.map((v, i) => [fields[i]?.name ?? String(i), convert(v, i)])),
      );
  return { command: result.command, rowCount: result.rowCount, rows, fields, rowAsArray: arrayMode };
}
