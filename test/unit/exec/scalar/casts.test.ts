/** Casts: explicit CAST results and errors against PostgreSQL, and cast contexts against pg_cast. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type pg from "pg";
import { Oid, type TypeOid } from "../../../../src/common/pg-types.ts";
import { castLevel, resolveCast } from "../../../../src/exec/scalar/index.ts";
import { connect, ctx, type Lit, litSql, litValue, ours, pgValue } from "./oracle.ts";

const SOURCES: Lit[] = [
  ...["true", "false"].map((text) => ({ text, type: Oid.bool })),
  ...["0", "-32768", "32767"].map((text) => ({ text, type: Oid.int2 })),
  ...["0", "2147483647", "-2147483648", "40000", "1"].map((text) => ({ text, type: Oid.int4 })),
  ...["9223372036854775807", "-5", "3000000000"].map((text) => ({ text, type: Oid.int8 })),
  ...["1.5", "2.5", "-0", "NaN", "Infinity", "3.4e38", "0.1", "1e-40"].map((text) => ({
    text,
    type: Oid.float4,
  })),
  ...[
    "0.1",
    "-2.5",
    "3.5",
    "1e20",
    "1e308",
    "NaN",
    "-Infinity",
    "9223372036854775807",
    "2147483647.5",
    "123.456",
    "1e-300",
  ].map((text) => ({ text, type: Oid.float8 })),
  ...[
    "0.5",
    "-0.5",
    "1.45",
    "123.455",
    "NaN",
    "Infinity",
    "99999999999999999999999999999999999999.5",
    "32767.4",
    "1e-50",
    "12345678901234567890.12345678901234567890",
  ].map((text) => ({ text, type: Oid.numeric })),
  ...["abcdef", "ab   ", "t", "1.50", "é😀x", "[1, 2]"].map((text) => ({ text, type: Oid.text })),
  // a char(5) value holds its padding
  ...["ab   ", "abcde"].map((text) => ({ text, type: Oid.bpchar, sql: "char(5)" })),
  ...["2024-02-29", "infinity", "0044-03-15 BC"].map((text) => ({ text, type: Oid.date })),
  ...["2024-02-29 23:59:59.999999", "-infinity", "2000-01-01 12:00:00.5"].map((text) => ({
    text,
    type: Oid.timestamp,
  })),
  ...["2024-02-29 23:59:59.5+00", "2000-01-01 00:30:00+05:30"].map((text) => ({
    text,
    type: Oid.timestamptz,
  })),
  ...["13:45:12.345678", "24:00:00"].map((text) => ({ text, type: Oid.time })),
  ...["1 day 02:03:04.5", "-1 year -2 mons", "-26:00:00"].map((text) => ({ text, type: Oid.interval })),
  ...['{"b": [1, 2.50], "a": null}', "42", '"x"', "true", "1e2"].map((text) => ({ text, type: Oid.json })),
  ...['{"a": 1}', "12.5", "true", '"s"', "null", "[1]", "70000"].map((text) => ({ text, type: Oid.jsonb })),
  { text: "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", type: Oid.uuid },
  { text: "\\x00ff41", type: Oid.bytea },
  { text: "{1,2,NULL}", type: Oid._int4, sql: "int4[]" },
  { text: "{1.5,2.5}", type: Oid._numeric, sql: "numeric[]" },
];

interface Target {
  type: TypeOid;
  typmod: number;
  sql: string;
}
const TARGETS: Target[] = [
  { type: Oid.bool, typmod: -1, sql: "boolean" },
  { type: Oid.int2, typmod: -1, sql: "smallint" },
  { type: Oid.int4, typmod: -1, sql: "integer" },
  { type: Oid.int8, typmod: -1, sql: "bigint" },
  { type: Oid.float4, typmod: -1, sql: "real" },
  { type: Oid.float8, typmod: -1, sql: "double precision" },
  { type: Oid.numeric, typmod: -1, sql: "numeric" },
  { type: Oid.numeric, typmod: ((5 << 16) | 2) + 4, sql: "numeric(5,2)" },
  { type: Oid.numeric, typmod: ((3 << 16) | 0) + 4, sql: "numeric(3,0)" },
  { type: Oid.text, typmod: -1, sql: "text" },
  { type: Oid.varchar, typmod: 3 + 4, sql: "varchar(3)" },
  { type: Oid.bpchar, typmod: 4 + 4, sql: "char(4)" },
  { type: Oid.date, typmod: -1, sql: "date" },
  { type: Oid.time, typmod: -1, sql: "time" },
  { type: Oid.time, typmod: 1, sql: "time(1)" },
  { type: Oid.timestamp, typmod: -1, sql: "timestamp" },
  { type: Oid.timestamp, typmod: 0, sql: "timestamp(0)" },
  { type: Oid.timestamptz, typmod: -1, sql: "timestamptz" },
  { type: Oid.timestamptz, typmod: 2, sql: "timestamptz(2)" },
  { type: Oid.interval, typmod: -1, sql: "interval" },
  { type: Oid.json, typmod: -1, sql: "json" },
  { type: Oid.jsonb, typmod: -1, sql: "jsonb" },
  { type: Oid.uuid, typmod: -1, sql: "uuid" },
  { type: Oid.bytea, typmod: -1, sql: "bytea" },
  { type: Oid._int8, typmod: -1, sql: "int8[]" },
  { type: Oid._text, typmod: -1, sql: "text[]" },
];

/**
 * Text inputs where common/value-codec's parsers disagree with PostgreSQL (reported to the
 * lead; not scalar code): jsonb input errors name "jsonb" instead of "json", " 42 " is
 * 22007 instead of 22008 for dates, and interval input accepts "2024-02-29".
 */
const CODEC_DISCREPANCIES: Lit[] = ["", "abc", " 42 ", "2024-02-29"].map((text) => ({
  text,
  type: Oid.text,
}));

let client: pg.Client;
before(async () => {
  client = await connect();
});
after(async () => {
  await client.end();
});

const isString = (oid: TypeOid) => oid === Oid.text || oid === Oid.bpchar;
/** jsonb input errors from the codec say "jsonb" where PostgreSQL says "json" (codec, not scalar). */
const codecJsonb = (source: Lit, target: Target) => isString(source.type) && target.type === Oid.jsonb;

async function castMismatches(sources: Lit[], only: (s: Lit, t: Target) => boolean): Promise<string[]> {
  const mismatches: string[] = [];
  for (const source of sources) {
    for (const target of TARGETS) {
      if (!only(source, target)) continue;
      const sql = `SELECT CAST(${litSql(source)} AS ${target.sql})`;
      const expected = await pgValue(client, sql);
      const cast = resolveCast(source.type, target.type, target.typmod, "explicit");
      if (cast === null) {
        if (!("error" in expected) || expected.error !== "42846")
          mismatches.push(`${sql}: pg ${JSON.stringify(expected)}, ours: no cast`);
        continue;
      }
      const actual = ours(() => ({ value: cast(litValue(source), ctx), type: target.type }));
      if (JSON.stringify(expected) !== JSON.stringify(actual))
        mismatches.push(`${sql}: pg ${JSON.stringify(expected)} ours ${JSON.stringify(actual)}`);
    }
  }
  return mismatches;
}

describe("casts match PostgreSQL", () => {
  test("explicit CAST of edge values to every supported type", async () => {
    assert.deepEqual(await castMismatches(SOURCES, (s, t) => !codecJsonb(s, t)), []);
  });

  test("text inputs the shared codec once parsed differently now match", async () => {
    const discrepancies = await castMismatches(CODEC_DISCREPANCIES, () => true);
    discrepancies.push(...(await castMismatches(SOURCES, codecJsonb)));
    assert.deepEqual(discrepancies, []);
  });

  test("implicit and assignment contexts agree with pg_cast", async () => {
    const oids = [...new Set(TARGETS.map((t) => t.type))].filter((t) => t < 1000 || t > 1100);
    const r = await client.query(
      `SELECT castsource::int AS s, casttarget::int AS t, castcontext AS c FROM pg_cast
        WHERE castsource = ANY($1) AND casttarget = ANY($1) AND castsource <> casttarget`,
      [oids],
    );
    const mismatches: string[] = [];
    for (const row of r.rows as { s: string; t: string; c: string }[]) {
      const level = castLevel(Number(row.s), Number(row.t));
      if (level !== row.c) mismatches.push(`${row.s} → ${row.t}: pg ${row.c} ours ${level}`);
    }
    assert.deepEqual(mismatches, []);
    assert.equal(resolveCast(Oid.int4, Oid.int2, -1, "implicit"), null);
    assert.notEqual(resolveCast(Oid.int4, Oid.int2, -1, "assignment"), null);
    assert.equal(resolveCast(Oid.text, Oid.int4, -1, "assignment"), null);
    assert.notEqual(resolveCast(Oid.int4, Oid.text, -1, "assignment"), null);
  });

  test("assignment to varchar(n)/char(n) raises 22001 unless only spaces are cut", () => {
    const toVarchar = resolveCast(Oid.text, Oid.varchar, 3 + 4, "assignment");
    assert.ok(toVarchar);
    assert.equal(toVarchar("ab   ", ctx), "ab ");
    assert.throws(() => toVarchar("abcd", ctx), {
      code: "22001",
      message: "value too long for type character varying(3)",
    });
    const toChar = resolveCast(Oid.text, Oid.bpchar, 3 + 4, "assignment");
    assert.ok(toChar);
    assert.equal(toChar("a", ctx), "a  ");
    assert.throws(() => toChar("abcd", ctx), {
      code: "22001",
      message: "value too long for type character(3)",
    });
  });
});
