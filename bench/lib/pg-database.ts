/**
 * The benchmark's own PostgreSQL database: created fresh with a random name, filled server-side
 * (generate_series, so loading a million rows costs seconds, not a client round trip per row), dropped at
 * the end.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export interface BenchDatabase {
  name: string;
  /** postgres://… URL of the new database */
  url: string;
  drop(): Promise<void>;
}

export interface BenchDataSize {
  accounts: number;
  bigRows: number;
}

/** URL of the server's maintenance database; WEFT_TEST_PG_URL overrides (its database part is replaced). */
export function adminUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.WEFT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createBenchDatabase(
  size: BenchDataSize,
  log: (msg: string) => void,
): Promise<BenchDatabase> {
  const admin = withDatabase(adminUrl(), "postgres");
  const name = `weft_bench_${randomBytes(4).toString("hex")}`;
  const url = withDatabase(admin, name);
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${name}`));
  const db: BenchDatabase = {
    name,
    url,
    // FORCE: a killed Weft child or pgbench may still hold connections when we clean up after an error.
    drop: () =>
      withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
  try {
    await withClient(url, async (c) => {
      log(`loading accounts (${size.accounts} rows) and big (${size.bigRows} rows) into ${name}`);
      await c.query(`CREATE TABLE accounts (id int PRIMARY KEY, balance int, name text, filler text)`);
      await c.query(
        `INSERT INTO accounts
           SELECT i, (i * 7919) % 100000, 'account ' || i, repeat('x', 80)
           FROM generate_series(1, $1::int) AS i`,
        [size.accounts],
      );
      await c.query(`CREATE TABLE big (id bigint PRIMARY KEY, a int, b text, c numeric(12,2), d timestamp)`);
      await c.query(
        `INSERT INTO big
           SELECT i, (i * 31) % 1000003, md5(i::text), ((i * 17) % 10000000) / 100.0,
                  timestamp '2020-01-01' + (i || ' seconds')::interval
           FROM generate_series(1, $1::bigint) AS i`,
        [size.bigRows],
      );
      // VACUUM, not just ANALYZE: it sets hint bits and the visibility map now, so the first timed scan
      // (the direct one) does not pay for them and flatter Weft's ratio.
      await c.query("VACUUM ANALYZE accounts");
      await c.query("VACUUM ANALYZE big");
    });
  } catch (err) {
    await db.drop().catch(() => {});
    throw err;
  }
  return db;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
