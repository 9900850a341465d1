/**
 * Throwaway databases on the machine's real servers, for tests that need a backend.
 * Every database gets a random suffix so parallel runs never collide; callers drop it in `after`.
 */
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import pg from "pg";

export const defaultPgUrl = "postgresql://postgres@127.0.0.1:5432/postgres";
export const defaultMysqlUrl = "mysql://root@127.0.0.1:3306/";

export function adminPgUrl(): string {
  return process.env.WEFT_TEST_PG_URL || defaultPgUrl;
}

export function adminMysqlUrl(): string {
  return process.env.WEFT_TEST_MYSQL_URL || defaultMysqlUrl;
}

export interface TestDatabase {
  name: string;
  /** a URL that connects straight to this database */
  url: string;
  /** runs one statement (MySQL: several separated by `;` are allowed) and returns its rows */
  exec(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** `<prefix>_<12 hex chars>`, lower case, safe as an unquoted identifier in both dialects. */
export function uniqueDatabaseName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return `${clean}_${randomBytes(6).toString("hex")}`;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createPgDatabase(prefix: string): Promise<TestDatabase> {
  const admin = adminPgUrl();
  const name = uniqueDatabaseName(prefix);
  await withPgClient(admin, (c) => c.query(`create database "${name}"`));
  const url = withDatabase(admin, name);
  let client: pg.Client | null = null;
  let dropped = false;
  return {
    name,
    url,
    async exec(sql, params) {
      if (!client) {
        client = new pg.Client({ connectionString: url });
        await client.connect();
      }
      const result = await client.query(sql, params as unknown[] | undefined);
      // a multi-statement simple query yields an array of results; the last one is the answer
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return (last?.rows ?? []) as Record<string, unknown>[];
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await client?.end().catch(() => {});
      client = null;
      await withPgClient(admin, (c) => c.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

export async function createMysqlDatabase(prefix: string): Promise<TestDatabase> {
  const admin = adminMysqlUrl();
  const name = uniqueDatabaseName(prefix);
  const adminConn = await mysql.createConnection({ uri: admin });
  try {
    await adminConn.query(`create database \`${name}\` character set utf8mb4 collate utf8mb4_bin`);
  } finally {
    await adminConn.end();
  }
  const url = withDatabase(admin, name);
  let conn: mysql.Connection | null = null;
  let dropped = false;
  return {
    name,
    url,
    async exec(sql, params) {
      if (!conn) conn = await mysql.createConnection({ uri: url, multipleStatements: true });
      const [rows] = await conn.query(sql, params);
      if (!Array.isArray(rows)) return [];
      // with several statements mysql2 returns one entry per statement; keep the last result set
      const isHeader = (r: unknown) => (r as object | null)?.constructor?.name === "ResultSetHeader";
      const multi = rows.length > 0 && rows.every((r) => Array.isArray(r) || isHeader(r));
      if (!multi) return rows as Record<string, unknown>[];
      const sets = rows.filter((r) => Array.isArray(r));
      return (sets[sets.length - 1] ?? []) as Record<string, unknown>[];
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await conn?.end().catch(() => {});
      conn = null;
      const c = await mysql.createConnection({ uri: admin });
      try {
        await c.query(`drop database if exists \`${name}\``);
      } finally {
        await c.end();
      }
    },
  };
}

async function withPgClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
