import { STREAM_NOTIFY_CHANNEL, StreamNotification } from "@switchboard/protocol";
import pg from "pg";

/** The benchmark's own connections carry this prefix, so they can be left out of what is measured. */
export const BENCH_APP_PREFIX = "switchboard-bench";
const MONITOR_DATABASE = "switchboard_bench_monitor";
/**
 * Backends publish their statistics at most once a second while busy, and an idle backend publishes
 * what it still holds after 10 s (PGSTAT_IDLE_INTERVAL). Reading pg_stat_database sooner would miss
 * commits of connections that went idle at the end of the run.
 */
export const STATS_SETTLE_MS = 11_000;

export interface DatabaseCounters {
  xactCommit: number;
  xactRollback: number;
}

export interface StatementCount {
  query: string;
  calls: number;
}

export interface ConnectionSample {
  at: number;
  total: number;
  byApplication: Record<string, number>;
}

/**
 * Reads PostgreSQL's own statistics about the stack's database from a separate database on the same
 * server, so the monitor's queries are not counted in the figures it reads (pg_stat_database,
 * pg_stat_activity and pg_stat_statements are cluster-wide).
 */
export class DatabaseMonitor {
  readonly databaseName: string;
  readonly #client: pg.Client;
  readonly statementStats: boolean;

  private constructor(client: pg.Client, databaseName: string, statementStats: boolean) {
    this.#client = client;
    this.databaseName = databaseName;
    this.statementStats = statementStats;
  }

  static async connect(databaseUrl: string, wantStatementStats: boolean): Promise<DatabaseMonitor> {
    const url = new URL(databaseUrl);
    const databaseName = decodeURIComponent(url.pathname.slice(1)) || "postgres";
    const setup = new pg.Client({
      connectionString: databaseUrl,
      application_name: `${BENCH_APP_PREFIX}-setup`,
    });
    await setup.connect();
    try {
      const exists = await setup.query("SELECT 1 FROM pg_database WHERE datname = $1", [MONITOR_DATABASE]);
      if (exists.rowCount === 0) await setup.query(`CREATE DATABASE ${MONITOR_DATABASE}`);
    } finally {
      await setup.end();
    }
    url.pathname = `/${MONITOR_DATABASE}`;
    const client = new pg.Client({
      connectionString: url.toString(),
      application_name: `${BENCH_APP_PREFIX}-monitor`,
    });
    await client.connect();
    let statementStats = false;
    if (wantStatementStats) {
      try {
        await client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        await client.query("SELECT 1 FROM pg_stat_statements LIMIT 1");
        statementStats = true;
      } catch {
        // Not preloaded: counts come from NOTIFY deliveries and commits only.
      }
    }
    return new DatabaseMonitor(client, databaseName, statementStats);
  }

  async counters(): Promise<DatabaseCounters> {
    await this.#client.query("SELECT pg_stat_clear_snapshot()");
    const result = await this.#client.query<{ xact_commit: string; xact_rollback: string }>(
      "SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = $1",
      [this.databaseName],
    );
    const row = result.rows[0];
    return { xactCommit: Number(row?.xact_commit ?? 0), xactRollback: Number(row?.xact_rollback ?? 0) };
  }

  async resetStatements(): Promise<void> {
    if (this.statementStats) await this.#client.query("SELECT pg_stat_statements_reset()");
  }

  /** Calls per statement in the stack's database since the last reset, the benchmark's own excluded. */
  async statements(): Promise<StatementCount[]> {
    if (!this.statementStats) return [];
    const result = await this.#client.query<{ query: string; calls: string }>(
      `SELECT s.query, sum(s.calls) AS calls
       FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
       WHERE d.datname = $1
       GROUP BY s.query ORDER BY sum(s.calls) DESC`,
      [this.databaseName],
    );
    return result.rows.map((r) => ({ query: r.query, calls: Number(r.calls) }));
  }

  async connections(): Promise<ConnectionSample> {
    const result = await this.#client.query<{ application_name: string; count: string }>(
      `SELECT application_name, count(*) AS count FROM pg_stat_activity
       WHERE datname = $1 AND backend_type = 'client backend' AND application_name NOT LIKE $2
       GROUP BY application_name`,
      [this.databaseName, `${BENCH_APP_PREFIX}%`],
    );
    const byApplication: Record<string, number> = {};
    let total = 0;
    for (const row of result.rows) {
      byApplication[row.application_name || "(none)"] = Number(row.count);
      total += Number(row.count);
    }
    return { at: Date.now(), total, byApplication };
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => undefined);
  }
}

/** Samples the connections in use every `intervalMs` until stopped; keeps the peak. */
export class ConnectionSampler {
  readonly samples: ConnectionSample[] = [];
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;

  constructor(
    private readonly monitor: DatabaseMonitor,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    const tick = () => {
      // One query at a time: a slow database must not pile up monitor queries.
      if (this.#inFlight) return;
      this.#inFlight = this.monitor
        .connections()
        .then((sample) => void this.samples.push(sample))
        .catch(() => undefined)
        .finally(() => {
          this.#inFlight = undefined;
        });
    };
    tick();
    this.#timer = setInterval(tick, this.intervalMs);
  }

  async stop(): Promise<ConnectionSample | undefined> {
    clearInterval(this.#timer);
    await this.#inFlight;
    return this.peak;
  }

  get peak(): ConnectionSample | undefined {
    return this.samples.reduce<ConnectionSample | undefined>(
      (a, b) => (a && a.total >= b.total ? a : b),
      undefined,
    );
  }
}

export interface ReceivedNotification extends StreamNotification {
  receivedAt: number;
}

/**
 * LISTENs on the stream channel like the relay does. Every flush of a conversation's events is exactly
 * one statement carrying exactly one NOTIFY, so the notifications received count the flush statements.
 */
export class NotificationRecorder {
  readonly received: ReceivedNotification[] = [];
  malformed = 0;
  #recording = false;

  private constructor(private readonly client: pg.Client) {
    client.on("notification", (message) => {
      if (!this.#recording || message.channel !== STREAM_NOTIFY_CHANNEL || !message.payload) return;
      const receivedAt = Date.now();
      try {
        const parsed = StreamNotification.safeParse(JSON.parse(message.payload));
        if (parsed.success) this.received.push({ ...parsed.data, receivedAt });
        else this.malformed++;
      } catch {
        this.malformed++;
      }
    });
  }

  static async listen(databaseUrl: string): Promise<NotificationRecorder> {
    const client = new pg.Client({
      connectionString: databaseUrl,
      application_name: `${BENCH_APP_PREFIX}-listen`,
    });
    await client.connect();
    await client.query(`LISTEN ${STREAM_NOTIFY_CHANNEL}`);
    return new NotificationRecorder(client);
  }

  start(): void {
    this.received.length = 0;
    this.malformed = 0;
    this.#recording = true;
  }

  stop(): ReceivedNotification[] {
    this.#recording = false;
    return [...this.received];
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
