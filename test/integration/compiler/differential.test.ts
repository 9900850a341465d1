import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import mysql from "mysql2/promise";
import pg from "pg";
import { Oid } from "../../../src/common/pg-types.ts";
import type { Value } from "../../../src/common/values.ts";
import { mapMysqlError } from "../../../src/connectors/mysql/errors.ts";
import type { CompileTarget, SourceColumn, SqlCompiler } from "../../../src/connectors/spi.ts";
import { mysqlCompiler, mysqlSessionInit, sqliteCompiler } from "../../../src/connectors/sql/index.ts";
import { mapSqliteError } from "../../../src/connectors/sqlite/errors.ts";
import { registerPgFunctions } from "../../../src/connectors/sqlite/functions.ts";
import { initParser, parseSql } from "../../../src/sql/parse.ts";

const PG_URL = process.env.WEFT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const MYSQL_URL = process.env.WEFT_TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/";
const suffix = randomBytes(4).toString("hex");
const dbName = `weft_cmp_${suffix}`;

// ------------------------------------------------------------------ dataset

interface Col {
  name: string;
  oid: number;
  pg: string;
  my: string;
  lite: string;
}
const c = (name: string, oid: number, pgT: string, my: string, lite: string): Col => ({
  name,
  oid,
  pg: pgT,
  my,
  lite,
});
const tables: Record<string, Col[]> = {
  people: [
    c("id", Oid.int4, "integer primary key", "int primary key", "INTEGER PRIMARY KEY"),
    c("name", Oid.varchar, "varchar(50)", "varchar(50)", "TEXT"),
    c("city", Oid.varchar, "varchar(50)", "varchar(50)", "TEXT"),
    c("score", Oid.numeric, "numeric(10,2)", "decimal(10,2)", "NUMERIC"),
    c("born", Oid.date, "date", "date", "TEXT"),
    c("created", Oid.timestamp, "timestamp", "datetime(6)", "TEXT"),
    c("active", Oid.bool, "boolean", "tinyint(1)", "INTEGER"),
    c("rating", Oid.float8, "double precision", "double", "REAL"),
  ],
  orders: [
    c("id", Oid.int4, "integer primary key", "int primary key", "INTEGER PRIMARY KEY"),
    c("person_id", Oid.int4, "integer", "int", "INTEGER"),
    c("qty", Oid.int4, "integer", "int", "INTEGER"),
    c("amount", Oid.numeric, "numeric(10,2)", "decimal(10,2)", "NUMERIC"),
    c("note", Oid.text, "text", "text", "TEXT"),
  ],
  ratios: [
    c("id", Oid.int4, "integer primary key", "int primary key", "INTEGER PRIMARY KEY"),
    c("n", Oid.int4, "integer", "int", "INTEGER"),
    c("d", Oid.int4, "integer", "int", "INTEGER"),
    c("x", Oid.float8, "double precision", "double", "REAL"),
    c("y", Oid.float8, "double precision", "double", "REAL"),
  ],
};
const rows: Record<string, Value[][]> = {
  people: [
    [1, "Alice", "Paris", "10.50", "1990-01-15", "2024-01-01 10:00:00", true, 4.5],
    [2, "alice", "paris", "20.00", "1985-06-30", "2024-01-02 11:30:00.25", false, 3.25],
    [3, "Bob ", null, null, null, null, null, null],
    [4, "Bob", "Berlin", "7.25", "2000-02-29", "2023-12-31 23:59:59", true, 1],
    [5, "Émile", "Zürich", "99.99", "1970-01-01", "2024-02-29 12:00:00", false, 2.5],
    [6, "zoë 😀", "Berlin", "0.01", "1999-12-31", "2024-03-01 00:00:00.123456", true, -1.5],
    [7, "O'Brien \\ x", "Paris", "10.50", "1990-01-15", "2024-01-01 10:00:00", null, 4.5],
    [8, "Alice", "Paris", "5.00", "2001-09-09", "2022-05-05 05:05:05", true, null],
  ],
  orders: [
    [1, 1, 3, "9.99", "first"],
    [2, 1, 1, "0.01", null],
    [3, 2, 7, "100.00", "Big"],
    [4, 4, 2, "7.25", "big"],
    [5, 5, 5, "1.10", "naïve"],
    [6, 9, 1, "3.30", "orphan"],
    [7, 6, 4, "2.20", "😀 emoji"],
    [8, 6, 4, "2.20", "😀 emoji"],
  ],
  // zero divisors: row 5 has a NULL dividend (NULL, no error), row 6 a real one (22012)
  ratios: [
    [1, 10, 2, 7.5, 2.5],
    [2, -7, 2, -1, 0.5],
    [3, 7, -2, 3, -0.25],
    [4, 5, null, null, null],
    [5, null, 0, null, 0],
    [6, 9, 0, 4.5, 0],
  ],
};

const target: CompileTarget = {
  service: "svc",
  nativeSchema: null,
  columnsOf(table: string): SourceColumn[] | undefined {
    return tables[table]?.map((col, i) => ({
      name: col.name,
      ordinal: i + 1,
      type: { oid: col.oid, typmod: -1, sql: col.pg },
      nativeType: col.my,
      nullable: true,
      defaultExpr: null,
      comment: null,
    }));
  },
};

// ------------------------------------------------------------------ queries (Postgres text, run on the oracle as-is)

interface Case {
  sql: string;
  params?: Value[];
  types?: number[];
  /** skip a backend that must refuse it (asserted: 0A000) */
  refuse?: ("mysql" | "sqlite")[];
}
const cases: Case[] = [
  { sql: "select id, name from svc.people order by id" },
  // a text-typed literal keeps its type (an untyped parameter would make pg_typeof fail on PostgreSQL)
  {
    sql: "select id, pg_typeof('k'::text)::text, 'k'::text || name from svc.people order by id",
    refuse: ["mysql", "sqlite"],
  },
  { sql: "select name, city from svc.people order by city, name" },
  { sql: "select name, city from svc.people order by city desc, name desc" },
  { sql: "select id, city from svc.people order by city nulls first, id" },
  { sql: "select id, city from svc.people order by city desc nulls last, id" },
  { sql: "select id from svc.people where name = 'alice' order by id" },
  { sql: "select id from svc.people where name = 'Bob' order by id" },
  { sql: "select id from svc.people where name like 'A%' order by id" },
  { sql: "select id from svc.people where name ilike 'a%' order by id" },
  { sql: "select id from svc.people where name not like '%e' order by id" },
  { sql: "select id from svc.people where name like '%\\\\%' order by id" },
  { sql: "select id from svc.people where name > 'a' order by name, id" },
  { sql: "select distinct name from svc.people order by name" },
  { sql: "select distinct city from svc.people" },
  { sql: "select city, count(*) from svc.people group by city order by city" },
  { sql: "select name, count(*) as n from svc.people group by name having count(*) > 1" },
  { sql: "select count(*), count(city), count(distinct city) from svc.people" },
  {
    sql: "select person_id, sum(qty), min(amount), max(amount) from svc.orders group by person_id order by 1",
  },
  { sql: "select sum(amount) from svc.orders", refuse: ["sqlite"] },
  { sql: "select avg(rating) from svc.people" },
  { sql: "select id, score from svc.people where score > 10 order by score desc, id" },
  { sql: "select id from svc.people where score between 5 and 10.5 order by id" },
  { sql: "select id from svc.people where score between symmetric 10.5 and 5 order by id" },
  { sql: "select id from svc.people where born >= date '1990-01-01' order by born, id" },
  { sql: "select id from svc.people where created < timestamp '2024-01-02 00:00:00' order by created" },
  { sql: "select id from svc.people where active order by id" },
  { sql: "select id from svc.people where not active order by id" },
  { sql: "select id from svc.people where active is not true order by id" },
  { sql: "select id from svc.people where active is unknown order by id" },
  { sql: "select id from svc.people where city is null order by id" },
  { sql: "select id from svc.people where city is distinct from 'Paris' order by id" },
  { sql: "select id from svc.people where city is not distinct from null order by id" },
  { sql: "select id from svc.people where id in (1, 3, 5) order by id" },
  { sql: "select id from svc.people where id not in (1, 3, 5) order by id" },
  {
    sql: "select id from svc.people where id = any($1) order by id",
    params: [[2, 4, 99]],
    types: [Oid._int4],
  },
  {
    sql: "select id from svc.people where id = $1 or name = $2 order by id",
    params: [3, "zoë 😀"],
    types: [Oid.int4, Oid.text],
  },
  { sql: "select id, qty / 2, qty % 3, -qty, qty * 2 + 1 from svc.orders order by id" },
  { sql: "select id, rating / 2 from svc.people order by id" },
  {
    sql: "select id, case when score > 10 then 'high' when score is null then 'none' else 'low' end from svc.people order by id",
  },
  { sql: "select id, coalesce(city, 'nowhere'), nullif(city, 'Paris') from svc.people order by id" },
  { sql: "select id, greatest(qty, person_id), least(qty, person_id, null) from svc.orders order by id" },
  { sql: "select lower(name), upper(name), length(name) from svc.people order by id" },
  {
    sql: "select substring(name from 2 for 3), substr(name, 1, 2), position('l' in name), strpos(name, 'i') from svc.people order by id",
  },
  { sql: "select trim(name), rtrim(name), ltrim(name), replace(name, 'l', 'L') from svc.people order by id" },
  {
    sql: "select concat(name, '-', city), concat_ws('/', name, city), name || '!' from svc.people order by id",
  },
  {
    sql: "select left(name, 2), right(name, 2), lpad(city, 8, '*'), rpad(city, 8), repeat('ab', qty), reverse(note) from svc.orders o join svc.people p on p.id = o.person_id order by o.id",
  },
  {
    sql: "select abs(rating), round(score, 1), ceil(rating), floor(rating), mod(qty, 3), power(qty, 2), sqrt(qty) from svc.orders o join svc.people p on p.id = o.person_id order by o.id",
    refuse: ["sqlite"],
  },
  {
    sql: "select extract(year from born), extract(month from created), date_part('day', born), extract(dow from born) from svc.people order by id",
  },
  { sql: "select date_trunc('month', created), date_trunc('hour', created) from svc.people order by id" },
  { sql: "select p.name, o.amount from svc.people p join svc.orders o on o.person_id = p.id order by o.id" },
  {
    sql: "select p.id, o.id from svc.people p left join svc.orders o on o.person_id = p.id order by p.id, o.id",
  },
  { sql: "select p.id, o.id from svc.people p right join svc.orders o on o.person_id = p.id order by o.id" },
  {
    sql: "select p.id, o.id from svc.people p full join svc.orders o on o.person_id = p.id order by p.id, o.id",
    refuse: ["mysql"],
  },
  { sql: "select count(*) from svc.people cross join svc.orders" },
  {
    sql: "select id from svc.people p where exists (select 1 from svc.orders o where o.person_id = p.id) order by id",
  },
  { sql: "select id from svc.people where id not in (select person_id from svc.orders) order by id" },
  {
    sql: "select id, (select count(*) from svc.orders o where o.person_id = p.id) from svc.people p order by id",
  },
  {
    sql: "select s.c, s.n from (select city as c, count(*) as n from svc.people group by city) s where s.n > 1 order by s.c",
  },
  { sql: "select name from svc.people union select note from svc.orders order by 1" },
  { sql: "select city from svc.people union all select note from svc.orders" },
  { sql: "select city from svc.people intersect select city from svc.people where active" },
  { sql: "select city from svc.people except select city from svc.people where active" },
  { sql: "select id from svc.people order by id limit 3 offset 2" },
  { sql: "select id from svc.people order by id offset 6" },
  { sql: "select id from svc.people order by id limit $1", params: [2], types: [Oid.int8] },
  {
    sql: "with big as (select * from svc.orders where qty > 2) select person_id, count(*) from big group by person_id order by person_id",
  },
  {
    sql: "with recursive n(i) as (select 1 union all select i + 1 from n where i < 5) select i from n order by i",
  },
  {
    sql: "select id, row_number() over (partition by city order by id), rank() over (order by score desc) from svc.people order by id",
  },
  { sql: "select id, sum(qty) over (partition by person_id order by id) from svc.orders order by id" },
  { sql: "select string_agg(name, ', ' order by name) from svc.people" },
  { sql: "select city, bool_and(active), bool_or(active) from svc.people group by city order by city" },
  { sql: "select id, name ~ '^[A-Z]', name ~* '^b' from svc.people order by id" },
  {
    sql: "select o.id, cast(qty as text), qty::numeric(10,2), cast(born as text) from svc.orders o join svc.people p on p.id = o.person_id order by o.id",
    refuse: ["sqlite"],
  },
  { sql: "select * from (values (1, 'a'), (2, 'b')) as v(x, y) order by x" },
  { sql: "select count(*) from svc.people where name = $1", params: ["O'Brien \\ x"], types: [Oid.text] },
];

// ------------------------------------------------------------------ normalisation to Postgres text

function canonNumeric(s: string): string {
  if (!/^-?\d*\.?\d*(e[+-]?\d+)?$/i.test(s)) return s;
  let [i, f = ""] = s.split(".");
  f = f.replace(/0+$/, "");
  if (i === "-0") i = "0";
  return f ? `${i}.${f}` : i;
}
function canonTs(s: string): string {
  const [d, t] = s.replace("T", " ").split(" ");
  if (!t) return s;
  const [hms, frac = ""] = t.split(".");
  const f = frac.replace(/0+$/, "");
  return f ? `${d} ${hms}.${f}` : `${d} ${hms}`;
}
function toPgText(v: unknown, oid: number): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) throw new Error("dates must arrive as strings");
  if (Buffer.isBuffer(v)) v = v.toString("utf8");
  switch (oid) {
    case Oid.bool:
      if (v === 1 || v === "1" || v === true || v === "t" || v === 1n) return "t";
      if (v === 0 || v === "0" || v === false || v === "f" || v === 0n) return "f";
      throw new Error(`not a boolean: ${String(v)}`);
    case Oid.int2:
    case Oid.int4:
    case Oid.int8:
      return BigInt(String(v)).toString();
    case Oid.numeric: {
      const s = String(v);
      return canonNumeric(typeof v === "number" ? String(v) : s);
    }
    case Oid.float4:
    case Oid.float8:
      return String(Number(v));
    case Oid.timestamp:
    case Oid.timestamptz:
      return canonTs(String(v));
    default:
      return String(v);
  }
}

// ------------------------------------------------------------------ harness

let oracle: pg.Client;
let my: mysql.Connection;
let lite: Database.Database;
let liteDir: string;
const pgDbUrl = (name: string) => {
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

before(async () => {
  await initParser();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(
    `CREATE DATABASE ${dbName} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
  );
  await admin.end();
  oracle = new pg.Client({
    connectionString: pgDbUrl(dbName),
    types: { getTypeParser: () => (v: string) => v },
  });
  await oracle.connect();
  await oracle.query("CREATE SCHEMA svc");

  const u = new URL(MYSQL_URL);
  my = await mysql.createConnection({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || "root"),
    password: decodeURIComponent(u.password),
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
  });
  await my.query(`CREATE DATABASE ${dbName} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
  await my.query(`USE ${dbName}`);

  liteDir = mkdtempSync(join(tmpdir(), "weft-cmp-"));
  lite = new Database(join(liteDir, "db.sqlite"));

  for (const [table, cols] of Object.entries(tables)) {
    await oracle.query(`CREATE TABLE svc.${table} (${cols.map((x) => `${x.name} ${x.pg}`).join(", ")})`);
    await my.query(`CREATE TABLE ${table} (${cols.map((x) => `${x.name} ${x.my}`).join(", ")})`);
    lite.exec(`CREATE TABLE ${table} (${cols.map((x) => `${x.name} ${x.lite}`).join(", ")})`);
    for (const row of rows[table]) {
      const marks = row.map((_v, i) => `$${i + 1}`).join(", ");
      await oracle.query(`INSERT INTO svc.${table} VALUES (${marks})`, row as unknown[]);
      const native = row.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));
      await my.execute(`INSERT INTO ${table} VALUES (${row.map(() => "?").join(", ")})`, native as never[]);
      const liteRow = native.map((v, i) => (cols[i].oid === Oid.numeric && v !== null ? Number(v) : v));
      lite
        .prepare(`INSERT INTO ${table} VALUES (${row.map(() => "?").join(", ")})`)
        .run(...(liteRow as unknown[]));
    }
  }
  for (const stmt of mysqlSessionInit) await my.query(stmt);
  registerPgFunctions(lite);
});

after(async () => {
  await oracle?.end();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.end();
  await my?.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await my?.end();
  lite?.close();
  if (liteDir) rmSync(liteDir, { recursive: true, force: true });
});

function ordered(sql: string): boolean {
  return /order by/i.test(sql.replace(/over \([^)]*\)|string_agg\([^)]*\)/gi, ""));
}

async function runBackend(kind: "mysql" | "sqlite", compiler: SqlCompiler, cs: Case): Promise<unknown[][]> {
  const [stmt] = parseSql(cs.sql);
  const q = compiler.compile(stmt.ast, target, cs.params ?? [], cs.types ?? []);
  if (kind === "mysql") {
    const [res] = await my.query({ sql: q.text, values: q.params as unknown[], rowsAsArray: true });
    return res as unknown[][];
  }
  const prepared = lite.prepare(q.text).raw(true);
  return prepared.all(...(q.params as unknown[])) as unknown[][];
}

describe("compiled queries return what Postgres returns", () => {
  for (const [kind, compiler] of [
    ["mysql", mysqlCompiler],
    ["sqlite", sqliteCompiler],
  ] as const) {
    for (const cs of cases) {
      test(`${kind}: ${cs.sql}`, async () => {
        if (cs.refuse?.includes(kind)) {
          await assert.rejects(runBackend(kind, compiler, cs), (e: any) => e.code === "0A000");
          return;
        }
        const expected = await oracle.query({
          text: cs.sql,
          values: cs.params as unknown[],
          rowMode: "array",
        });
        const oids = expected.fields.map((f) => f.dataTypeID);
        const want = expected.rows.map((r: unknown[]) => r.map((v, i) => toPgText(v, oids[i])));
        const got = (await runBackend(kind, compiler, cs)).map((r) => r.map((v, i) => toPgText(v, oids[i])));
        const key = (r: unknown[]) => JSON.stringify(r);
        if (ordered(cs.sql)) assert.deepEqual(got, want);
        else assert.deepEqual(got.map(key).sort(), want.map(key).sort());
      });
    }
  }
});

// ------------------------------------------------------------------ zero divisors

/** Each statement either returns what Postgres returns or fails where Postgres fails (22012). */
const divisionCases: Case[] = [
  { sql: "select id, n / d, n % d, mod(n, d) from svc.ratios where id <> 6 order by id" },
  { sql: "select id, n / d from svc.ratios order by id" },
  { sql: "select id, n % d from svc.ratios order by id" },
  { sql: "select mod(n, d) from svc.ratios where id = 6" },
  { sql: "select id, n / 0 from svc.ratios where id = 5" },
  { sql: "select id, n / 0 from svc.ratios order by id" },
  { sql: "select 1 / 0" },
  { sql: "select id, n / $1 from svc.ratios order by id", params: [0], types: [Oid.int4] },
  { sql: "select id, n / $1, n % $1 from svc.ratios order by id", params: [-3], types: [Oid.int4] },
  { sql: "select id from svc.ratios where n / d > 1 order by id" },
  { sql: "select id from svc.ratios where d <> 0 and n / d > 1 order by id" },
  { sql: "select id from svc.ratios where id < 5 order by n % d desc, id" },
  { sql: "select id from svc.ratios order by n / d, id" },
  { sql: "select d, count(*) from svc.ratios group by d having count(*) / d > 0 order by d" },
  { sql: "select d, count(*) from svc.ratios where d <> 0 group by d having count(*) / d > 0 order by d" },
  { sql: "select id, x / y, n / x from svc.ratios where y <> 0 and x <> 0 order by id" },
  { sql: "select id, x / y from svc.ratios where id < 5 order by id" },
  { sql: "select id, x / y from svc.ratios order by id" },
  { sql: "select id, (n / d) / (d - 2) from svc.ratios where id in (2, 3) order by id" },
  { sql: "select id, (n / d) / (d + 2) from svc.ratios where id = 2" },
  { sql: "select id, (select max(n) from svc.ratios) / d from svc.ratios where id < 5 order by id" },
  {
    sql: "select id, case when d = 0 then null else n / d end from svc.ratios order by id",
  },
];

function divisionError(kind: "mysql" | "sqlite", err: unknown): { code: string; message: string } {
  const mapped = kind === "mysql" ? mapMysqlError(err, "svc") : mapSqliteError(err, "svc");
  return { code: mapped.code, message: mapped.message };
}

async function oracleOutcome(sql: string, params: Value[] = []) {
  try {
    const res = await oracle.query({ text: sql, values: params as unknown[], rowMode: "array" });
    const oids = res.fields.map((f) => f.dataTypeID);
    return { rows: res.rows.map((r: unknown[]) => r.map((v, i) => toPgText(v, oids[i]))), oids };
  } catch (err) {
    const e = err as { code: string; message: string };
    return { error: { code: e.code, message: e.message } };
  }
}

async function execBackend(kind: "mysql" | "sqlite", sql: string): Promise<void> {
  const [stmt] = parseSql(sql);
  const q = (kind === "mysql" ? mysqlCompiler : sqliteCompiler).compile(stmt.ast, target, [], []);
  if (kind === "mysql") await my.query({ sql: q.text, values: q.params as unknown[] });
  else lite.prepare(q.text).run(...(q.params as unknown[]));
}

const ratiosSql = "select * from svc.ratios order by id";

describe("zero divisors fail where Postgres fails", () => {
  for (const kind of ["mysql", "sqlite"] as const) {
    const compiler = kind === "mysql" ? mysqlCompiler : sqliteCompiler;
    for (const cs of divisionCases) {
      test(`${kind}: ${cs.sql}${cs.params ? ` ${JSON.stringify(cs.params)}` : ""}`, async () => {
        const want = await oracleOutcome(cs.sql, cs.params);
        let got: { rows: (string | null)[][] } | { error: { code: string; message: string } };
        try {
          const raw = await runBackend(kind, compiler, cs);
          got = { rows: raw.map((r) => r.map((v, i) => toPgText(v, want.oids?.[i] ?? Oid.text))) };
        } catch (err) {
          got = { error: divisionError(kind, err) };
        }
        if ("error" in want) assert.deepEqual(got, { error: { code: "22012", message: "division by zero" } });
        assert.deepEqual(got, "error" in want ? { error: want.error } : { rows: want.rows });
      });
    }

    test(`${kind}: UPDATE and DELETE with a zero divisor fail and change nothing`, async () => {
      const original = await oracleOutcome(ratiosSql);
      if (!original.rows || !original.oids) assert.fail("the oracle reads the table");
      const oids: number[] = original.oids;
      for (const sql of [
        "update svc.ratios set n = n / d",
        "update svc.ratios set x = 0 where n % d = 0",
        "delete from svc.ratios where n / d > 1",
        "delete from svc.ratios where x / y < 100",
      ]) {
        await assert.rejects(oracle.query(sql), (e: any) => e.code === "22012");
        await assert.rejects(execBackend(kind, sql), (e: unknown) => {
          assert.deepEqual(divisionError(kind, e), { code: "22012", message: "division by zero" });
          return true;
        });
        const now: (string | null)[][] = (await runBackend(kind, compiler, { sql: ratiosSql })).map((r) =>
          r.map((v, i) => toPgText(v, oids[i])),
        );
        assert.deepEqual(now, original.rows, `${sql} changed nothing`);
      }
      // a guarded divisor updates as before
      await execBackend(kind, "update svc.ratios set x = x where d <> 0 and n / d > 1");
    });
  }
});
