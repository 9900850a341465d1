/**
 * Shared test fixtures for the operators: a throwaway PostgreSQL database holding the same
 * rows the operators get, hand-written evaluators and aggregates, and row collection that
 * checks the RowSource contract (no empty batches).
 */
import assert from "node:assert/strict";
import pg from "pg";
import { Oid, type TypeOid } from "../../../../src/common/pg-types.ts";
import type { Row } from "../../../../src/common/row.ts";
import { encodeText } from "../../../../src/common/value-codec.ts";
import { defaultEncodeContext, type Value } from "../../../../src/common/values.ts";
import { createMemoryBudget } from "../../../../src/exec/memory-budget.ts";
import type { OperatorEnv } from "../../../../src/exec/operators/env.ts";
import type { EvalContext, Evaluator, RowSource } from "../../../../src/exec/row-source.ts";
import { compareValues } from "../../../../src/exec/scalar/index.ts";
import type { AggregateOverload } from "../../../../src/exec/scalar/registry.ts";

export const PG_URL = process.env.WEFT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export const ctx: EvalContext = {
  settings: defaultEncodeContext,
  transactionTimestamp: "2024-01-01 00:00:00+00",
  statementTimestamp: "2024-01-01 00:00:00+00",
};

export function env(limitBytes = 256 * 1024 * 1024, batchSize?: number): OperatorEnv {
  return { ctx, budget: createMemoryBudget(limitBytes), batchSize };
}

const raw = { getTypeParser: () => (v: unknown) => v };

/** A uniquely named database with C collation, dropped by `drop()`. */
export class Oracle {
  private constructor(
    private readonly admin: pg.Client,
    readonly client: pg.Client,
    private readonly name: string,
  ) {}

  static async create(): Promise<Oracle> {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const name = `weft_ops_${Math.random().toString(36).slice(2, 10)}`;
    await admin.query(
      `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`,
    );
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    const client = new pg.Client({ connectionString: url.toString(), types: raw as never });
    await client.connect();
    return new Oracle(admin, client, name);
  }

  /** Creates a table and loads rows through bound text parameters. */
  async load(table: string, columns: { name: string; sqlType: string; oid: TypeOid }[], rows: Row[]) {
    await this.client.query(
      `CREATE TABLE ${table} (${columns.map((c) => `${c.name} ${c.sqlType}`).join(", ")})`,
    );
    const placeholders = columns.map((c, i) => `$${i + 1}::${c.sqlType}`).join(", ");
    for (const row of rows) {
      await this.client.query(
        `INSERT INTO ${table} VALUES (${placeholders})`,
        row.map((v, i) => (v === null ? null : encodeText(v, columns[i].oid, defaultEncodeContext))),
      );
    }
  }

  /** The query's rows with every cell as PostgreSQL prints it. */
  async text(sql: string): Promise<(string | null)[][]> {
    const res = await this.client.query({ text: sql, rowMode: "array", types: raw as never });
    return res.rows as (string | null)[][];
  }

  async drop(): Promise<void> {
    await this.client.end();
    await this.admin.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`);
    await this.admin.end();
  }
}

/** Drains a source, asserting that no batch is empty. */
export async function collect(source: RowSource): Promise<Row[]> {
  const rows: Row[] = [];
  for (;;) {
    const batch = await source.next();
    if (batch === null) break;
    assert.ok(batch.length > 0, "a RowSource returned an empty batch");
    for (const r of batch) rows.push(r);
  }
  assert.equal(await source.next(), null, "exhausted sources stay exhausted");
  await source.close();
  return rows;
}

/** Our rows printed like PostgreSQL prints them. */
export function asText(rows: Row[], oids: TypeOid[]): (string | null)[][] {
  return rows.map((r) => {
    assert.equal(r.length, oids.length, "row width");
    return r.map((v, i) => (v === null ? null : encodeText(v, oids[i], defaultEncodeContext)));
  });
}

export function sorted(rows: (string | null)[][]): (string | null)[][] {
  return rows
    .map((r) => JSON.stringify(r))
    .sort()
    .map((s) => JSON.parse(s));
}

// evaluators

export const col =
  (i: number): Evaluator =>
  (row) =>
    row[i];

export const constant =
  (v: Value): Evaluator =>
  () =>
    v;

/** a <op> b with SQL NULL semantics, comparing as `oid` */
export function cmpEval(
  a: Evaluator,
  op: "<" | "<=" | "=" | "<>" | ">" | ">=",
  b: Evaluator,
  oid: TypeOid,
): Evaluator {
  return (row, c) => {
    const x = a(row, c);
    const y = b(row, c);
    if (x === null || y === null) return null;
    const r = compareValues(x, y, oid);
    switch (op) {
      case "<":
        return r < 0;
      case "<=":
        return r <= 0;
      case "=":
        return r === 0;
      case "<>":
        return r !== 0;
      case ">":
        return r > 0;
      case ">=":
        return r >= 0;
    }
  };
}

// hand-written aggregates (the real ones come from the scalar module)

export const countStar: AggregateOverload = {
  name: "count",
  args: [],
  returns: Oid.int8,
  strict: false,
  init: () => 0n,
  step: (s) => (s as bigint) + 1n,
  final: (s) => s as bigint,
};

export const countAny: AggregateOverload = { ...countStar, args: [Oid.int4], strict: true };

/** sum(int4) → int8 */
export const sumInt4: AggregateOverload = {
  name: "sum",
  args: [Oid.int4],
  returns: Oid.int8,
  strict: true,
  init: () => null,
  step: (s, [v]) => ((s as bigint | null) ?? 0n) + BigInt(v as number),
  final: (s) => s as bigint | null,
};

/** min(text) in code point order */
export const minText: AggregateOverload = {
  name: "min",
  args: [Oid.text],
  returns: Oid.text,
  strict: true,
  init: () => null,
  step: (s, [v]) => (s === null || compareValues(v, s as string, Oid.text) < 0 ? v : s),
  final: (s) => s as string | null,
};

/** string_agg(text, text): NULL values are skipped, the delimiter goes before every value but the first */
export const stringAgg: AggregateOverload = {
  name: "string_agg",
  args: [Oid.text, Oid.text],
  returns: Oid.text,
  strict: false,
  init: () => null,
  step: (s, [v, d]) => {
    if (v === null) return s;
    return s === null ? (v as string) : `${s as string}${(d as string | null) ?? ""}${v as string}`;
  },
  final: (s) => s as string | null,
  stateBytes: (s) => (typeof s === "string" ? s.length * 2 + 16 : 8),
};

/** array_agg(int4) keeps NULLs; NULL for no rows */
export const arrayAggInt4: AggregateOverload = {
  name: "array_agg",
  args: [Oid.int4],
  returns: Oid._int4,
  strict: false,
  init: () => [] as Value[],
  step: (s, [v]) => {
    (s as Value[]).push(v);
    return s;
  },
  final: (s) => ((s as Value[]).length === 0 ? null : (s as Value[]).slice()),
};

/** sum(numeric) → numeric is beyond a test helper; count(DISTINCT numeric) uses countAny over numeric */
export const countNumeric: AggregateOverload = { ...countStar, args: [Oid.numeric], strict: true };

/** A lazily generated source of `n` rows [i, i % groups, text] that counts what it hands out. */
export function countingSource(n: number, batchSize = 1000, groups = 10) {
  const stats = { batches: 0, rows: 0, closed: 0 };
  let pos = 0;
  const source: RowSource = {
    async next() {
      if (stats.closed > 0 || pos >= n) return null;
      const end = Math.min(n, pos + batchSize);
      const batch: Row[] = [];
      for (let i = pos; i < end; i++) batch.push([i, i % groups, `row ${i}`]);
      pos = end;
      stats.batches++;
      stats.rows += batch.length;
      return batch;
    },
    async close() {
      stats.closed++;
    },
  };
  return { source, stats };
}

// deterministic random data

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const WORDS = ["a", "B", "é", "日本", "😀", "Zebra", "", "a b", "ñandú", "z"];
