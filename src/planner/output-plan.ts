import type { TypeOid } from "../common/pg-types.ts";
import type { BoundExpr } from "./bound-expr.ts";
import type { PlanColumn, QueryPlan } from "./query-plan.ts";
import type { ResolvedAggregateRef } from "./scalar-catalog.ts";

/** Plan nodes of the output stage: window functions, DISTINCT ON, set operations and VALUES. */

export interface PlanSortKey {
  expr: BoundExpr;
  descending: boolean;
  nullsFirst: boolean;
}

/** Window functions sharing one PARTITION BY / ORDER BY: the input columns, then one column per function. */
export interface WindowPlan {
  readonly kind: "window";
  readonly input: QueryPlan;
  readonly partitionBy: BoundExpr[];
  readonly orderBy: PlanSortKey[];
  readonly functions: WindowFunctionPlan[];
  readonly columns: PlanColumn[];
  readonly estimate: number;
}

export type WindowFunctionKind =
  | "row_number"
  | "rank"
  | "dense_rank"
  | "percent_rank"
  | "cume_dist"
  | "ntile"
  | "lag"
  | "lead"
  | "first_value"
  | "last_value"
  | "nth_value"
  | "aggregate";

export interface WindowFunctionPlan {
  /** the executor's window function kinds (exec/operators/window.ts) */
  kind: WindowFunctionKind;
  name: string;
  args: BoundExpr[];
  aggregate: ResolvedAggregateRef | null;
  filter: BoundExpr | null;
  frame: WindowFramePlan;
  type: TypeOid;
}

export type FrameBoundPlan =
  | { kind: "unbounded_preceding" | "current_row" | "unbounded_following" }
  /** offsets are constants or parameters, evaluated once */
  | { kind: "preceding" | "following"; offset: BoundExpr };

export interface WindowFramePlan {
  mode: "rows" | "range" | "groups";
  start: FrameBoundPlan;
  end: FrameBoundPlan;
  exclude: "no_others" | "current_row" | "group" | "ties";
  /**
   * RANGE offsets over keys the operator cannot add to by itself (numeric, date/time):
   * key + offset and key − offset, as expressions over the two-column row [key, offset].
   */
  rangeAdd: { plus: BoundExpr; minus: BoundExpr } | null;
}

/** DISTINCT ON: the first row per `on` key in `orderBy` order; the output comes sorted by `orderBy`. */
export interface DistinctOnPlan {
  readonly kind: "distinct-on";
  readonly input: QueryPlan;
  readonly on: BoundExpr[];
  readonly orderBy: PlanSortKey[];
  readonly columns: PlanColumn[];
  readonly estimate: number;
}

/** UNION / INTERSECT / EXCEPT [ALL]; both inputs already have `columns`' types (the planner casts them). */
export interface SetOperationPlan {
  readonly kind: "set-operation";
  readonly op: "union" | "intersect" | "except";
  readonly all: boolean;
  readonly left: QueryPlan;
  readonly right: QueryPlan;
  readonly columns: PlanColumn[];
  readonly estimate: number;
}

/** Rows of expressions without column references: VALUES, or a SELECT without FROM. */
export interface ValuesPlan {
  readonly kind: "values";
  readonly rows: BoundExpr[][];
  readonly columns: PlanColumn[];
  readonly estimate: number;
}
