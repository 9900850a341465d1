/** Resolution (result types and errors) and aggregates, differential against PostgreSQL. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type pg from "pg";
import { Oid, type TypeOid } from "../../../../src/common/pg-types.ts";
import { decodeText } from "../../../../src/common/value-codec.ts";
import {
  commonType,
  resolveAggregate,
  resolveCast,
  resolveFunction,
  typeName,
} from "../../../../src/exec/scalar/index.ts";
import { connect, ctx, type Outcome, ours, pgValue } from "./oracle.ts";

let client: pg.Client;
before(async () => {
  client = await connect();
});
after(async () => {
  await client.end();
});

function outcomeOf(fn: () => TypeOid): Outcome {
  return ours(() => ({ value: typeName(fn()), type: Oid.text }));
}

describe("resolution matches PostgreSQL", () => {
  test("function overloads and errors", async () => {
    const cases: [string, TypeOid[], string][] = [
      ["abs", [Oid.int4], "abs(1::int4)"],
      ["abs", [Oid.unknown], "abs('1')"],
      ["round", [Oid.int4], "round(1::int4)"],
      ["round", [Oid.numeric, Oid.int4], "round(1.5, 1)"],
      ["round", [Oid.float8, Oid.int4], "round(1.5::float8, 1)"],
      ["mod", [Oid.int2, Oid.int8], "mod(1::int2, 2::int8)"],
      ["sqrt", [Oid.int8], "sqrt(4::int8)"],
      ["trunc", [Oid.float4], "trunc(1.5::float4)"],
      ["abs", [Oid.text], "abs('1'::text)"],
      ["nosuch", [Oid.int4], "nosuch(1)"],
    ];
    const mismatches: string[] = [];
    for (const [name, args, sql] of cases) {
      const expected = await pgValue(client, `SELECT pg_typeof(${sql})::text`);
      const actual = outcomeOf(() => resolveFunction(name, args).returns);
      if (JSON.stringify(expected) !== JSON.stringify(actual))
        mismatches.push(`${sql}: pg ${JSON.stringify(expected)} ours ${JSON.stringify(actual)}`);
    }
    assert.deepEqual(mismatches, []);
  });

  test("common types of CASE and UNION", async () => {
    const cases: TypeOid[][] = [
      [Oid.int4, Oid.int8],
      [Oid.int4, Oid.numeric, Oid.int2],
      [Oid.numeric, Oid.float4],
      [Oid.unknown, Oid.unknown],
      [Oid.unknown, Oid.int4],
      [Oid.int4, Oid.text],
      [Oid.varchar, Oid.text],
      [Oid.bpchar, Oid.varchar],
      [Oid.date, Oid.timestamptz],
      [Oid.timestamp, Oid.date],
      [Oid.float8, Oid.numeric],
      [Oid.bool, Oid.int4],
    ];
    const mismatches: string[] = [];
    for (const types of cases) {
      const exprs = types.map((t) => (t === Oid.unknown ? "'1'" : `NULL::${typeName(t)}`));
      const sql = `SELECT pg_typeof(CASE ${exprs.map((e, i) => `WHEN ${i} = 1 THEN ${e}`).join(" ")} END)::text`;
      const expected = await pgValue(client, sql);
      const actual = outcomeOf(() => commonType(types, "CASE"));
      if (JSON.stringify(expected) !== JSON.stringify(actual))
        mismatches.push(`${sql}: pg ${JSON.stringify(expected)} ours ${JSON.stringify(actual)}`);
    }
    assert.deepEqual(mismatches, []);
  });
});

describe("aggregates match PostgreSQL", () => {
  const columns: { type: TypeOid; sql: string; values: (string | null)[] }[] = [
    { type: Oid.int2, sql: "int2", values: ["32767", "32767", null, "-5"] },
    { type: Oid.int4, sql: "int4", values: ["2147483647", "2147483647", "1", null] },
    { type: Oid.int8, sql: "int8", values: ["9223372036854775807", "9223372036854775807", "-3"] },
    {
      type: Oid.numeric,
      sql: "numeric",
      values: ["1.5", "2.25", "-0.001", null, "123456789012345678901234567890.1"],
    },
    { type: Oid.numeric, sql: "numeric", values: ["1", "2", "4"] },
    { type: Oid.numeric, sql: "numeric", values: ["NaN", "1"] },
    { type: Oid.float8, sql: "float8", values: ["0.1", "0.2", "1e308", null] },
    { type: Oid.float8, sql: "float8", values: ["0.1", "0.2", "0.7"] },
    { type: Oid.float4, sql: "float4", values: ["1.5", "2.25", "NaN"] },
    { type: Oid.text, sql: "text", values: ["b", "a", null, "é", "ab"] },
    { type: Oid.date, sql: "date", values: ["2024-01-01", "infinity", "0044-03-15 BC"] },
    {
      type: Oid.timestamptz,
      sql: "timestamptz",
      values: ["2024-01-01 10:00:00+02", "2000-01-01 00:00:00.5+00"],
    },
    { type: Oid.bool, sql: "bool", values: ["true", null, "false"] },
    { type: Oid.interval, sql: "interval", values: ["1 day", "25 hours", "1 mon"] },
    { type: Oid._int4, sql: "int4[]", values: ["{1,2}", "{1,NULL}", "{3}"] },
    { type: Oid.int4, sql: "int4", values: [null, null] },
    { type: Oid.jsonb, sql: "jsonb", values: ['{"a": 1}', "[1.50]"] },
  ];
  const AGGS = [
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "bool_and",
    "bool_or",
    "every",
    "array_agg",
    "json_agg",
    "jsonb_agg",
    "variance",
    "var_pop",
    "stddev",
    "stddev_pop",
  ];

  test("each aggregate over each column", async () => {
    const mismatches: string[] = [];
    for (const col of columns) {
      const rows = col.values.map((v) => `(${v === null ? "NULL" : `'${v}'`}::${col.sql})`).join(", ");
      for (const name of [...AGGS, "count(*)", "string_agg"]) {
        // array_agg(anyarray) (multi-dimensional results) is not implemented
        if (name === "array_agg" && col.sql.endsWith("[]")) continue;
        const call =
          name === "count(*)"
            ? "count(*)"
            : name === "string_agg"
              ? "string_agg(x::text, ',')"
              : `${name}(x)`;
        const sql = `SELECT ${call} FROM (VALUES ${rows}) v(x)`;
        const expected = await pgValue(client, sql);
        const actual = ours(() => {
          const star = name === "count(*)";
          const argTypes = star ? [] : name === "string_agg" ? [Oid.text, Oid.unknown] : [col.type];
          const agg = resolveAggregate(star ? "count" : name, argTypes, star);
          let state = agg.init();
          for (const text of col.values) {
            let value = text === null ? null : decodeText(text, col.type, ctx.settings);
            if (name === "string_agg" && value !== null)
              value = (
                resolveCast(col.type, Oid.text, -1, "explicit") as NonNullable<ReturnType<typeof resolveCast>>
              )(value, ctx);
            const args = star ? [] : name === "string_agg" ? [value, ","] : [value];
            if (agg.strict && args.some((a) => a === null)) continue;
            state = agg.step(state, args, ctx);
          }
          return { value: agg.final(state, ctx), type: agg.resolvedReturns };
        });
        if (JSON.stringify(expected) !== JSON.stringify(actual))
          mismatches.push(`${sql}: pg ${JSON.stringify(expected)} ours ${JSON.stringify(actual)}`);
      }
    }
    assert.deepEqual(mismatches, []);
  });
});
