import Database from "better-sqlite3";
import { PgError, SqlState } from "../../common/pg-error.ts";
import type { Value } from "../../common/values.ts";
import { serviceUnavailable, throwIfAborted } from "../shared/source-errors.ts";
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
import { sqliteCompiler } from "../sql/index.ts";
import { sqliteCapabilities } from "./capabilities.ts";
import { mapSqliteError } from "./errors.ts";
import { registerPgFunctions } from "./functions.ts";
import { introspectSqlite } from "./introspect.ts";
import { runRows, runWrite } from "./run.ts";
import { SlotPool } from "./slots.ts";
import { toSqliteParam } from "./values.ts";

type Db = Database.Database;

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * One writer connection (SQLite allows one writer at a time; BEGIN IMMEDIATE takes the lock up
 * front) and a few reader connections, which WAL lets read while the writer writes.
 */
export class SqliteConnector implements Connector {
  readonly capabilities: Capabilities = sqliteCapabilities;
  readonly compiler: SqlCompiler = sqliteCompiler;
  readonly nativeSchema: string | null = null;
  private writer: SlotPool | null = null;
  private readers: SlotPool | null = null;

  constructor(readonly config: ServiceConfig) {}

  private open(readonly: boolean): Db {
    const path = this.config.path ?? ":memory:";
    const db = new Database(path, { readonly, fileMustExist: path !== ":memory:" });
    db.pragma("busy_timeout = 5000");
    // declared foreign keys are enforced, as they would be in Postgres
    db.pragma("foreign_keys = ON");
    registerPgFunctions(db);
    return db;
  }

  async connect(): Promise<void> {
    if (this.writer) return;
    const path = this.config.path ?? ":memory:";
    const opened: Db[] = [];
    try {
      const writer = this.open(this.config.readOnly === true);
      opened.push(writer);
      writer.prepare("SELECT 1").get();
      if (path === ":memory:") {
        // every connection to :memory: is its own database: one connection serves everything
        this.writer = this.readers = new SlotPool([writer]);
        return;
      }
      if (!this.config.readOnly) writer.pragma("journal_mode = WAL");
      const readers: Db[] = [];
      for (let i = 0; i < Math.max(1, this.config.pool ?? 4); i++) {
        const reader = this.open(true);
        opened.push(reader);
        readers.push(reader);
      }
      this.writer = new SlotPool([writer]);
      this.readers = new SlotPool(readers);
    } catch (err) {
      for (const db of opened) db.close();
      throw serviceUnavailable(this.config.name, (err as Error).message ?? String(err), err);
    }
  }

  private pools(): { writer: SlotPool; readers: SlotPool } {
    if (!this.writer || !this.readers) {
      throw new PgError(SqlState.connectionFailure, `service "${this.config.name}" is not connected`, {
        kind: "external",
      });
    }
    return { writer: this.writer, readers: this.readers };
  }

  async run(query: NativeQuery, options: RunOptions = {}): Promise<NativeResult> {
    throwIfAborted(options.signal);
    const { writer, readers } = this.pools();
    const service = this.config.name;
    let pool = readers;
    let db = await pool.acquire();
    try {
      let stmt = db.prepare(query.text);
      if (!stmt.readonly && pool !== writer) {
        // writes go to the one writer connection, in turn with transactions
        readers.release(db);
        pool = writer;
        db = await pool.acquire();
        stmt = db.prepare(query.text);
      }
      return runStatement(stmt, query.params, options, service, () => pool.release(db));
    } catch (err) {
      pool.release(db);
      throw mapSqliteError(err, service);
    }
  }

  async introspect(onProgress?: IntrospectProgress): Promise<SourceSchema> {
    const { readers } = this.pools();
    const db = await readers.acquire();
    try {
      return introspectSqlite(db, onProgress);
    } catch (err) {
      throw mapSqliteError(err, this.config.name);
    } finally {
      readers.release(db);
    }
  }

  async begin(): Promise<SourceTransaction> {
    const { writer } = this.pools();
    const db = await writer.acquire();
    try {
      db.exec("BEGIN IMMEDIATE");
    } catch (err) {
      writer.release(db);
      throw mapSqliteError(err, this.config.name);
    }
    return new SqliteTransaction(db, this.config.name, () => writer.release(db));
  }

  async close(): Promise<void> {
    const pools = [this.writer, this.readers];
    this.writer = this.readers = null;
    const dbs = new Set(pools.flatMap((p) => p?.all ?? []));
    for (const db of dbs) db.close();
  }
}

function runStatement(
  stmt: Database.Statement,
  params: Value[],
  options: RunOptions,
  service: string,
  release: () => void,
): NativeResult {
  const bound = params.map(toSqliteParam);
  if (stmt.reader) return runRows(stmt, bound, options, service, release);
  return runWrite(stmt, bound, service, release);
}

class SqliteTransaction implements SourceTransaction {
  private done = false;
  /** statements of the transaction take turns on its connection */
  private readonly turn: SlotPool;

  constructor(
    db: Db,
    private readonly service: string,
    private readonly release: () => void,
  ) {
    this.turn = new SlotPool([db]);
  }

  private check(): void {
    if (this.done) throw new PgError(SqlState.noActiveSqlTransaction, "there is no transaction in progress");
  }

  async run(query: NativeQuery, options: RunOptions = {}): Promise<NativeResult> {
    this.check();
    throwIfAborted(options.signal);
    const db = await this.turn.acquire();
    try {
      const stmt = db.prepare(query.text);
      return runStatement(stmt, query.params, options, this.service, () => this.turn.release(db));
    } catch (err) {
      this.turn.release(db);
      throw mapSqliteError(err, this.service);
    }
  }

  private async exec(sql: string): Promise<void> {
    this.check();
    const db = await this.turn.acquire();
    try {
      db.exec(sql);
    } catch (err) {
      throw mapSqliteError(err, this.service);
    } finally {
      this.turn.release(db);
    }
  }

  private async end(sql: string): Promise<void> {
    this.check();
    const db = await this.turn.acquire();
    this.done = true;
    try {
      if (db.inTransaction) db.exec(sql);
    } catch (err) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw mapSqliteError(err, this.service);
    } finally {
      this.release();
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
