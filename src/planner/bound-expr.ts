import type { TypeOid } from "../common/pg-types.ts";
import type { Value } from "../common/values.ts";
import type { ResolvedAggregateRef, ResolvedCallRef } from "./scalar-catalog.ts";

/**
 * A scalar expression with every name resolved and every type known. Column
 * references point into the row of the operator that evaluates the expression.
 */
export type BoundExpr =
  | { kind: "column"; index: number; type: TypeOid; typmod: number }
  | { kind: "const"; value: Value; type: TypeOid; typmod: number }
  | { kind: "param"; index: number; type: TypeOid; typmod: number }
  | { kind: "call"; fn: ResolvedCallRef; args: BoundExpr[]; type: TypeOid; typmod: number }
  | { kind: "cast"; arg: BoundExpr; type: TypeOid; typmod: number; context: "explicit" | "implicit" }
  | { kind: "and" | "or"; args: BoundExpr[]; type: TypeOid; typmod: number }
  | { kind: "not"; arg: BoundExpr; type: TypeOid; typmod: number }
  | { kind: "is-null"; arg: BoundExpr; negated: boolean; type: TypeOid; typmod: number }
  | {
      kind: "is-bool";
      arg: BoundExpr;
      test: "true" | "false" | "unknown";
      negated: boolean;
      type: TypeOid;
      typmod: number;
    }
  | {
      kind: "distinct-from";
      left: BoundExpr;
      right: BoundExpr;
      eq: ResolvedCallRef;
      negated: boolean;
      type: TypeOid;
      typmod: number;
    }
  | {
      kind: "case";
      /** CASE x WHEN … compares with `eq`; a searched CASE has no operand */
      whens: { condition: BoundExpr; result: BoundExpr }[];
      otherwise: BoundExpr | null;
      type: TypeOid;
      typmod: number;
    }
  | { kind: "coalesce"; args: BoundExpr[]; type: TypeOid; typmod: number }
  | { kind: "nullif"; left: BoundExpr; right: BoundExpr; eq: ResolvedCallRef; type: TypeOid; typmod: number }
  | { kind: "greatest" | "least"; args: BoundExpr[]; type: TypeOid; typmod: number }
  | {
      kind: "in-list";
      arg: BoundExpr;
      list: BoundExpr[];
      eq: ResolvedCallRef[];
      negated: boolean;
      type: TypeOid;
      typmod: number;
    }
  | {
      /** `arg op ANY (array)` / `arg op ALL (array)` (PostgreSQL's ScalarArrayOpExpr) */
      kind: "any-all";
      all: boolean;
      arg: BoundExpr;
      array: BoundExpr;
      /** resolved over (arg, element); elements of another type are cast to op.argTypes[1] */
      op: ResolvedCallRef;
      elementType: TypeOid;
      type: TypeOid;
      typmod: number;
    }
  | {
      /**
       * The value of a decorrelated scalar subquery from the array of its rows' values: NULL
       * when there is none, the first with `first` (LIMIT 1), else 21000 when there are several.
       */
      kind: "subquery-value";
      arg: BoundExpr;
      first: boolean;
      type: TypeOid;
      typmod: number;
    }
  | {
      /**
       * A column an apply added (query-plan.ts ApplyPlan): its value, or the error evaluating the
       * subquery raised for that row, thrown here, when an expression reads it, as PostgreSQL
       * raises it only for a subquery it evaluates.
       */
      kind: "apply-value";
      arg: BoundExpr;
      type: TypeOid;
      typmod: number;
    };

/** An aggregate call of a grouped query. */
export interface BoundAggregate {
  fn: ResolvedAggregateRef;
  args: BoundExpr[];
  argTypes: TypeOid[];
  distinct: boolean;
  filter: BoundExpr | null;
  type: TypeOid;
  /** ORDER BY inside the call (string_agg(x, ',' ORDER BY y)) */
  orderBy?: { expr: BoundExpr; descending: boolean; nullsFirst: boolean }[];
  /**
   * An ordered-set or hypothetical-set aggregate (`percentile_cont(0.5) WITHIN GROUP (ORDER BY x)`).
   * Its `args` are the direct arguments, then the sort keys, then one int4 constant per key
   * holding that key's direction (withinGroupDescending | withinGroupNullsFirst): the aggregate
   * sorts its own values, so the aggregate operator buffers nothing for it and `orderBy` is unset.
   */
  withinGroup?: { direct: number; keys: { descending: boolean; nullsFirst: boolean }[] };
}

/** Bits of the per-key direction constant of a WITHIN GROUP aggregate call. */
export const withinGroupDescending = 1;
export const withinGroupNullsFirst = 2;

export const boolOid = 16;

/** The conjunction of at least one bound condition (the condition itself for one). */
export function boundAnd(exprs: BoundExpr[]): BoundExpr {
  return exprs.length === 1 ? exprs[0] : { kind: "and", args: exprs, type: boolOid, typmod: -1 };
}

export function columnsOf(expr: BoundExpr, into: Set<number> = new Set()): Set<number> {
  switch (expr.kind) {
    case "column":
      into.add(expr.index);
      break;
    case "const":
    case "param":
      break;
    case "call":
    case "and":
    case "or":
    case "coalesce":
    case "greatest":
    case "least":
      for (const a of expr.args) columnsOf(a, into);
      break;
    case "cast":
    case "not":
    case "is-null":
    case "is-bool":
      columnsOf(expr.arg, into);
      break;
    case "distinct-from":
    case "nullif":
      columnsOf(expr.left, into);
      columnsOf(expr.right, into);
      break;
    case "case":
      for (const w of expr.whens) {
        columnsOf(w.condition, into);
        columnsOf(w.result, into);
      }
      if (expr.otherwise) columnsOf(expr.otherwise, into);
      break;
    case "in-list":
      columnsOf(expr.arg, into);
      for (const a of expr.list) columnsOf(a, into);
      break;
    case "any-all":
      columnsOf(expr.arg, into);
      columnsOf(expr.array, into);
      break;
    case "subquery-value":
    case "apply-value":
      columnsOf(expr.arg, into);
      break;
  }
  return into;
}
