import pg from "pg";
import { connectorSuite, uniqueName } from "./suite.ts";

const baseUrl = process.env.WEFT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

function urlFor(database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminExec(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const special = "héllo 😀 'quoted' \"dq\" back\\slash \\n";

connectorSuite({
  name: "postgres",
  async createDatabase() {
    const name = uniqueName("weft_conn");
    await adminExec(`CREATE DATABASE ${name}`);
    const client = new pg.Client({ connectionString: urlFor(name) });
    await client.connect();
    return {
      config: { name: "pgsrc", kind: "postgres", url: urlFor(name), schema: "app" },
      exec: async (sql) => {
        await client.query(sql);
      },
      drop: async () => {
        await client.end();
        await adminExec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  },
  fixture: [
    "CREATE SCHEMA app",
    "SET search_path = app",
    "CREATE DOMAIN app.posint AS integer CHECK (VALUE > 0)",
    "CREATE TYPE app.mood AS ENUM ('sad', 'happy')",
    "CREATE TABLE app.parent (id integer PRIMARY KEY, code varchar(10) NOT NULL UNIQUE, name text)",
    "COMMENT ON TABLE app.parent IS 'parents'",
    `CREATE TABLE app.typed (
      id bigint PRIMARY KEY,
      parent_id integer REFERENCES app.parent (id) ON DELETE CASCADE,
      b boolean, i2 smallint, i4 integer DEFAULT 42, i8 bigint, n numeric(40,10), np numeric,
      f4 real, f8 double precision, c char(5), vc varchar(20) DEFAULT 'x', t text, by bytea,
      d date, tm time(3), ts timestamp(6), tstz timestamptz, iv interval, j json, jb jsonb, u uuid,
      arr integer[], dom app.posint, m app.mood, ser serial,
      CONSTRAINT typed_pair UNIQUE (i2, i4)
    )`,
    "COMMENT ON COLUMN app.typed.t IS 'free text'",
    "CREATE INDEX typed_d_idx ON app.typed (d)",
    "CREATE VIEW app.typed_view AS SELECT id, t FROM app.typed",
    "INSERT INTO app.parent SELECT g, 'p' || g, 'parent ' || g FROM generate_series(1, 20) g",
    `INSERT INTO app.typed (id, parent_id, b, i2, i4, i8, n, np, f4, f8, c, vc, t, by, d, tm, ts, tstz, iv, j, jb, u, arr, dom, m)
     VALUES (1, 1, true, -32768, 2147483647, 9223372036854775807, 123456789012345678901234567890.0123456789, 0.1,
       1.5, 0.1, 'ab', 'vc', $$${special}$$, '\\x0001ff', '2024-02-29', '13:45:56.789', '2024-02-29 13:45:56.123456',
       '2024-02-29 13:45:56+02', '1 year 2 mons 3 days 04:05:06', '{"b":1, "a": [1,2]}', '{"b": null, "a": [1,2]}',
       'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{1,2,NULL}', 5, 'happy')`,
    "INSERT INTO app.typed (id) VALUES (2)",
    "ANALYZE",
  ],
  tables: {
    parent: {
      types: { id: "integer", code: "character varying(10)", name: "text" },
      primaryKey: ["id"],
      uniqueKeys: [["code"]],
      foreignKeys: [],
      indexes: ["parent_pkey", "parent_code_key"],
      comment: "parents",
    },
    typed: {
      types: {
        id: "bigint",
        parent_id: "integer",
        b: "boolean",
        i2: "smallint",
        i4: "integer",
        i8: "bigint",
        n: "numeric(40,10)",
        np: "numeric",
        f4: "real",
        f8: "double precision",
        c: "character(5)",
        vc: "character varying(20)",
        t: "text",
        by: "bytea",
        d: "date",
        tm: "time(3) without time zone",
        ts: "timestamp(6) without time zone",
        tstz: "timestamp with time zone",
        iv: "interval",
        j: "json",
        jb: "jsonb",
        u: "uuid",
        arr: "integer[]",
        dom: "integer",
        m: "text",
        ser: "integer",
      },
      primaryKey: ["id"],
      uniqueKeys: [["i2", "i4"]],
      foreignKeys: [{ columns: ["parent_id"], refTable: "parent", refColumns: ["id"] }],
      indexes: ["typed_pkey", "typed_pair", "typed_d_idx"],
      comment: null,
      columnComments: { t: "free text" },
      defaults: { i4: "42", vc: "'x'::character varying", ser: null, m: null },
    },
  },
  view: "typed_view",
  selectTyped: "SELECT * FROM app.typed ORDER BY id",
  typedRows: [
    [
      1n,
      1,
      true,
      -32768,
      2147483647,
      9223372036854775807n,
      "123456789012345678901234567890.0123456789",
      "0.1",
      1.5,
      0.1,
      "ab   ",
      "vc",
      special,
      new Uint8Array([0, 1, 255]),
      "2024-02-29",
      "13:45:56.789",
      "2024-02-29 13:45:56.123456",
      "2024-02-29 11:45:56+00",
      { months: 14, days: 3, micros: 14_706_000_000n },
      '{"b":1, "a": [1,2]}',
      '{"a": [1, 2], "b": null}',
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      [1, 2, null],
      5,
      "happy",
      1,
    ],
    // defaults: i4 42, vc 'x', ser from its sequence
    [2n, null, null, null, 42, ...Array(6).fill(null), "x", ...Array(13).fill(null), 2],
  ],
  echoText: () => ({ text: "SELECT $1::text AS v", params: [], returnsRows: true }),
  insertParent: (id, code) => ({
    text: "INSERT INTO app.parent (id, code) VALUES ($1, $2)",
    params: [id, code],
    returnsRows: false,
  }),
  countParents: () => ({ text: "SELECT count(*) FROM app.parent", params: [], returnsRows: true }),
  generate: (n) => ({
    text: "SELECT g AS i, repeat('x', 1000) AS payload FROM generate_series(1, $1::int) g",
    params: [n],
    returnsRows: true,
  }),
  longQuery: { text: "SELECT pg_sleep(30)", params: [], returnsRows: true },
  errors: [
    {
      name: "duplicate key",
      query: ins("INSERT INTO app.parent (id, code) VALUES (1, 'dup')"),
      code: "23505",
    },
    {
      name: "foreign key",
      query: ins("INSERT INTO app.typed (id, parent_id) VALUES (99, 999)"),
      code: "23503",
    },
    { name: "not null", query: ins("INSERT INTO app.parent (id, code) VALUES (998, NULL)"), code: "23502" },
    { name: "unknown column", query: sel("SELECT nope FROM app.parent"), code: "42703" },
    { name: "unknown table", query: sel("SELECT * FROM app.nope"), code: "42P01" },
    { name: "syntax", query: sel("SELEC 1"), code: "42601" },
    {
      name: "too long",
      query: ins("INSERT INTO app.parent (id, code) VALUES (997, repeat('x', 50))"),
      code: "22001",
    },
    { name: "out of range", query: sel("SELECT 40000::smallint"), code: "22003" },
    { name: "division by zero", query: sel("SELECT 1 / 0"), code: "22012" },
    { name: "domain check", query: ins("INSERT INTO app.typed (id, dom) VALUES (98, -1)"), code: "23514" },
  ],
  downConfig: { name: "pgdown", kind: "postgres", url: "postgres://postgres@127.0.0.1:1/postgres" },
});

function ins(text: string) {
  return { text, params: [], returnsRows: false };
}
function sel(text: string) {
  return { text, params: [], returnsRows: true };
}
