/**
 * A full scan through node-postgres and pg-cursor, 10 000 rows per fetch (Execute with a row limit, so the
 * server must hold the rest back: this is what keeps a proxy's memory flat).
 */
import pg from "pg";
import Cursor from "pg-cursor";

export interface ScanTarget {
  connectionString: string;
  /** big as this target names it: public.big or pg.big */
  table: string;
}

export interface ScanRun {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** sum of text lengths of all values received: how much data actually crossed */
  textBytes: number;
  /** through Weft: the share of one core Weft used during the scan (100 = one full core) */
  weftCpuPercent?: number | null;
}

// Values stay as the server's text: the client then costs the same for both targets and parsing a
// timestamp into a Date does not dominate what is measured.
const rawText = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

/** Reads all of big (maxId null) or the rows with id <= maxId. */
export async function runScan(target: ScanTarget, maxId: number | null, batch = 10_000): Promise<ScanRun> {
  const client = new pg.Client({ connectionString: target.connectionString, types: rawText });
  await client.connect();
  try {
    const started = process.hrtime.bigint();
    const cursor = client.query(
      maxId === null
        ? new Cursor(`SELECT * FROM ${target.table}`, [], { rowMode: "array" })
        : new Cursor(`SELECT * FROM ${target.table} WHERE id <= $1`, [maxId], { rowMode: "array" }),
    );
    let rows = 0;
    let textBytes = 0;
    for (;;) {
      const got = (await cursor.read(batch)) as (string | null)[][];
      if (got.length === 0) break;
      rows += got.length;
      for (const row of got) for (const v of row) if (v !== null) textBytes += v.length;
    }
    await cursor.close();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { rows, seconds, rowsPerSecond: rows / seconds, textBytes };
  } finally {
    await client.end();
  }
}
