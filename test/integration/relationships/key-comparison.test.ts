/**
 * Key comparison across types and backends (docs/relationships.md, "Key comparison"): an int key
 * against a varchar key (`text`, inferred), CHAR(n) against VARCHAR (`trim`, inferred) and
 * `casefold` (declared), each declared from both sides — a MariaDB table (m.mrow) and a PostgreSQL
 * one (p.prow) — and compared with the oracle's spelled-out expression, so the match is the same
 * whichever side is read first. MariaDB's PAD SPACE collation matches 'ab ' with 'ab' under `=`;
 * the answers must still be PostgreSQL's.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { runRaw } from "../../differential/harness.ts";
import { createMysqlDatabase, createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { startTestWeft, type TestRelationship, type TestWeft } from "../../support/weft.ts";

// id, num_code int, pad_code char(6), name varchar(40)
const mrows: [number, number | null, string | null, string | null][] = [
  [1, 7, "ab", "Anna"],
  [2, 42, "cd", "ANNA"],
  [3, 7, "ab ", "Zoë"],
  [4, null, null, null],
  [5, 9, "zz", "zoë"],
  [6, 100, "Ab", "O'Brien"],
];
// id, code varchar(10), label varchar(10), name text
const prows: [number, string | null, string | null, string | null][] = [
  [1, "7", "ab ", "anna"],
  [2, "042", "cd", "ZOË"],
  [3, "42 ", "ab  x", "o'brien"],
  [4, null, null, null],
  [5, "100", "AB", "Łukasz"],
  [6, "x", "zz   ", "Anna "],
];

const rel = (
  service: "m" | "p",
  type: "belongs_to" | "has_many",
  field: string,
  refField: string,
  extra: Partial<TestRelationship> = {},
): TestRelationship => ({
  service,
  table: service === "m" ? "mrow" : "prow",
  type,
  field,
  ref_service: service === "m" ? "p" : "m",
  ref_table: service === "m" ? "prow" : "mrow",
  ref_field: refField,
  ...extra,
});

const relationships: TestRelationship[] = [
  rel("m", "has_many", "num_code", "code"),
  rel("p", "has_many", "code", "num_code"),
  rel("m", "has_many", "pad_code", "label"),
  rel("p", "has_many", "label", "pad_code"),
  rel("m", "has_many", "name", "name", { key_comparison: "casefold", alias: "names_alike" }),
  rel("p", "has_many", "name", "name", { key_comparison: "casefold", alias: "names_alike" }),
];

let m: TestDatabase;
let p: TestDatabase;
let oracle: TestDatabase;
let weft: TestWeft;
let client: pg.Client;
let oracleClient: pg.Client;

before(async () => {
  m = await createMysqlDatabase("weft_keycmp_m");
  p = await createPgDatabase("weft_keycmp_p");
  oracle = await createPgDatabase("weft_keycmp_oracle");
  await m.exec("create table mrow (id int primary key, num_code int, pad_code char(6), name varchar(40))");
  await p.exec("create table prow (id int primary key, code varchar(10), label varchar(10), name text)");
  await oracle.exec("create schema m; create schema p");
  await oracle.exec(
    "create table m.mrow (id integer primary key, num_code integer, pad_code character(6), name character varying(40))",
  );
  await oracle.exec(
    "create table p.prow (id integer primary key, code character varying(10), label character varying(10), name text)",
  );
  for (const r of mrows) {
    await m.exec("insert into mrow values (?, ?, ?, ?)", r);
    await oracle.exec("insert into m.mrow values ($1, $2, $3, $4)", r);
  }
  for (const r of prows) {
    await p.exec("insert into prow values ($1, $2, $3, $4)", r);
    await oracle.exec("insert into p.prow values ($1, $2, $3, $4)", r);
  }
  weft = await startTestWeft({
    demo: false,
    services: [
      { name: "m", kind: "mysql", url: m.url },
      { name: "p", kind: "postgres", url: p.url },
    ],
    relationships,
  });
  client = new pg.Client({ connectionString: weft.url });
  await client.connect();
  oracleClient = new pg.Client({ connectionString: oracle.url });
  await oracleClient.connect();
});

after(async () => {
  await client?.end().catch(() => {});
  await oracleClient?.end().catch(() => {});
  await weft?.stop();
  await Promise.allSettled([m?.drop(), p?.drop(), oracle?.drop()]);
});

/** The oracle's array of `other` rows whose key matches `self`'s under `match`. */
const related = (other: string, match: string) =>
  `coalesce((select json_agg(row_to_json(o) order by o.id) from ${other} o where ${match}), '[]'::json)`;

const cases = [
  {
    comparison: "text",
    mColumn: "p.prow_by_code",
    pColumn: "m.mrow_by_num_code",
    match: (mrow: string, prow: string) => `${mrow}.num_code::text = ${prow}.code::text`,
  },
  {
    comparison: "trim",
    mColumn: "p.prow_by_label",
    pColumn: "m.mrow_by_pad_code",
    match: (mrow: string, prow: string) => `rtrim(${mrow}.pad_code::text) = rtrim(${prow}.label::text)`,
  },
  {
    comparison: "casefold",
    mColumn: "names_alike",
    pColumn: "names_alike",
    match: (mrow: string, prow: string) => `lower(${mrow}.name::text) = lower(${prow}.name::text)`,
  },
];

describe("key comparison across a MariaDB and a PostgreSQL table, from both sides", () => {
  test("the comparisons are inferred (text, trim) or declared (casefold)", () => {
    const got = weft.weft.catalog.relationships
      .snapshot()
      .relationships.filter((r) => r.service === "m" && r.table === "mrow")
      .map((r) => [r.alias ?? r.name, r.key_comparison])
      .sort();
    assert.deepEqual(got, [
      ["names_alike", "casefold"],
      ["p.prow_by_code", "text"],
      ["p.prow_by_label", "trim"],
    ]);
  });

  for (const c of cases) {
    test(`${c.comparison}: m.mrow → p.prow equals the oracle`, async () => {
      const w = await runRaw(client, `select x.id, x."${c.mColumn}" from m.mrow x order by x.id`);
      const o = await runRaw(
        oracleClient,
        `select x.id, ${related("p.prow", c.match("x", "o"))} as "${c.mColumn}" from m.mrow x order by x.id`,
      );
      assert.deepEqual(w, o);
      assert.ok(o.kind === "rows" && o.rows.some((r) => r[1] !== "[]"), "the case matches something");
    });

    test(`${c.comparison}: p.prow → m.mrow equals the oracle`, async () => {
      const w = await runRaw(client, `select x.id, x."${c.pColumn}" from p.prow x order by x.id`);
      const o = await runRaw(
        oracleClient,
        `select x.id, ${related("m.mrow", c.match("o", "x"))} as "${c.pColumn}" from p.prow x order by x.id`,
      );
      assert.deepEqual(w, o);
    });

    test(`${c.comparison}: the pairs are the same whichever side is read first`, async () => {
      // (m.mrow id, p.prow id) pairs each side's arrays name
      const pairs = async (table: string, column: string, mFirst: boolean) => {
        const r = await runRaw(client, `select x.id, x."${column}" from ${table} x`);
        assert.equal(r.kind, "rows", JSON.stringify(r));
        if (r.kind !== "rows") return [];
        return r.rows
          .flatMap(([id, json]) =>
            (JSON.parse(json!) as { id: number }[]).map((o) => (mFirst ? `${id}-${o.id}` : `${o.id}-${id}`)),
          )
          .sort();
      };
      const fromM = await pairs("m.mrow", c.mColumn, true);
      const fromP = await pairs("p.prow", c.pColumn, false);
      assert.ok(fromM.length > 0);
      assert.deepEqual(fromM, fromP);
    });
  }
});
