/**
 * Relationship columns (plan-relationship.ts): each chunk of input rows sends its distinct keys
 * to the related service in batches (several in flight), many_many through the junction first,
 * and every row gets one json value per relationship: `row_to_json` of the related row (NULL
 * when none) or a json array of them ordered like `json_agg(… ORDER BY pk)` (`[]` when none).
 */
import { PgError } from "../common/pg-error.ts";
import type { TypeOid } from "../common/pg-types.ts";
import type { Row } from "../common/row.ts";
import { quoteJson } from "../common/value-json.ts";
import type { Value } from "../common/values.ts";
import { ApplyFailure } from "./apply-failure.ts";
import { estimateRowBytes } from "./memory-budget.ts";
import { BatchBuilder, fromBatchGenerator } from "./operators/batch-generator.ts";
import { batchSizeOf, type OperatorEnv } from "./operators/env.ts";
import { Reservation } from "./operators/reservation.ts";
import type { EvalContext, Evaluator, RowSource } from "./row-source.ts";
import { compareValues, equalityKey } from "./scalar/index.ts";
import { toJsonText } from "./scalar/json-value.ts";

export interface FetchStepSpec {
  /** the fetched rows of one batch: `keys[i]` holds the values sent for key column i */
  open(keys: Value[][]): Promise<RowSource>;
  /** the key predicate could not be sent: the whole table, read once */
  keyed: boolean;
  toRemote: Evaluator[];
  rowKeys: Evaluator[];
  keyTypes: TypeOid[];
  nextKeys?: Evaluator[];
  batchSize: number;
  concurrency: number;
}

export interface FetchSpec {
  column: string;
  relationship: string;
  many: boolean;
  parentKeys: Evaluator[];
  steps: FetchStepSpec[];
  targetNames: string[];
  targetTypes: TypeOid[];
  orderBy: number[];
}

type Tuple = Value[];

export function relationshipFetch(input: RowSource, fetches: FetchSpec[], env: OperatorEnv): RowSource {
  const memory = new Reservation(env.budget, "relationship fetch");
  // a step whose service refused the key predicate is read whole once, then reused
  const wholeTables = new Map<FetchStepSpec, Promise<Map<unknown, Row[]>>>();
  const chunkRows = Math.max(
    batchSizeOf(env),
    ...fetches.flatMap((f) => f.steps.map((s) => s.batchSize * s.concurrency)),
  );
  return fromBatchGenerator(
    async function* () {
      let done = false;
      while (!done) {
        const rows: Row[] = [];
        while (rows.length < chunkRows) {
          const batch = await input.next();
          if (!batch) {
            done = true;
            break;
          }
          for (const row of batch) rows.push(row);
        }
        if (rows.length === 0) break;
        const values = await Promise.all(fetches.map((f) => fetchValues(f, rows, env, memory, wholeTables)));
        const out = new BatchBuilder(batchSizeOf(env));
        for (let i = 0; i < rows.length; i++) {
          out.push([...rows[i], ...values.map((v) => v[i])]);
          if (out.full) yield out.take();
        }
        if (out.length > 0) yield out.take();
        memory.releaseAll();
      }
    },
    async () => {
      memory.releaseAll();
      await input.close();
    },
  );
}

async function fetchValues(
  f: FetchSpec,
  rows: Row[],
  env: OperatorEnv,
  memory: Reservation,
  wholeTables: Map<FetchStepSpec, Promise<Map<unknown, Row[]>>>,
): Promise<Value[]> {
  const first = f.steps[0];
  const keys = rows.map((row) => tupleOf(f.parentKeys, row, env.ctx));
  let matched = await matchStep(first, distinct(keys, first.keyTypes), env, memory, wholeTables);
  if (f.steps.length === 2) {
    // many_many: the junction rows of each key lead to the target rows of their other key
    const target = f.steps[1];
    const nextOf = new Map<Row, Tuple | null>();
    const next: (Tuple | null)[] = [];
    for (const list of matched.values())
      for (const j of list) {
        const t = tupleOf(first.nextKeys!, j, env.ctx);
        nextOf.set(j, t);
        next.push(t);
      }
    const targets = await matchStep(target, distinct(next, target.keyTypes), env, memory, wholeTables);
    const through = new Map<unknown, Row[]>();
    for (const [k, list] of matched) {
      // IN semantics: a target row reached through several junction rows appears once
      const seen = new Set<Row>();
      for (const j of list) {
        const t = nextOf.get(j);
        for (const row of t ? (targets.get(tupleKey(t, target.keyTypes)) ?? []) : []) seen.add(row);
      }
      through.set(k, [...seen]);
    }
    matched = through;
  }
  const json = new Map<Row, string>();
  const rowJson = (row: Row) => {
    let text = json.get(row);
    if (text === undefined) {
      text = objectJson(row, f, env.ctx);
      json.set(row, text);
    }
    return text;
  };
  const arrays = new Map<unknown, string>();
  return keys.map((k) => {
    const key = k && tupleKey(k, first.keyTypes);
    const found = key === null ? [] : (matched.get(key) ?? []);
    if (!f.many) {
      // raised by the read of the column (`apply-value`), so a row filtered out before never raises
      if (found.length > 1)
        return new ApplyFailure(
          new PgError("21000", `more than one row returned by relationship "${f.relationship}"`),
        ).asValue();
      return found.length === 0 ? null : rowJson(found[0]);
    }
    if (key === null) return "[]";
    let text = arrays.get(key);
    if (text === undefined) {
      const sorted = [...found].sort((a, b) => compareRows(a, b, f));
      text = `[${sorted.map(rowJson).join(", ")}]`;
      arrays.set(key, text);
    }
    return text;
  });
}

/** The fetched rows grouped by their key, for the distinct keys given. */
async function matchStep(
  step: FetchStepSpec,
  keys: Tuple[],
  env: OperatorEnv,
  memory: Reservation,
  wholeTables: Map<FetchStepSpec, Promise<Map<unknown, Row[]>>>,
): Promise<Map<unknown, Row[]>> {
  if (!step.keyed) {
    let whole = wholeTables.get(step);
    if (!whole) {
      whole = readAll(step, [[]], env, memory, true);
      wholeTables.set(step, whole);
    }
    return whole;
  }
  const batches: Value[][][] = [];
  for (let i = 0; i < keys.length; i += step.batchSize) {
    const perColumn = step.toRemote.map((convert, c) => {
      const values = new Map<unknown, Value>();
      for (const t of keys.slice(i, i + step.batchSize)) {
        let v: Value;
        try {
          v = convert([t[c]], env.ctx);
        } catch {
          continue; // a key that has no value of the column's type equals none of its values
        }
        if (v !== null) values.set(typeof v === "object" ? JSON.stringify(v) : v, v);
      }
      return [...values.values()];
    });
    if (perColumn.every((v) => v.length > 0)) batches.push(perColumn);
  }
  return readAll(step, batches, env, memory, false);
}

async function readAll(
  step: FetchStepSpec,
  batches: Value[][][],
  env: OperatorEnv,
  memory: Reservation,
  whole: boolean,
): Promise<Map<unknown, Row[]>> {
  const out = new Map<unknown, Row[]>();
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      const source = await step.open(whole ? [] : batch);
      try {
        for (let rows = await source.next(); rows; rows = await source.next()) {
          for (const row of rows) {
            const t = tupleOf(step.rowKeys, row, env.ctx);
            if (!t) continue;
            memory.grow(estimateRowBytes(row));
            const k = tupleKey(t, step.keyTypes);
            const list = out.get(k);
            if (list) list.push(row);
            else out.set(k, [row]);
          }
        }
      } finally {
        await source.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(step.concurrency, batches.length) }, worker));
  return out;
}

/** The key of a row, or null when a part of it is NULL (it matches nothing). */
function tupleOf(exprs: Evaluator[], row: Row, ctx: EvalContext): Tuple | null {
  const t: Tuple = new Array(exprs.length);
  for (let i = 0; i < exprs.length; i++) {
    const v = exprs[i](row, ctx);
    if (v === null) return null;
    t[i] = v;
  }
  return t;
}

function tupleKey(t: Tuple, types: TypeOid[]): unknown {
  if (t.length === 1) return equalityKey(t[0], types[0]);
  return t
    .map((v, i) => `${typeof equalityKey(v, types[i])}:${String(equalityKey(v, types[i]))}`)
    .join("\u0000");
}

function distinct(keys: (Tuple | null)[], types: TypeOid[]): Tuple[] {
  const seen = new Map<unknown, Tuple>();
  for (const k of keys) if (k) seen.set(tupleKey(k, types), k);
  return [...seen.values()];
}

function objectJson(row: Row, f: FetchSpec, ctx: EvalContext): string {
  const parts = f.targetNames.map(
    (name, i) => `${quoteJson(name)}:${toJsonText(row[i] ?? null, f.targetTypes[i], ctx.settings)}`,
  );
  return `{${parts.join(",")}}`;
}

/** ORDER BY the target's key columns, ascending with NULLs last (PostgreSQL's default). */
function compareRows(a: Row, b: Row, f: FetchSpec): number {
  for (const i of f.orderBy) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === null || y === null) {
      if (x === y) continue;
      return x === null ? 1 : -1;
    }
    const c = compareValues(x, y, f.targetTypes[i]);
    if (c !== 0) return c;
  }
  return 0;
}
