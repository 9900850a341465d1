import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { connectorSuite } from "./suite.ts";

const special = "héllo 😀 'quoted' \"dq\" back\\slash \\n";

connectorSuite({
  name: "sqlite",
  async createDatabase() {
    const dir = mkdtempSync(join(tmpdir(), "weft-sqlite-"));
    const path = join(dir, "test.db");
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    return {
      config: { name: "litesrc", kind: "sqlite", path },
      exec: async (sql) => {
        db.exec(sql);
      },
      drop: async () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  fixture: [
    "CREATE TABLE parent (id INTEGER PRIMARY KEY, code VARCHAR(10) NOT NULL UNIQUE, name TEXT)",
    `CREATE TABLE typed (
      id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE,
      flag BOOLEAN, i INT DEFAULT 42, big BIGINT, r REAL, dbl DOUBLE, num NUMERIC, dec DECIMAL(10,2),
      vc VARCHAR(20) DEFAULT 'x', tx TEXT, ch CHAR(5), bl BLOB, untyped, d DATE, dt DATETIME, tm TIME, js JSON,
      chk INTEGER CHECK (chk > 0),
      UNIQUE (i, big)
    )`,
    "CREATE INDEX typed_d_idx ON typed (d)",
    "CREATE VIEW typed_view AS SELECT id, tx FROM typed",
    `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20)
     INSERT INTO parent SELECT n, 'p' || n, 'parent ' || n FROM g`,
    `INSERT INTO typed VALUES (1, 1, 1, 2147483647, 9223372036854775807, 1.5, 0.1, '12345.678', 12.5, 'vc',
      '${special.replaceAll("'", "''")}', 'ab', X'0001FF', 'plain', '2024-02-29', '2024-02-29 13:45:56.123',
      '13:45:56', '{"a":[1,2]}', 1)`,
    "INSERT INTO typed (id) VALUES (2)",
    "ANALYZE",
  ],
  tables: {
    parent: {
      types: { id: "bigint", code: "character varying(10)", name: "text" },
      primaryKey: ["id"],
      uniqueKeys: [["code"]],
      foreignKeys: [],
      indexes: ["sqlite_autoindex_parent_1"],
      comment: null,
    },
    typed: {
      types: {
        id: "bigint",
        parent_id: "bigint",
        flag: "boolean",
        i: "bigint",
        big: "bigint",
        r: "double precision",
        dbl: "double precision",
        num: "numeric",
        dec: "numeric(10,2)",
        vc: "character varying(20)",
        tx: "text",
        ch: "text",
        bl: "bytea",
        untyped: "text",
        d: "date",
        dt: "timestamp without time zone",
        tm: "time without time zone",
        js: "json",
        chk: "bigint",
      },
      primaryKey: ["id"],
      uniqueKeys: [["i", "big"]],
      foreignKeys: [{ columns: ["parent_id"], refTable: "parent", refColumns: ["id"] }],
      indexes: ["typed_d_idx"],
      comment: null,
      defaults: { i: "42", vc: "'x'", id: null },
    },
  },
  view: "typed_view",
  selectTyped: "SELECT * FROM typed ORDER BY id",
  typedRows: [
    [
      1n,
      1n,
      true,
      2147483647n,
      9223372036854775807n,
      1.5,
      0.1,
      "12345.678",
      "12.50",
      "vc",
      special,
      "ab",
      new Uint8Array([0, 1, 255]),
      "plain",
      "2024-02-29",
      "2024-02-29 13:45:56.123",
      "13:45:56",
      '{"a":[1,2]}',
      1n,
    ],
    // defaults: i 42, vc 'x'
    Array.from({ length: 19 }, (_v, i) => ({ 0: 2n, 3: 42n, 9: "x" })[i] ?? null),
  ],
  echoText: () => ({ text: "SELECT ? AS v", params: [], returnsRows: true }),
  insertParent: (id, code) => ({
    text: "INSERT INTO parent (id, code) VALUES (?, ?)",
    params: [id, code],
    returnsRows: false,
  }),
  countParents: () => ({ text: "SELECT count(*) FROM parent", params: [], returnsRows: true }),
  generate: (n) => ({
    text: `WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < ?)
           SELECT i, printf('%.1000c', 'x') AS payload FROM g`,
    params: [n],
    returnsRows: true,
  }),
  // endless: only the cancel between batches stops it
  longQuery: {
    text: "WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g) SELECT i FROM g",
    params: [],
    returnsRows: true,
  },
  errors: [
    { name: "duplicate key", query: ins("INSERT INTO parent (id, code) VALUES (1, 'dup')"), code: "23505" },
    {
      name: "duplicate unique",
      query: ins("INSERT INTO parent (id, code) VALUES (500, 'p1')"),
      code: "23505",
    },
    { name: "foreign key", query: ins("INSERT INTO typed (id, parent_id) VALUES (99, 999)"), code: "23503" },
    { name: "not null", query: ins("INSERT INTO parent (id, code) VALUES (998, NULL)"), code: "23502" },
    { name: "check", query: ins("INSERT INTO typed (id, chk) VALUES (97, -1)"), code: "23514" },
    { name: "unknown column", query: sel("SELECT nope FROM parent"), code: "42703" },
    { name: "unknown table", query: sel("SELECT * FROM nope"), code: "42P01" },
    { name: "syntax", query: sel("SELEC 1"), code: "42601" },
  ],
  downConfig: { name: "litedown", kind: "sqlite", path: "/nonexistent/dir/weft.db" },
});

function ins(text: string) {
  return { text, params: [], returnsRows: false };
}
function sel(text: string) {
  return { text, params: [], returnsRows: true };
}
