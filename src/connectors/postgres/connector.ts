import pg from "pg";
import { PgError, SqlState } from "../../common/pg-error.ts";
import { serviceUnavailable } from "../shared/source-errors.ts";
import type {
  Capabilities,
  Connector,
  IntrospectProgress,
  NativeQuery,
  NativeResult,
  RunOptions,
  ServiceConfig,
  SourceSchema,
  SourceTransaction,
  SqlCompiler,
} from "../spi.ts";
import { postgresCompiler } from "../sql/index.ts";
import { postgresCapabilities } from "./capabilities.ts";
import { mapPgError } from "./errors.ts";
import { introspectPostgres } from "./introspect.ts";
import { type PgLease, type PgRunContext, rawTypes, runOnLease } from "./run.ts";

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export class PostgresConnector implements Connector {
  readonly capabilities: Capabilities = postgresCapabilities;
  readonly compiler: SqlCompiler = postgresCompiler;
  readonly nativeSchema: string;
  private pool: pg.Pool | null = null;
  private readonly ctx: PgRunContext;

  constructor(readonly config: ServiceConfig) {
    this.nativeSchema = config.schema ?? "public";
    this.ctx = { service: config.name, cancel: (pid) => this.cancelBackend(pid) };
  }

  private clientConfig(): pg.ClientConfig {
    if (!this.config.url) {
      throw new PgError(SqlState.connectionFailure, `service "${this.config.name}" has no connection url`);
    }
    return {
      connectionString: this.config.url,
      types: rawTypes,
      connectionTimeoutMillis: 10_000,
      application_name: "weft",
      // a read-only service refuses writes on the backend itself, whatever SQL reaches it
      options: this.config.readOnly ? "-c default_transaction_read_only=on" : undefined,
    };
  }

  async connect(): Promise<void> {
    if (this.pool) return;
    const pool = new pg.Pool({ ...this.clientConfig(), max: this.config.pool ?? 10 });
    // an idle client dropped by the server must not crash the process; the next checkout reconnects
    pool.on("error", () => {});
    try {
      await pool.query("SELECT 1");
    } catch (err) {
      await pool.end().catch(() => {});
      throw serviceUnavailable(this.config.name, (err as Error).message ?? String(err), err);
    }
    this.pool = pool;
  }

  private requirePool(): pg.Pool {
    if (!this.pool) {
      throw new PgError(SqlState.connectionFailure, `service "${this.config.name}" is not connected`, {
        kind: "external",
      });
    }
    return this.pool;
  }

  private async lease(): Promise<PgLease> {
    let client: pg.PoolClient;
    try {
      client = await this.requirePool().connect();
    } catch (err) {
      throw mapPgError(err, this.config.name);
    }
    return { client, release: (destroy) => client.release(destroy) };
  }

  /** From a fresh connection, so a full pool cannot block the cancel. */
  private async cancelBackend(pid: number): Promise<void> {
    const client = new pg.Client(this.clientConfig());
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("SELECT pg_cancel_backend($1)", [pid]);
    } catch {
      // the statement ends anyway: the caller rejects with 57014 and discards the connection
    } finally {
      await client.end().catch(() => {});
    }
  }

  async run(query: NativeQuery, options?: RunOptions): Promise<NativeResult> {
    return runOnLease(this.ctx, await this.lease(), query, options);
  }

  async introspect(onProgress?: IntrospectProgress): Promise<SourceSchema> {
    const pool = this.requirePool();
    const query = async (text: string, params: unknown[]) => {
      try {
        const res = await pool.query({ text, values: params, rowMode: "array", types: rawTypes });
        return res.rows as (string | null)[][];
      } catch (err) {
        throw mapPgError(err, this.config.name);
      }
    };
    return introspectPostgres(query, this.nativeSchema, onProgress);
  }

  async begin(): Promise<SourceTransaction> {
    const lease = await this.lease();
    try {
      await lease.client.query(this.config.readOnly ? "BEGIN READ ONLY" : "BEGIN");
    } catch (err) {
      lease.release(true);
      throw mapPgError(err, this.config.name);
    }
    return new PgTransaction(this.ctx, lease);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.end();
  }
}

class PgTransaction implements SourceTransaction {
  private done = false;

  constructor(
    private readonly ctx: PgRunContext,
    private readonly lease: PgLease,
  ) {}

  private pinned(): PgLease {
    if (this.done) {
      throw new PgError(SqlState.noActiveSqlTransaction, "there is no transaction in progress");
    }
    // statements of the transaction share the connection; it goes back to the pool at the end only
    return { client: this.lease.client, release: () => {} };
  }

  run(query: NativeQuery, options?: RunOptions): Promise<NativeResult> {
    return runOnLease(this.ctx, this.pinned(), query, options);
  }

  private async exec(sql: string): Promise<void> {
    const lease = this.pinned();
    try {
      await lease.client.query(sql);
    } catch (err) {
      throw mapPgError(err, this.ctx.service);
    }
  }

  private async end(sql: string): Promise<void> {
    this.pinned();
    this.done = true;
    try {
      await this.lease.client.query(sql);
      this.lease.release(false);
    } catch (err) {
      this.lease.release(true);
      throw mapPgError(err, this.ctx.service);
    }
  }

  commit(): Promise<void> {
    return this.end("COMMIT");
  }
  rollback(): Promise<void> {
    return this.end("ROLLBACK");
  }
  savepoint(name: string): Promise<void> {
    return this.exec(`SAVEPOINT ${quoteIdent(name)}`);
  }
  releaseSavepoint(name: string): Promise<void> {
    return this.exec(`RELEASE SAVEPOINT ${quoteIdent(name)}`);
  }
  rollbackToSavepoint(name: string): Promise<void> {
    return this.exec(`ROLLBACK TO SAVEPOINT ${quoteIdent(name)}`);
  }
}
