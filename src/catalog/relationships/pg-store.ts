/**
 * The PostgreSQL store: several Weft instances share one catalog table. Each write inserts the
 * next version in a transaction that first locks the latest row (`SELECT … FOR UPDATE`), then
 * `NOTIFY weft_catalog, '<version>'`; every instance LISTENs and reloads. The driver lives in
 * connectors/postgres (catalog-database.ts); this file only speaks SQL through CatalogDatabase.
 */
import { Mutex } from "../mutex.ts";
import type { RelationshipLogger } from "./relationship-catalog.ts";
import { staleVersion } from "./stale-version.ts";
import type { CatalogChange, CatalogListener, RelationshipStore, StoredCatalog } from "./store.ts";
import { parseStoredCatalog } from "./stored-schema.ts";
import { CatalogError } from "./types.ts";

export const catalogChannel = "weft_catalog";

export interface CatalogSql {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface CatalogDatabase extends CatalogSql {
  /** runs `work` in one transaction on one connection; a throw rolls it back */
  transaction<T>(work: (sql: CatalogSql) => Promise<T>): Promise<T>;
  /**
   * LISTENs on a dedicated connection that reconnects after a drop; `onConnected` runs after
   * every (re)connect, so notifications missed while disconnected are caught up by a reload.
   */
  listen(channel: string, onNotify: (payload: string) => void, onConnected: () => void): void;
  close(): Promise<void>;
}

/** Versions kept besides the latest (older rows are history for people, never read by Weft). */
const keptVersions = 100;

export class PgRelationshipStore implements RelationshipStore {
  readonly describe: string;
  readonly #db: CatalogDatabase;
  readonly #table: string;
  readonly #tableText: string;
  readonly #logger: RelationshipLogger;
  readonly #reloads = new Mutex();
  #last: StoredCatalog = { version: 0, relationships: [] };
  #listener: CatalogListener | null = null;
  #closed = false;

  /** `table`: a checked name, `name` or `schema.name` (config validation allows nothing else) */
  constructor(db: CatalogDatabase, table: string, logger: RelationshipLogger) {
    this.#db = db;
    this.#tableText = table;
    this.#table = table
      .split(".")
      .map((part) => `"${part.replaceAll('"', '""')}"`)
      .join(".");
    this.describe = `postgres table ${table}`;
    this.#logger = logger;
  }

  async load(): Promise<StoredCatalog> {
    await this.#db.transaction(async (sql) => {
      // two instances starting together would race on CREATE TABLE IF NOT EXISTS
      await sql.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`weft catalog ${this.#tableText}`]);
      await sql.query(
        `CREATE TABLE IF NOT EXISTS ${this.#table} (
          version bigint PRIMARY KEY,
          relationships jsonb NOT NULL,
          written_at timestamptz NOT NULL DEFAULT now())`,
      );
      await sql.query(
        `INSERT INTO ${this.#table} (version, relationships) VALUES (0, '[]') ON CONFLICT DO NOTHING`,
      );
    });
    this.#last = await this.#latest(this.#db);
    return this.#last;
  }

  async update<T>(
    ifMatch: number | undefined,
    change: CatalogChange<T>,
  ): Promise<{ stored: StoredCatalog; result: T }> {
    let outcome: { stored: StoredCatalog; result: T };
    try {
      outcome = await this.#db.transaction(async (sql) => {
        // waits for a concurrent writer; the next statement then sees what it committed
        await sql.query(`SELECT version FROM ${this.#table} ORDER BY version DESC LIMIT 1 FOR UPDATE`);
        const current = await this.#latest(sql);
        if (ifMatch !== undefined && ifMatch !== current.version)
          throw staleVersion(ifMatch, current.version);
        const { relationships, result } = change(current);
        const next: StoredCatalog = { version: current.version + 1, relationships };
        await sql.query(`INSERT INTO ${this.#table} (version, relationships) VALUES ($1, $2::jsonb)`, [
          next.version,
          JSON.stringify(relationships),
        ]);
        await sql.query(`DELETE FROM ${this.#table} WHERE version < $1`, [next.version - keptVersions]);
        await sql.query("SELECT pg_notify($1, $2)", [catalogChannel, String(next.version)]);
        return { stored: next, result };
      });
    } catch (err) {
      // a writer that got past the lock with the same version (the table was recreated meanwhile)
      if ((err as { code?: string }).code === "23505") {
        throw new CatalogError(
          "conflict",
          "another instance wrote the catalog at the same time; read it again and retry",
        );
      }
      throw err;
    }
    if (outcome.stored.version > this.#last.version) this.#last = outcome.stored;
    return outcome;
  }

  watch(listener: CatalogListener): void {
    this.#listener = listener;
    this.#db.listen(
      catalogChannel,
      (payload) => {
        if (Number(payload) > this.#last.version) this.#reload();
      },
      () => this.#reload(),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#reloads.run(async () => {});
    await this.#db.close();
  }

  #reload(): void {
    void this.#reloads.run(async () => {
      if (this.#closed) return;
      try {
        const latest = await this.#latest(this.#db);
        if (latest.version <= this.#last.version) return;
        this.#last = latest;
        this.#listener?.(latest, "peer");
      } catch (err) {
        this.#logger.error(
          { store: this.describe, err: (err as Error).message },
          "reloading the catalog failed",
        );
      }
    });
  }

  async #latest(sql: CatalogSql): Promise<StoredCatalog> {
    const { rows } = await sql.query(
      `SELECT version::text AS version, relationships FROM ${this.#table} ORDER BY version DESC LIMIT 1`,
    );
    const row = rows[0];
    if (!row) return { version: 0, relationships: [] };
    try {
      return parseStoredCatalog({ version: Number(row.version), relationships: row.relationships });
    } catch (err) {
      throw new Error(`${this.describe}, version ${String(row.version)}: ${(err as Error).message}`);
    }
  }
}
