import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { Value } from "../common/values.ts";
import type { Connector, QueryRunner, ServiceConfig } from "../connectors/spi.ts";
import type { DemoDatabase, DemoTable } from "./demo-tables.ts";

export type OpenConnector = (config: ServiceConfig) => Connector;

// SQLite allows 32766 bound parameters per statement; 400 rows × ≤9 columns stays far below.
const rowsPerInsert = 400;

const sqliteSidecars = ["-wal", "-shm", "-journal"];

function removeDatabaseFile(path: string): void {
  for (const suffix of ["", ...sqliteSidecars]) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * Writes one demo database through the sqlite connector: into a temp file in one
 * transaction, then renamed over `path`, so an interrupted build never leaves a half
 * file where the service expects a database.
 */
export async function writeDemoDatabase(
  db: DemoDatabase,
  path: string,
  open: OpenConnector,
  onProgress?: (msg: string) => void,
): Promise<void> {
  const temp = `${path}.building-${process.pid}`;
  removeDatabaseFile(temp);
  // An empty file is a valid empty SQLite database, whatever open mode the connector uses.
  writeFileSync(temp, "");
  const connector = open({ name: db.service, kind: "sqlite", path: temp });
  try {
    await connector.connect();
    const tx = await connector.begin();
    try {
      for (const statement of db.ddl) await execute(tx, statement, []);
      for (const table of db.tables) {
        await insertRows(tx, table);
        onProgress?.(`${db.service}.${table.name}: ${table.rows.length} rows`);
      }
      await tx.commit();
    } catch (err) {
      await tx.rollback().catch(() => {});
      throw err;
    }
  } catch (err) {
    await connector.close().catch(() => {});
    removeDatabaseFile(temp);
    throw err;
  }
  await connector.close();
  // A stale WAL of the old file must not be replayed into the new one. The temp file's
  // WAL is normally checkpointed away on close; if one is left it moves along with it.
  for (const suffix of sqliteSidecars) rmSync(`${path}${suffix}`, { force: true });
  for (const suffix of sqliteSidecars) {
    if (existsSync(`${temp}${suffix}`)) renameSync(`${temp}${suffix}`, `${path}${suffix}`);
  }
  renameSync(temp, path);
}

async function insertRows(runner: QueryRunner, table: DemoTable): Promise<void> {
  const columnList = table.columns.map((c) => `"${c}"`).join(", ");
  const tuple = `(${table.columns.map(() => "?").join(", ")})`;
  for (let start = 0; start < table.rows.length; start += rowsPerInsert) {
    const chunk = table.rows.slice(start, start + rowsPerInsert);
    const text = `INSERT INTO "${table.name}" (${columnList}) VALUES ${chunk.map(() => tuple).join(", ")}`;
    await execute(runner, text, chunk.flat());
  }
}

async function execute(runner: QueryRunner, text: string, params: Value[]): Promise<void> {
  const result = await runner.run({ text, params, returnsRows: false });
  try {
    for await (const _ of result.batches) {
      // a statement without rows yields no batches; draining lets the connector finish it
    }
  } finally {
    await result.close();
  }
}
