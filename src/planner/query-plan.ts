import type { Node } from "@pgsql/types";
import type { TypeOid } from "../common/pg-types.ts";
import type { BoundAggregate, BoundExpr } from "./bound-expr.ts";

/** One output column of a plan node. */
export interface PlanColumn {
  name: string;
  oid: TypeOid;
  typmod: number;
}

/**
 * The physical plan of a cross-service query: an immutable tree. Expressions
 * are bound to the row layout of the node's input (joins: left columns, then right).
 */
export type QueryPlan =
  | RemoteScanPlan
  | {
      readonly kind: "hash-join";
      readonly joinType: "inner" | "left" | "right" | "full";
      readonly build: "left" | "right";
      readonly left: QueryPlan;
      readonly right: QueryPlan;
      readonly leftKeys: BoundExpr[];
      readonly rightKeys: BoundExpr[];
      readonly keyTypes: TypeOid[];
      readonly residual: BoundExpr | null;
      readonly columns: PlanColumn[];
      readonly estimate: number;
    }
  | {
      readonly kind: "nested-loop";
      readonly joinType: "inner" | "left" | "right" | "full";
      readonly left: QueryPlan;
      readonly right: QueryPlan;
      readonly condition: BoundExpr | null;
      readonly columns: PlanColumn[];
      readonly estimate: number;
    }
  | {
      readonly kind: "filter";
      readonly input: QueryPlan;
      readonly predicate: BoundExpr;
      readonly columns: PlanColumn[];
      readonly estimate: number;
    }
  | {
      readonly kind: "project";
      readonly input: QueryPlan;
      readonly exprs: BoundExpr[];
      readonly columns: PlanColumn[];
      readonly estimate: number;
    }
  | {
      readonly kind: "aggregate";
      readonly input: QueryPlan;
      readonly groupKeys: BoundExpr[];
      readonly aggregates: BoundAggregate[];
      readonly columns: PlanColumn[];
      readonly estimate: number;
    }
  | {
      readonly kind: "sort";
      readonly input: QueryPlan;
      readonly keys: { expr: BoundExpr; descending: boolean; nullsFirst: boolean }[];
      /** top-N when set: only limit + offset rows are kept */
      readonly limit: number | null;
      readonly columns: PlanColumn[];
      readonly estimate: number;
    }
  | {
      readonly kind: "limit";
      readonly input: QueryPlan;
      readonly limit: BoundExpr | null;
      readonly offset: BoundExpr | null;
      readonly columns: PlanColumn[];
      readonly estimate: number;
    }
  | {
      readonly kind: "distinct";
      readonly input: QueryPlan;
      readonly columns: PlanColumn[];
      readonly estimate: number;
    };

/** A fragment run by one service: a SELECT over its tables, compiled by its dialect compiler. */
export interface RemoteScanPlan {
  readonly kind: "remote-scan";
  readonly service: string;
  /** the PostgreSQL SelectStmt offered to the service */
  readonly fragment: Node;
  readonly columns: PlanColumn[];
  readonly estimate: number;
  /** what was pushed into the fragment, for EXPLAIN */
  readonly pushed: string[];
  /** what stayed in memory and why (the compiler's refusal), for EXPLAIN */
  readonly kept: string[];
}
