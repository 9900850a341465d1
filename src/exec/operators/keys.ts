/**
 * Hashing and ordering of rows by typed keys. Equality goes through equalityKey (so numeric
 * 1.0 and 1.00 meet in one bucket) and ordering through compareValues: both from the scalar
 * module, so every operator agrees with PostgreSQL's btree semantics.
 */
import type { TypeOid } from "../../common/pg-types.ts";
import type { Row } from "../../common/row.ts";
import type { Value } from "../../common/values.ts";
import type { EvalContext, Evaluator } from "../row-source.ts";
import { compareValues, equalityKey } from "../scalar/index.ts";

/** An expression whose value is hashed or compared as the given type. */
export interface KeyExpr {
  eval: Evaluator;
  oid: TypeOid;
}

export interface SortKey {
  eval: Evaluator;
  oid: TypeOid;
  descending: boolean;
  /** where NULLs go; PostgreSQL's default (last for ASC, first for DESC) is the planner's choice */
  nullsFirst: boolean;
}

export type HashKey = string | number | bigint | boolean;

/** Marks SQL NULL in composite keys; no equalityKey string starts with a control character and a colon. */
const NULL_PART = "\u0000N";

/**
 * A key under which values equal per compareValues meet, treating NULL as equal to NULL
 * (the DISTINCT / GROUP BY / set operation notion of sameness).
 */
export function groupKey(values: readonly Value[], oids: readonly TypeOid[]): HashKey {
  if (values.length === 1) {
    const v = values[0];
    if (v === null) return NULL_PART;
    const k = equalityKey(v, oids[0]);
    // a string key could collide with the NULL marker only if it equals it exactly
    return typeof k === "string" && k === NULL_PART ? `\u0000S${k}` : k;
  }
  let out = "";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) {
      out += "n;";
      continue;
    }
    const k = equalityKey(v, oids[i]);
    const s = typeof k === "string" ? k : `${typeof k}:${String(k)}`;
    out += `${s.length}:${s};`;
  }
  return out;
}

/**
 * The hash key of a row under equi-join keys, or null when a key is NULL (NULL never
 * joins). One key, the common case, takes no array.
 */
export function joinKeyOf(
  keys: readonly KeyExpr[],
  oids: readonly TypeOid[],
  row: Row,
  ctx: EvalContext,
): HashKey | null {
  if (keys.length === 1) {
    const v = keys[0].eval(row, ctx);
    if (v === null) return null;
    const k = equalityKey(v, oids[0]);
    return typeof k === "string" && k === NULL_PART ? `\u0000S${k}` : k;
  }
  const values = evalKeys(keys, row, ctx);
  return hasNull(values) ? null : groupKey(values, oids);
}

/** Evaluates key expressions over a row. */
export function evalKeys(keys: readonly KeyExpr[], row: Row, ctx: EvalContext): Value[] {
  const out = new Array<Value>(keys.length);
  for (let i = 0; i < keys.length; i++) out[i] = keys[i].eval(row, ctx);
  return out;
}

/** Compares two evaluated key tuples under sort keys (direction and NULL placement included). */
export function compareKeyTuples(a: readonly Value[], b: readonly Value[], keys: readonly SortKey[]): number {
  for (let i = 0; i < keys.length; i++) {
    const c = compareOne(a[i], b[i], keys[i]);
    if (c !== 0) return c;
  }
  return 0;
}

export function compareOne(x: Value, y: Value, key: SortKey): number {
  if (x === null || y === null) {
    if (x === null && y === null) return 0;
    // NULL sorts as larger than everything unless nullsFirst, independent of direction
    return (x === null) === key.nullsFirst ? -1 : 1;
  }
  const c = compareValues(x, y, key.oid);
  if (c === 0) return 0;
  return key.descending ? (c < 0 ? 1 : -1) : c < 0 ? -1 : 1;
}

export function hasNull(values: readonly Value[]): boolean {
  for (const v of values) if (v === null) return true;
  return false;
}
