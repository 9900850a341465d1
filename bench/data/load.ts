/**
 * Loads the federated dataset into real servers: MariaDB databases for hr and ops, a PostgreSQL
 * database for crm, and one PostgreSQL "oracle" database holding every table in schemas hr/crm/ops
 * with the types Weft shows. Each table is generated once and every batch goes to its service and
 * to the oracle side by side. Values are always bound: MariaDB gets multi-row INSERTs escaped by
 * mysql2, PostgreSQL gets `INSERT … SELECT * FROM unnest($1::t1[], $2::t2[], …)` with one array
 * parameter per column (one round trip per batch, no per-row statement parsing).
 */
import mysql from "mysql2/promise";
import pg from "pg";
import { type DatasetOptions, type GeneratedTable, generateFederatedDataset, type Row } from "./generate.ts";
import {
  nativeCreateTable,
  oracleCreateTable,
  type ServiceName,
  serviceKinds,
  serviceNames,
} from "./schema.ts";

export interface FederatedDatabaseNames {
  hr: string;
  crm: string;
  ops: string;
  oracle: string;
}

export interface LoadFederatedOptions extends DatasetOptions {
  /** a MariaDB/MySQL server URL (any database part is replaced) */
  mysqlUrl: string;
  /** a PostgreSQL server URL (any database part is replaced) */
  pgUrl: string;
  /** fresh database names; the loader creates them and fails if one exists */
  names: FederatedDatabaseNames;
  /** rows per INSERT (default 2000) */
  batchRows?: number;
}

export interface LoadedFederatedDataset {
  names: FederatedDatabaseNames;
  /** URLs straight to each service's database and to the oracle */
  urls: { hr: string; crm: string; ops: string; oracle: string };
  /** rows per `<service>.<table>` */
  rowCounts: Record<string, number>;
  /** milliseconds spent loading (create + insert + analyze) */
  elapsedMs: number;
  /** drops all four databases (safe to call twice) */
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

function assertPlainName(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name))
    throw new Error(`database name "${name}" must match [a-z_][a-z0-9_]*`);
}

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function withMysql<T>(url: string, fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({ uri: url, charset: "utf8mb4_bin" });
  try {
    await c.query("set time_zone = '+00:00'");
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Drops the four databases if they exist. */
export async function dropFederatedDataset(
  options: Pick<LoadFederatedOptions, "mysqlUrl" | "pgUrl" | "names">,
): Promise<void> {
  const { names } = options;
  for (const n of Object.values(names)) assertPlainName(n);
  await withMysql(options.mysqlUrl, async (c) => {
    await c.query(`drop database if exists \`${names.hr}\``);
    await c.query(`drop database if exists \`${names.ops}\``);
  });
  await withPg(options.pgUrl, async (c) => {
    await c.query(`drop database if exists "${names.crm}" with (force)`);
    await c.query(`drop database if exists "${names.oracle}" with (force)`);
  });
}

/** The element type of the unnest() array parameter for a shown column type. */
function arrayCast(shown: string): string {
  return `${shown}[]`;
}

async function insertPg(c: pg.Client, qualified: string, table: GeneratedTable, rows: Row[]): Promise<void> {
  const cols = table.table.columns;
  const arrays = cols.map((_, j) => rows.map((r) => r[j] ?? null));
  const casts = cols.map((col, j) => `$${j + 1}::${arrayCast(col.shown)}`).join(", ");
  const names = cols.map((col) => `"${col.name}"`).join(", ");
  await c.query(`insert into ${qualified} (${names}) select * from unnest(${casts})`, arrays);
}

async function insertMysql(c: mysql.Connection, table: GeneratedTable, rows: Row[]): Promise<void> {
  const names = table.table.columns.map((col) => `\`${col.name}\``).join(", ");
  await c.query(`insert into \`${table.table.name}\` (${names}) values ?`, [rows]);
}

export async function loadFederatedDataset(options: LoadFederatedOptions): Promise<LoadedFederatedDataset> {
  const started = Date.now();
  const { names } = options;
  for (const n of Object.values(names)) assertPlainName(n);
  const batchRows = options.batchRows ?? 2000;
  const dataset = generateFederatedDataset(options);
  const urls = {
    hr: withDatabase(options.mysqlUrl, names.hr),
    crm: withDatabase(options.pgUrl, names.crm),
    ops: withDatabase(options.mysqlUrl, names.ops),
    oracle: withDatabase(options.pgUrl, names.oracle),
  };
  const drop = () => dropFederatedDataset(options);

  try {
    await withMysql(options.mysqlUrl, async (c) => {
      for (const db of [names.hr, names.ops]) {
        await c.query(`create database \`${db}\` character set utf8mb4 collate utf8mb4_bin`);
      }
    });
    await withPg(options.pgUrl, async (c) => {
      // collation C: text sorts by code point, as utf8mb4_bin and Weft's in-memory operators do;
      // ctype C.UTF-8 so upper()/lower()/ILIKE/regex classes know non-ASCII letters (ø → Ø)
      for (const db of [names.crm, names.oracle]) {
        const create = (ctype: string) =>
          c.query(
            `create database "${db}" template template0 encoding 'UTF8' lc_collate 'C' lc_ctype '${ctype}'`,
          );
        await create("C.UTF-8").catch(() => create("en_US.UTF-8"));
      }
    });
    await withPg(urls.oracle, async (c) => {
      for (const s of serviceNames) await c.query(`create schema "${s}"`);
    });

    const rowCounts: Record<string, number> = {};
    await Promise.all(
      dataset.tables.map(async (table) => {
        rowCounts[`${table.table.service}.${table.table.name}`] = await loadTable(table, urls, batchRows);
      }),
    );

    await Promise.all([
      withMysql(urls.hr, (c) => c.query("analyze table employees, departments, todo")),
      withMysql(urls.ops, (c) => c.query("analyze table assignment")),
      withPg(urls.crm, (c) => c.query("analyze")),
      withPg(urls.oracle, (c) => c.query("analyze")),
    ]);
    return { names, urls, rowCounts, elapsedMs: Date.now() - started, drop };
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
}

async function loadTable(
  table: GeneratedTable,
  urls: Record<ServiceName | "oracle", string>,
  batchRows: number,
): Promise<number> {
  const service = table.table.service;
  const oracle = new pg.Client({ connectionString: urls.oracle });
  await oracle.connect();
  const qualified = `"${service}"."${table.table.name}"`;
  let count = 0;
  try {
    await oracle.query(oracleCreateTable(table.table));
    const flushOracle = (rows: Row[]) => insertPg(oracle, qualified, table, rows);
    if (serviceKinds[service] === "mysql") {
      await withMysql(urls[service], async (c) => {
        await c.query(nativeCreateTable(table.table));
        count = await streamBatches(table, batchRows, (rows) =>
          Promise.all([insertMysql(c, table, rows), flushOracle(rows)]),
        );
      });
    } else {
      await withPg(urls[service], async (c) => {
        await c.query(nativeCreateTable(table.table));
        const native = `"${table.table.name}"`;
        count = await streamBatches(table, batchRows, (rows) =>
          Promise.all([insertPg(c, native, table, rows), flushOracle(rows)]),
        );
      });
    }
  } finally {
    await oracle.end();
  }
  if (count !== table.rowCount)
    throw new Error(`${qualified}: loaded ${count} rows, expected ${table.rowCount}`);
  return count;
}

async function streamBatches(
  table: GeneratedTable,
  batchRows: number,
  flush: (rows: Row[]) => Promise<unknown>,
): Promise<number> {
  let batch: Row[] = [];
  let count = 0;
  for (const row of table.rows()) {
    batch.push(row);
    if (batch.length >= batchRows) {
      await flush(batch);
      count += batch.length;
      batch = [];
    }
  }
  if (batch.length) {
    await flush(batch);
    count += batch.length;
  }
  return count;
}
