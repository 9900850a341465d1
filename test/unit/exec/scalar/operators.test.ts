/** Arithmetic and comparison operators, differential against PostgreSQL over edge values. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type pg from "pg";
import { Oid } from "../../../../src/common/pg-types.ts";
import { connect, evalOperator, type Lit, litSql, ours, pgValue } from "./oracle.ts";

const EDGE: Lit[] = [
  ...["0", "1", "-1", "32767", "-32768", "7"].map((text) => ({ text, type: Oid.int2 })),
  ...["0", "-7", "2147483647", "-2147483648", "3"].map((text) => ({ text, type: Oid.int4 })),
  ...["0", "9223372036854775807", "-9223372036854775808", "-3", "1000000007"].map((text) => ({
    text,
    type: Oid.int8,
  })),
  ...["0", "-0", "1.5", "3.4e38", "NaN", "-Infinity", "1e-45"].map((text) => ({ text, type: Oid.float4 })),
  ...["0", "-0", "0.1", "1.7976931348623157e308", "Infinity", "NaN", "5e-324", "-2.5"].map((text) => ({
    text,
    type: Oid.float8,
  })),
  ...[
    "0",
    "1.50",
    "-123456789012345678901234567890.123456789",
    "0.000000000000000000001",
    "NaN",
    "Infinity",
    "-Infinity",
    "3",
    "7.0000",
    "99999999999999999999999999999999.99",
  ].map((text) => ({ text, type: Oid.numeric })),
];

let client: pg.Client;
before(async () => {
  client = await connect();
});
after(async () => {
  await client.end();
});

async function check(op: string, left: Lit | undefined, right: Lit, mismatches: string[]): Promise<void> {
  const expr = left ? `${litSql(left)} ${op} ${litSql(right)}` : `${op} ${litSql(right)}`;
  const expected = await pgValue(client, `SELECT ${expr}, pg_typeof(${expr})::text`);
  const actual = ours(() => evalOperator(op, left, right), true);
  if ("error" in expected && "error" in actual) {
    if (expected.error !== actual.error || expected.message !== actual.message)
      mismatches.push(`${expr}: pg ${JSON.stringify(expected)} ours ${JSON.stringify(actual)}`);
    return;
  }
  if (JSON.stringify(expected) !== JSON.stringify(actual))
    mismatches.push(`${expr}: pg ${JSON.stringify(expected)} ours ${JSON.stringify(actual)}`);
}

describe("numeric operators match PostgreSQL", () => {
  for (const op of ["+", "-", "*", "/", "%"]) {
    test(`binary ${op} over every pair of numeric types`, async () => {
      const mismatches: string[] = [];
      for (const l of EDGE) for (const r of EDGE) await check(op, l, r, mismatches);
      assert.deepEqual(mismatches, []);
    });
  }
  test("prefix - and @", async () => {
    const mismatches: string[] = [];
    for (const v of EDGE) {
      await check("-", undefined, v, mismatches);
      await check("@", undefined, v, mismatches);
    }
    assert.deepEqual(mismatches, []);
  });
  test("^ and bitwise operators", async () => {
    const mismatches: string[] = [];
    const ints = EDGE.filter((e) => e.type !== Oid.numeric && e.type !== Oid.float4);
    for (const l of ints) for (const r of ints.slice(0, 12)) await check("^", l, r, mismatches);
    for (const op of ["&", "|", "#"]) {
      for (const l of EDGE.slice(0, 16)) for (const r of EDGE.slice(0, 16)) await check(op, l, r, mismatches);
    }
    for (const v of EDGE.slice(0, 16)) await check("~", undefined, v, mismatches);
    assert.deepEqual(mismatches, []);
  });
});

describe("comparison operators match PostgreSQL", () => {
  test("numbers across types", async () => {
    const mismatches: string[] = [];
    for (const op of ["=", "<>", "<", "<=", ">", ">="]) {
      for (const l of EDGE) for (const r of EDGE) await check(op, l, r, mismatches);
    }
    assert.deepEqual(mismatches, []);
  });

  test("text, dates, times, intervals, bytea, uuid, bool, jsonb, arrays", async () => {
    const groups: Lit[][] = [
      ["", "a", "B", "é", "😀", "\uffff", "a "].map((text) => ({ text, type: Oid.text })),
      ["a", "a  ", "b", ""].map((text) => ({ text, type: Oid.bpchar, sql: "char(3)" })),
      ["a", "ab"].map((text) => ({ text, type: Oid.varchar })),
      ["2024-02-29", "infinity", "-infinity", "0044-03-15 BC", "2000-01-01"].map((text) => ({
        text,
        type: Oid.date,
      })),
      ["2000-01-01 00:00:00", "2024-02-29 12:34:56.789", "infinity", "0044-03-15 12:00:00 BC"].map(
        (text) => ({
          text,
          type: Oid.timestamp,
        }),
      ),
      ["2000-01-01 00:00:00+00", "1999-12-31 23:00:00-02", "-infinity"].map((text) => ({
        text,
        type: Oid.timestamptz,
      })),
      ["00:00:00", "23:59:59.999999", "24:00:00", "12:00"].map((text) => ({ text, type: Oid.time })),
      ["1 day", "24 hours", "1 mon", "30 days", "-1 year", "1 mon -1 day"].map((text) => ({
        text,
        type: Oid.interval,
      })),
      ["\\x", "\\x00", "\\x0001", "\\xff"].map((text) => ({ text, type: Oid.bytea })),
      ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "00000000-0000-0000-0000-000000000000"].map((text) => ({
        text,
        type: Oid.uuid,
      })),
      ["true", "false"].map((text) => ({ text, type: Oid.bool })),
      ['{"a": 1}', "[1, 2]", "[3]", "1", "1.0", '"x"', "null", "true", '{"b": 1, "a": 2}', '{"aa": 0}'].map(
        (text) => ({ text, type: Oid.jsonb }),
      ),
      ["{1,2}", "{1,NULL}", "{1}", "{}", "{1,2,3}"].map((text) => ({ text, type: Oid._int4, sql: "int4[]" })),
    ];
    const mismatches: string[] = [];
    const dates = groups[3].concat(groups[4], groups[5]);
    for (const op of ["=", "<", ">=", "<>"]) {
      for (const g of groups) for (const l of g) for (const r of g) await check(op, l, r, mismatches);
      for (const l of dates) for (const r of dates) await check(op, l, r, mismatches);
    }
    assert.deepEqual(mismatches, []);
  });

  test("unknown literals take the other side's type", async () => {
    const mismatches: string[] = [];
    const u = (text: string): Lit => ({ text, type: Oid.unknown });
    const cases: [Lit, string, Lit][] = [
      [u("1"), "+", { text: "2", type: Oid.int4 }],
      [{ text: "2", type: Oid.int8 }, "*", u("3")],
      [u("1.5"), "+", { text: "2", type: Oid.int4 }],
      [u("1.5"), "+", { text: "2", type: Oid.numeric }],
      [u("a"), "=", u("b")],
      [u("a"), "<", u("b")],
      [u("x"), "=", { text: "x", type: Oid.varchar }],
      [u("2024-01-01"), "<", { text: "2024-01-02 00:00:00", type: Oid.timestamp }],
      [{ text: "2024-01-01", type: Oid.date }, "=", u("2024-01-01")],
      [u("1"), "+", u("2")],
      [u("1 day"), "=", { text: "24 hours", type: Oid.interval }],
    ];
    for (const [l, op, r] of cases) await check(op, l, r, mismatches);
    assert.deepEqual(mismatches, []);
  });
});
