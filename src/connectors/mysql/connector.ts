import mysql, { type Pool, type PoolConnection } from "mysql2";
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
import { mysqlCompiler, mysqlSessionInit } from "../sql/index.ts";
import { mysqlCapabilities } from "./capabilities.ts";
import { mapMysqlError } from "./errors.ts";
import { introspectMysql } from "./introspect.ts";
import { type MysqlLease, type MysqlRunContext, runOnLease } from "./run.ts";

/** Statements every connection runs before the compiler's session settings. */
function ownSessionInit(readOnly: boolean): string[] {
  return [
    // mysql2 escapes quotes with backslashes; a server running NO_BACKSLASH_ESCAPES would misread them
    "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')",
    ...(readOnly ? ["SET SESSION TRANSACTION READ ONLY"] : []),
  ];
}

function quoteIdent(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

function promised<T>(fn: (cb: (err: any, value?: any) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

export class MysqlConnector implements Connector {
  capabilities: Capabilities = mysqlCapabilities(null);
  readonly compiler: SqlCompiler = mysqlCompiler;
  /** statements run on the URL's database, so names stay unqualified */
  readonly nativeSchema: string | null = null;
  private pool: Pool | null = null;
  private mariadb = false;
  private readonly database: string;
  private readonly ctx: MysqlRunContext;

  constructor(readonly config: ServiceConfig) {
    this.database = config.url ? decodeURIComponent(new URL(config.url).pathname.replace(/^\//, "")) : "";
    this.ctx = { service: config.name, kill: (threadId) => this.killQuery(threadId) };
  }

  private connectionOptions(): mysql.PoolOptions {
    if (!this.config.url) {
      throw new PgError(SqlState.connectionFailure, `service "${this.config.name}" has no connection url`);
    }
    return {
      uri: this.config.url,
      connectTimeout: 10_000,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      jsonStrings: true,
      multipleStatements: false,
    };
  }

  async connect(): Promise<void> {
    if (this.pool) return;
    const pool = mysql.createPool({ ...this.connectionOptions(), connectionLimit: this.config.pool ?? 10 });
    const init = [...ownSessionInit(this.config.readOnly === true), ...mysqlSessionInit];
    pool.on("connection", (conn) => {
      // a connection the server drops while idle must not crash the process
      conn.on("error", () => {});
      // queued before any statement the pool hands this connection to
      for (const sql of init) conn.query(sql, () => {});
    });
    try {
      const rows = await promised<any[]>((cb) =>
        pool.query("SELECT VERSION() AS v", (err: unknown, rows: unknown) => cb(err, rows)),
      );
      const version = String(rows[0]?.v ?? "");
      this.mariadb = /mariadb/i.test(version);
      this.capabilities = mysqlCapabilities(version);
    } catch (err) {
      await promised((cb) => pool.end(cb)).catch(() => {});
      const e = err as { sqlMessage?: string; message?: string };
      throw serviceUnavailable(this.config.name, e.sqlMessage ?? e.message ?? String(err), err);
    }
    this.pool = pool;
  }

  private requirePool(): Pool {
    if (!this.pool) {
      throw new PgError(SqlState.connectionFailure, `service "${this.config.name}" is not connected`, {
        kind: "external",
      });
    }
    return this.pool;
  }

  private async lease(): Promise<PoolConnection> {
    const pool = this.requirePool();
    try {
      return await promised<PoolConnection>((cb) => pool.getConnection(cb));
    } catch (err) {
      throw mapMysqlError(err, this.config.name);
    }
  }

  /** From a fresh connection, so a full pool cannot block the kill. */
  private async killQuery(threadId: number): Promise<void> {
    const conn = mysql.createConnection(this.connectionOptions());
    conn.on("error", () => {});
    try {
      await promised((cb) => conn.query(`KILL QUERY ${Number(threadId)}`, cb));
    } catch {
      // the statement may have ended already; the caller discards the connection anyway
    } finally {
      conn.destroy();
    }
  }

  async run(query: NativeQuery, options?: RunOptions): Promise<NativeResult> {
    const conn = await this.lease();
    const lease: MysqlLease = {
      conn,
      pinned: false,
      release: (destroy) => (destroy ? conn.destroy() : conn.release()),
    };
    return runOnLease(this.ctx, lease, query, options);
  }

  async introspect(onProgress?: IntrospectProgress): Promise<SourceSchema> {
    const pool = this.requirePool();
    const query = async (sql: string, params: unknown[]) => {
      try {
        return await promised<Record<string, any>[]>((cb) =>
          pool.query(sql, params, (err: unknown, rows: unknown) => cb(err, rows)),
        );
      } catch (err) {
        throw mapMysqlError(err, this.config.name);
      }
    };
    return introspectMysql(query, this.database, this.mariadb, onProgress);
  }

  async begin(): Promise<SourceTransaction> {
    const conn = await this.lease();
    try {
      await promised((cb) => conn.query("START TRANSACTION", cb));
    } catch (err) {
      conn.destroy();
      throw mapMysqlError(err, this.config.name);
    }
    return new MysqlTransaction(this.ctx, conn);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await promised((cb) => pool.end(cb));
  }
}

class MysqlTransaction implements SourceTransaction {
  private done = false;

  constructor(
    private readonly ctx: MysqlRunContext,
    private readonly conn: PoolConnection,
  ) {}

  private check(): void {
    if (this.done) throw new PgError(SqlState.noActiveSqlTransaction, "there is no transaction in progress");
  }

  run(query: NativeQuery, options?: RunOptions): Promise<NativeResult> {
    this.check();
    return runOnLease(this.ctx, { conn: this.conn, pinned: true, release: () => {} }, query, options);
  }

  private async exec(sql: string): Promise<void> {
    this.check();
    try {
      await promised((cb) => this.conn.query(sql, cb));
    } catch (err) {
      throw mapMysqlError(err, this.ctx.service);
    }
  }

  private async end(sql: string): Promise<void> {
    this.check();
    this.done = true;
    try {
      await promised((cb) => this.conn.query(sql, cb));
      this.conn.release();
    } catch (err) {
      this.conn.destroy();
      throw mapMysqlError(err, this.ctx.service);
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
