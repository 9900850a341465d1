/** Ordered-set and hypothetical-set aggregates, differential against PostgreSQL. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type pg from "pg";
import { Oid, type TypeOid } from "../../../../src/common/pg-types.ts";
import type { Value } from "../../../../src/common/values.ts";
import { formatG } from "../../../../src/exec/scalar/aggregates-ordered-set.ts";
import { commonType, resolveAggregate, resolveCast, typeName } from "../../../../src/exec/scalar/index.ts";
import { withinGroupDescending, withinGroupNullsFirst } from "../../../../src/planner/bound-expr.ts";
import { connect, ctx, type Lit, litSql, litValue, ours, pgValue } from "./oracle.ts";

/** A direct argument: a typed literal, or a typed NULL. */
type Arg = Lit | { text: null; type: TypeOid };

function argSql(a: Arg): string {
  return a.text === null ? `NULL::${typeName(a.type)}` : litSql(a);
}

function argValue(a: Arg): Value {
  return a.text === null ? null : litValue(a);
}

let client: pg.Client;
before(async () => {
  client = await connect();
});
after(async () => {
  await client.end();
});

interface Column {
  type: TypeOid;
  /** SQL spelling of the type, when typeName's would add a typmod (character is char(1)) */
  sql?: string;
  values: (string | null)[];
}

interface Key {
  col: "x" | "y";
  desc?: boolean;
  nulls?: "first" | "last";
}

interface Case {
  name: string;
  direct: Arg[];
  keys: Key[];
  x: Column;
  y?: Column;
}

function sqlOf(c: Case): string {
  const width = c.x.values.length;
  const cell = (col: Column | undefined, i: number) => {
    const v = col?.values[i] ?? null;
    return `${v === null ? "NULL" : `'${v.replaceAll("'", "''")}'`}::${col?.sql ?? typeName(col?.type ?? Oid.text)}`;
  };
  const rows = Array.from({ length: width }, (_, i) => `(${cell(c.x, i)}, ${cell(c.y, i)})`);
  const keys = c.keys.map(
    (k) => `${k.col}${k.desc ? " DESC" : ""}${k.nulls ? ` NULLS ${k.nulls.toUpperCase()}` : ""}`,
  );
  const call = `${c.name}(${c.direct.map(argSql).join(", ")}) WITHIN GROUP (ORDER BY ${keys.join(", ")})`;
  // an empty VALUES list cannot be written: filter the rows away instead
  const where = width === 0 ? " WHERE false" : "";
  const from =
    width === 0 ? "(VALUES (NULL::int, NULL::int)) v(x, y)" : `(VALUES ${rows.join(", ")}) v(x, y)`;
  return `SELECT ${call}, pg_typeof(${call})::text FROM ${from}${where}`;
}

/** What the planner hands the executor: casts to the resolved signature, then one direction flag per key. */
function evaluate(c: Case): { value: Value; type: TypeOid } {
  const cols = { x: c.x, y: c.y ?? { type: Oid.text, values: [] } };
  let directTypes = c.direct.map((d) => d.type);
  let keyTypes = c.keys.map((k) => cols[k.col].type);
  const hypothetical = ["rank", "dense_rank", "percent_rank", "cume_dist"].includes(c.name);
  if (hypothetical) {
    const common = directTypes.map((t, i) => commonType([t, keyTypes[i]], "WITHIN GROUP"));
    directTypes = common;
    keyTypes = common;
  }
  const agg = resolveAggregate(c.name, [...directTypes, ...keyTypes], false);
  const convert = (v: Value, from: TypeOid, to: TypeOid): Value => {
    const cast = resolveCast(from, to, -1, from === to ? "implicit" : "explicit");
    if (!cast) throw new Error(`no cast ${from} → ${to}`);
    return cast(v, ctx);
  };
  const direct = c.direct.map((d, i) => convert(argValue(d), d.type, agg.args[i]));
  const flags = c.keys.map(
    (k) =>
      (k.desc ? withinGroupDescending : 0) |
      ((k.nulls ?? (k.desc ? "first" : "last")) === "first" ? withinGroupNullsFirst : 0),
  );
  let state = agg.init();
  for (let row = 0; row < c.x.values.length; row++) {
    const keys = c.keys.map((k, i) => {
      const col = cols[k.col];
      const text = col.values[row] ?? null;
      const value = text === null ? null : litValue({ text, type: col.type });
      return convert(value, col.type, agg.args[c.direct.length + i]);
    });
    state = agg.step(state, [...direct, ...keys, ...flags], ctx);
  }
  return { value: agg.final(state, ctx), type: agg.resolvedReturns };
}

async function mismatches(cases: Case[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of cases) {
    const sql = sqlOf(c);
    const expected = await pgValue(client, sql);
    const actual = ours(() => evaluate(c), true);
    if (JSON.stringify(expected) !== JSON.stringify(actual))
      out.push(`${sql}: pg ${JSON.stringify(expected)} ours ${JSON.stringify(actual)}`);
  }
  return out;
}

const f8 = (text: string): Lit => ({ text, type: Oid.float8 });
const num = (text: string): Lit => ({ text, type: Oid.numeric, sql: "numeric" });
const fractions = (text: string): Lit => ({ text, type: Oid._float8, sql: "float8[]" });

const ints: Column = { type: Oid.int4, values: ["5", "1", null, "3", "3", "10", "-2"] };
const numerics: Column = { type: Oid.numeric, values: ["1.5", "2.25", null, "-0.001", "100", "2.25"] };
const floats: Column = { type: Oid.float8, values: ["0.1", "NaN", "-Infinity", "0.7", null, "1e300"] };
const bigints: Column = { type: Oid.int8, values: ["9223372036854775807", "1", "-9223372036854775807"] };
const intervals: Column = {
  type: Oid.interval,
  values: ["1 day", "3 hours", "1 mon", null, "-2 days 04:00", "1 year 2 mons 3 days 04:05:06.789"],
};
const dates: Column = {
  type: Oid.date,
  values: ["2024-01-01", "infinity", null, "2020-02-29", "2024-01-01"],
};
const texts: Column = { type: Oid.text, values: ["b", "a", null, "é", "ab", "a", "b", "B"] };
const chars: Column = { type: Oid.bpchar, sql: "bpchar", values: ["a ", "a", "b", "b  ", "b"] };
const allNull: Column = { type: Oid.int4, values: [null, null] };
const empty: Column = { type: Oid.int4, values: [] };
const one: Column = { type: Oid.int4, values: ["42"] };

describe("ordered-set aggregates match PostgreSQL", () => {
  test("percentile_cont over numbers and intervals, both directions", async () => {
    const cases: Case[] = [];
    for (const x of [ints, numerics, floats, bigints, intervals, allNull, empty, one])
      for (const p of ["0", "0.5", "0.25", "1", "0.333", "0.9999"])
        for (const desc of [false, true])
          cases.push({ name: "percentile_cont", direct: [f8(p)], keys: [{ col: "x", desc }], x });
    cases.push({ name: "percentile_cont", direct: [num("0.5")], keys: [{ col: "x" }], x: numerics });
    assert.deepEqual(await mismatches(cases), []);
  });

  test("percentile_disc and mode keep the sort key's type", async () => {
    const cases: Case[] = [];
    for (const x of [ints, numerics, floats, intervals, dates, texts, chars, allNull, empty, one]) {
      for (const p of ["0", "0.5", "0.34", "1", "0.01"])
        for (const desc of [false, true])
          cases.push({ name: "percentile_disc", direct: [f8(p)], keys: [{ col: "x", desc }], x });
      for (const desc of [false, true])
        cases.push({ name: "mode", direct: [], keys: [{ col: "x", desc }], x });
    }
    assert.deepEqual(await mismatches(cases), []);
  });

  test("the array forms: NULL fractions, empty arrays, several fractions in any order", async () => {
    const cases: Case[] = [];
    for (const x of [ints, floats, intervals, dates, allNull, empty]) {
      for (const p of ["{0.5,NULL,0,1,0.25}", "{}", "{0.9,0.1}"]) {
        if (x !== dates)
          cases.push({ name: "percentile_cont", direct: [fractions(p)], keys: [{ col: "x" }], x });
        cases.push({ name: "percentile_disc", direct: [fractions(p)], keys: [{ col: "x", desc: true }], x });
      }
    }
    assert.deepEqual(await mismatches(cases), []);
  });

  test("fractions outside [0, 1] and NULL fractions", async () => {
    const cases: Case[] = [];
    // (over no rows at all PostgreSQL still checks the fraction, but the aggregate operator never
    // shows the aggregate a direct argument then: Weft answers NULL there, a known difference)
    for (const x of [ints, allNull]) {
      cases.push({
        name: "percentile_disc",
        direct: [{ text: null, type: Oid._float8 }],
        keys: [{ col: "x" }],
        x,
      });
      for (const p of ["1.5", "-0.1", "NaN", "1234567", "-1e-7", "1.0000001", "Infinity", null]) {
        const fraction: Arg = p === null ? { text: null, type: Oid.float8 } : f8(p);
        cases.push({ name: "percentile_cont", direct: [fraction], keys: [{ col: "x" }], x });
        cases.push({ name: "percentile_disc", direct: [fraction], keys: [{ col: "x" }], x });
        cases.push({
          name: "percentile_cont",
          direct: [fractions(`{0.5,${p ?? "NULL"}}`)],
          keys: [{ col: "x" }],
          x,
        });
      }
    }
    assert.deepEqual(await mismatches(cases), []);
  });

  test("hypothetical-set aggregates: NULL placement, peers, several keys, no rows", async () => {
    const cases: Case[] = [];
    const mixed: Column = { type: Oid.text, values: ["a", "b", null, "a", "c", "b", null] };
    for (const name of ["rank", "dense_rank", "percent_rank", "cume_dist"]) {
      for (const x of [ints, allNull, empty])
        for (const h of ["3", "-5", "100", null])
          for (const key of [
            { col: "x" },
            { col: "x", desc: true },
            { col: "x", nulls: "first" },
            { col: "x", desc: true, nulls: "last" },
          ] as Key[])
            cases.push({ name, direct: [{ text: h, type: Oid.int4 }], keys: [key], x });
      cases.push({ name, direct: [num("2.5")], keys: [{ col: "x" }], x: ints });
      cases.push({ name, direct: [{ text: "3", type: Oid.unknown }], keys: [{ col: "x" }], x: ints });
      for (const y of ["a", "b", "z"])
        cases.push({
          name,
          direct: [
            { text: "3", type: Oid.int4 },
            { text: y, type: Oid.text },
          ],
          keys: [{ col: "x" }, { col: "y", desc: true }],
          x: { type: Oid.int4, values: ["3", "3", "1", null, "3", "5", "3"] },
          y: mixed,
        });
    }
    assert.deepEqual(await mismatches(cases), []);
  });
});

describe("the percentile error message prints the fraction as C's %g", () => {
  test("formatG", () => {
    const cases: [number, string][] = [
      [1.5, "1.5"],
      [-0.1, "-0.1"],
      [2, "2"],
      [1234567, "1.23457e+06"],
      [123456, "123456"],
      [-1e-7, "-1e-07"],
      [0.0001, "0.0001"],
      [0.00001234, "1.234e-05"],
      [1.0000001, "1"],
      [1e300, "1e+300"],
      [Number.NaN, "NaN"],
      [Number.POSITIVE_INFINITY, "Infinity"],
      [0, "0"],
    ];
    assert.deepEqual(
      cases.map(([x]) => formatG(x)),
      cases.map(([, text]) => text),
    );
  });
});
