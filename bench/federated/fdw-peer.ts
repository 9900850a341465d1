/**
 * The "peer" the benchmark compares Weft with: one PostgreSQL database that reaches each service through a
 * foreign data wrapper — postgres_fdw for PostgreSQL services, mysql_fdw for MySQL/MariaDB ones — with the
 * foreign tables imported into schemas named like the services, so the same SQL runs unchanged on the peer,
 * on Weft and on the oracle.
 *
 * The configuration is meant to be fair to the FDWs, i.e. what their documentation recommends for speed:
 * - postgres_fdw: use_remote_estimate 'true' (the planner asks the remote for costs, which is what lets it
 *   push joins and aggregates down and choose parameterised remote scans), fetch_size '10000' (default 100),
 *   async_capable 'true' (scans of several foreign tables overlap);
 * - mysql_fdw: fetch_size '10000', one foreign server per MariaDB instance (not per database) because
 *   mysql_fdw pushes a join down only between tables of the same foreign server; use_remote_estimate stays
 *   'false' (its default): against MariaDB 10.11 mysql_fdw 2.8's remote estimate comes back as 1 row for
 *   every table, and the planner then picks nested loops that rescan remote tables (a 45 ms query took
 *   over 300 s), so turning it on would cripple the peer;
 * - ANALYZE on every foreign table (postgres_fdw samples the remote table; mysql_fdw has no ANALYZE support,
 *   which PostgreSQL reports as a warning that is kept in the setup log).
 * After IMPORT FOREIGN SCHEMA, a column whose imported type differs from the oracle's (e.g. MariaDB
 * tinyint(1) imported as smallint where the oracle, like Weft, has boolean) is altered to the oracle's type,
 * so that the same SQL means the same thing on every side; the FDW converts through the type's text input.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export type PeerService =
  | { kind: "postgres"; schema: string; url: string; remoteSchema: string }
  | { kind: "mysql"; schema: string; url: string };

export interface FdwPeerOptions {
  /** maintenance database URL of the PostgreSQL server that will hold the peer */
  adminUrl: string;
  services: PeerService[];
  /** the oracle database: column types of the peer's foreign tables are aligned with it */
  oracleUrl: string | null;
  fetchSize?: number;
  log: (msg: string) => void;
}

export interface FdwPeer {
  name: string;
  url: string;
  /** every statement run to build the peer, and every notice or warning it raised */
  setupLog: string[];
  /** columns whose imported type was changed to the oracle's: "hr.todo.complete smallint → boolean" */
  alignedColumns: string[];
  drop(): Promise<void>;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

function optionList(options: Record<string, string>): string {
  return Object.entries(options)
    .map(([k, v]) => `${k} ${literal(v)}`)
    .join(", ");
}

export async function createFdwPeer(opts: FdwPeerOptions): Promise<FdwPeer> {
  const name = `weft_fedbench_peer_${randomBytes(4).toString("hex")}`;
  const url = withDatabase(opts.adminUrl, name);
  const fetchSize = String(opts.fetchSize ?? 10_000);
  const setupLog: string[] = [];
  const alignedColumns: string[] = [];
  // Same collation and ctype as the oracle: local sorts, comparisons and upper()/lower() on the peer must
  // behave as they do there (the oracle uses C; the server default may differ).
  let createDb = `CREATE DATABASE ${ident(name)}`;
  if (opts.oracleUrl) {
    const locale = await withClient(opts.oracleUrl, (o) =>
      o.query<{ datcollate: string; datctype: string }>(
        "SELECT datcollate, datctype FROM pg_database WHERE datname = current_database()",
      ),
    );
    const l = locale.rows[0]!;
    createDb += ` TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE ${literal(l.datcollate)} LC_CTYPE ${literal(l.datctype)}`;
  }
  setupLog.push(createDb);
  await withClient(opts.adminUrl, (c) => c.query(createDb));
  const peer: FdwPeer = {
    name,
    url,
    setupLog,
    alignedColumns,
    // FORCE: the FDWs' connections of an interrupted query may still be open.
    drop: () =>
      withClient(opts.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`)).then(
        () => {},
      ),
  };
  try {
    await withClient(url, async (c) => {
      c.on("notice", (n) => setupLog.push(`  ${n.severity ?? "NOTICE"}: ${n.message}`));
      const exec = async (sql: string, logged = sql) => {
        setupLog.push(logged);
        await c.query(sql);
      };
      const kinds = new Set(opts.services.map((s) => s.kind));
      if (kinds.has("postgres")) await exec("CREATE EXTENSION IF NOT EXISTS postgres_fdw");
      if (kinds.has("mysql")) await exec("CREATE EXTENSION IF NOT EXISTS mysql_fdw");

      const mysqlServers = new Map<string, string>();
      let serial = 0;
      for (const svc of opts.services) {
        const u = new URL(svc.url);
        const user = decodeURIComponent(u.username);
        const password = decodeURIComponent(u.password);
        const redacted = (sql: string) => (password ? sql.split(literal(password)).join("'***'") : sql);
        let server: string;
        let remote: string;
        if (svc.kind === "postgres") {
          server = `${svc.schema}_pg_server`;
          remote = svc.remoteSchema;
          await exec(
            `CREATE SERVER ${ident(server)} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (${optionList({
              host: u.hostname,
              port: u.port || "5432",
              dbname: databaseOf(svc.url),
              use_remote_estimate: "true",
              fetch_size: fetchSize,
              async_capable: "true",
            })})`,
          );
          const mapping: Record<string, string> = { user: user || "postgres" };
          if (password) mapping.password = password;
          const sql = `CREATE USER MAPPING FOR CURRENT_USER SERVER ${ident(server)} OPTIONS (${optionList(mapping)})`;
          await exec(sql, redacted(sql));
        } else {
          remote = databaseOf(svc.url);
          const hostKey = `${u.hostname}:${u.port || "3306"}:${user}`;
          const known = mysqlServers.get(hostKey);
          if (known) {
            server = known;
          } else {
            server = `mysql_server_${++serial}`;
            mysqlServers.set(hostKey, server);
            await exec(
              `CREATE SERVER ${ident(server)} FOREIGN DATA WRAPPER mysql_fdw OPTIONS (${optionList({
                host: u.hostname,
                port: u.port || "3306",
                use_remote_estimate: "false",
                fetch_size: fetchSize,
                character_set: "utf8mb4",
              })})`,
            );
            const sql = `CREATE USER MAPPING FOR CURRENT_USER SERVER ${ident(server)} OPTIONS (${optionList({
              username: user || "root",
              password,
            })})`;
            await exec(sql, redacted(sql));
          }
        }
        await exec(`CREATE SCHEMA ${ident(svc.schema)}`);
        await exec(
          `IMPORT FOREIGN SCHEMA ${ident(remote)} FROM SERVER ${ident(server)} INTO ${ident(svc.schema)}`,
        );
      }

      const schemas = opts.services.map((s) => s.schema);
      if (opts.oracleUrl) {
        const oracle = await withClient(opts.oracleUrl, (o) => columnTypes(o, schemas));
        const mine = await columnTypes(c, schemas);
        for (const [key, type] of oracle) {
          const have = mine.get(key);
          if (have === undefined) {
            throw new Error(`the FDW peer has no column ${key} (the oracle has it as ${type})`);
          }
          if (have === type) continue;
          const [schema, table, column] = JSON.parse(key) as [string, string, string];
          await exec(
            `ALTER FOREIGN TABLE ${ident(schema)}.${ident(table)} ALTER COLUMN ${ident(column)} TYPE ${type}`,
          );
          alignedColumns.push(`${schema}.${table}.${column} ${have} → ${type}`);
        }
      }
      const tables = await c.query<{ schema: string; table: string }>(
        `SELECT n.nspname AS schema, c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind = 'f' AND n.nspname = ANY($1) ORDER BY 1, 2`,
        [schemas],
      );
      for (const t of tables.rows) await exec(`ANALYZE ${ident(t.schema)}.${ident(t.table)}`);
    });
    for (const line of alignedColumns) opts.log(`peer: aligned ${line}`);
  } catch (err) {
    await peer.drop().catch(() => {});
    throw err;
  }
  return peer;
}

/** schema.table.column (as a JSON key) → format_type of every ordinary or foreign table column in schemas */
async function columnTypes(c: pg.Client, schemas: string[]): Promise<Map<string, string>> {
  const r = await c.query<{ schema: string; table: string; column: string; type: string }>(
    `SELECT n.nspname AS schema, c.relname AS table, a.attname AS column,
            format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'f', 'p', 'v') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY 1, 2, a.attnum`,
    [schemas],
  );
  return new Map(r.rows.map((row) => [JSON.stringify([row.schema, row.table, row.column]), row.type]));
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
