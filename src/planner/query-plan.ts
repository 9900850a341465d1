import type { Node } from "@pgsql/types";
import type { TypeOid } from "../common/pg-types.ts";
import type { BoundAggregate, BoundExpr } from "./bound-expr.ts";
import type { DistinctOnPlan, SetOperationPlan, ValuesPlan, WindowPlan } from "./output-plan.ts";

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
      /** semi and anti (subqueries) output the left columns only */
      readonly joinType: "inner" | "left" | "right" | "full" | "semi" | "anti";
      readonly build: "left" | "right";
      readonly left: QueryPlan;
      readonly right: QueryPlan;
      readonly leftKeys: BoundExpr[];
      readonly rightKeys: BoundExpr[];
      readonly keyTypes: TypeOid[];
      readonly residual: BoundExpr | null;
      /** NOT IN semantics for an anti join (see the hashJoin operator) */
      readonly nullAware?: boolean;
      /** the relationship whose keys these are: each referencing row matches at most one (join-cardinality.ts) */
      readonly atMostOne?: string;
      readonly columns: PlanColumn[];
      readonly estimate: number;
    }
  | {
      readonly kind: "nested-loop";
      readonly joinType: "inner" | "left" | "right" | "full" | "semi" | "anti";
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
    }
  | BindJoinPlan
  | WindowPlan
  | DistinctOnPlan
  | SetOperationPlan
  | ValuesPlan
  | InitParamsPlan
  | ApplyPlan
  | LateralApplyPlan
  | RelationshipFetchPlan;

/**
 * Relationship columns of one table (plan-relationship.ts): right above the table's scan, each
 * input row gets one json column per relationship read, its value fetched from the related
 * table(s) in batched key queries (never one per row). The output is the input's columns, then
 * one column per fetch, in order.
 */
export interface RelationshipFetchPlan {
  readonly kind: "relationship-fetch";
  readonly input: QueryPlan;
  readonly fetches: readonly RelationshipFetch[];
  readonly columns: PlanColumn[];
  readonly estimate: number;
}

/** One relationship column: how its key is read and which batched steps fetch its value. */
export interface RelationshipFetch {
  /** the column's name (the relationship's alias, else its name) */
  readonly column: string;
  readonly relationship: string;
  readonly type: "belongs_to" | "has_one" | "has_many" | "many_many";
  readonly keyComparison: string;
  /** the key of the input row, normalised for the comparison (one per key column) */
  readonly parentKeys: readonly BoundExpr[];
  /** belongs_to/has_one/has_many: one step (the related table); many_many: junction, then target */
  readonly steps: readonly RelationshipStep[];
  /** the target's columns (all of them, in order) as row_to_json names them */
  readonly targetColumns: readonly PlanColumn[];
  /** has_many/many_many: the target columns its rows are ordered by (its primary key, else all) */
  readonly orderBy: readonly number[];
}

/**
 * One batched fetch: `scan` (a plain remote scan) gets `remoteKeys[i] = ANY($n+i)` per batch,
 * each array holding the batch's keys converted by `toRemote[i]` (a key that does not convert
 * cannot match and is left out). Fetched rows are matched exactly in memory by `rowKeys`, so the
 * remote predicate may return more (a case-insensitive collation) but never fewer rows.
 */
export interface RelationshipStep {
  readonly scan: RemoteScanPlan;
  readonly remoteKeys: readonly Node[];
  /** over a one-column row holding a normalised key: the value sent for `remoteKeys[i]` */
  readonly toRemote: readonly BoundExpr[];
  readonly remoteKeyTypes: readonly TypeOid[];
  /** over a fetched row: its normalised key, comparable with the keys that fetched it */
  readonly rowKeys: readonly BoundExpr[];
  readonly keyTypes: readonly TypeOid[];
  /** many_many junction step: over a junction row, the normalised keys of the target */
  readonly nextKeys?: readonly BoundExpr[];
  /** why the key predicate could not be sent (the whole table is read instead), for EXPLAIN */
  readonly keptKeys?: string;
  readonly batchSize: number;
  readonly concurrency: number;
}

/**
 * A LATERAL subquery no rewrite could turn into a join: an apply (see ApplyPlan: planned once
 * with the outer columns as parameters, run per distinct tuple of their values over remote
 * scans read once) whose rows are joined to the input row that gave them. An inner join keeps
 * the pairs `condition` (the ON condition, over the input row then the outputs) holds for; a
 * left join also keeps an input row without any, NULL-extended.
 */
export interface LateralApplyPlan {
  readonly kind: "lateral-apply";
  readonly joinType: "inner" | "left";
  readonly input: QueryPlan;
  readonly subplan: QueryPlan;
  readonly params: readonly { readonly index: number; readonly value: BoundExpr }[];
  /** the subquery's columns the query reads, in order: they follow the input's */
  readonly outputs: readonly number[];
  readonly condition: BoundExpr | null;
  readonly paramTypes: readonly number[];
  readonly clientParams: number;
  readonly columns: PlanColumn[];
  readonly estimate: number;
}

/**
 * A correlated subquery no rewrite could turn into a join (PostgreSQL's SubPlan with
 * parameters): planned once with the outer query's columns as parameters (`params`), and run
 * for each distinct tuple of their values over the input's rows, its remote scans read once
 * and replayed from memory (they never read those parameters). Each input row gets one more
 * column, the subquery's result in its `mode`:
 * - scalar: its one value, NULL for no row, 21000 for several;
 * - exists: whether it has a row;
 * - array: the first column of every row, in order (ARRAY(subquery));
 * - any / all: `compare` over the input row followed by each subquery row (IN, NOT IN, op ANY,
 *   op ALL with three-valued results: ANY is true when one comparison is, else NULL when one is
 *   NULL, else false; ALL the dual; over no rows ANY is false and ALL true).
 */
export interface ApplyPlan {
  readonly kind: "apply";
  readonly input: QueryPlan;
  readonly subplan: QueryPlan;
  /** the parameter slots standing for outer columns, each with its value over the input row */
  readonly params: readonly { readonly index: number; readonly value: BoundExpr }[];
  readonly mode: "scalar" | "exists" | "array" | "any" | "all";
  /** any / all: true, false or NULL for the input row (its columns first) and one subquery row after them */
  readonly compare: BoundExpr | null;
  /** the types of every parameter of the statement (the client's, then all computed ones) */
  readonly paramTypes: readonly number[];
  /** how many of them the client sent */
  readonly clientParams: number;
  readonly columns: PlanColumn[];
  readonly estimate: number;
}

/**
 * Uncorrelated scalar and EXISTS subqueries, run once before `input` (PostgreSQL's init
 * plans): each one's result becomes the value of a parameter the input's expressions and
 * fragments read.
 */
export interface InitParamsPlan {
  readonly kind: "init-params";
  readonly input: QueryPlan;
  readonly inits: InitParam[];
  /** the types of every parameter of the statement (the client's, then all computed ones) */
  readonly paramTypes: readonly number[];
  /** how many of them the client sent */
  readonly clientParams: number;
  readonly columns: PlanColumn[];
  readonly estimate: number;
}

export interface InitParam {
  readonly plan: QueryPlan;
  /** 0-based parameter index the result is stored at */
  readonly index: number;
  /**
   * scalar: the one value (NULL when no row, 21000 when several); exists: whether a row
   * exists; array: the first column of every row, in order (for `x op ANY/ALL ($n)`, ARRAY(…))
   */
  readonly mode: "scalar" | "exists" | "array";
  readonly oid: TypeOid;
}

/**
 * A batched bind join: the outer side streams; its distinct join keys go to the
 * inner service in batches as `key = ANY($n)` added to the inner fragment, several
 * batches in flight at once. When the outer side turns out larger than expected,
 * the operator switches at run time to one scan of the inner side and a hash join.
 *
 * Semi and anti joins ([NOT] EXISTS / [NOT] IN) output the left columns only. Their
 * outer side is the left input (the query's rows send keys to the subquery's scan) or,
 * for semi joins, the right (the subquery's keys fetch the query's rows: the inner
 * scan's rows are then the result).
 */
export interface BindJoinPlan {
  readonly kind: "bind-join";
  readonly joinType: "inner" | "left" | "right" | "semi" | "anti";
  /** which input is streamed and sends its keys */
  readonly outerSide: "left" | "right";
  /** NOT IN semantics for an anti join (see the hashJoin operator) */
  readonly nullAware?: boolean;
  /** NOT IN: the inner key column may hold NULL, so one probe query looks for such a row first */
  readonly probeNullKeys?: boolean;
  /** the relationship whose keys these are: each referencing row matches at most one (join-cardinality.ts) */
  readonly atMostOne?: string;
  readonly left: QueryPlan;
  readonly right: QueryPlan;
  /** the inner side: a remote scan whose fragment gets the key predicate */
  readonly inner: RemoteScanPlan;
  /** key over the outer input's row */
  readonly outerKey: BoundExpr;
  /** the inner fragment's key column (alias-qualified) and its index in the inner scan's output */
  readonly innerKeyAlias: string;
  readonly innerKeyColumn: string;
  readonly innerKeyIndex: number;
  readonly keyType: TypeOid;
  /** over the joined row (left columns, then right) */
  readonly residual: BoundExpr | null;
  /** keys per batch and batches in flight (the inner service's capabilities) */
  readonly batchSize: number;
  readonly concurrency: number;
  /** outer rows above which one scan of the inner side and a hash join are cheaper */
  readonly switchAt: number;
  readonly columns: PlanColumn[];
  readonly estimate: number;
}

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
  /**
   * In an apply's subquery: equalities between output columns and outer values (parameters)
   * that stayed in memory. The scan runs once; each evaluation reads only the cached rows whose
   * columns equal those values (a hash lookup) and the filter above still checks them all.
   */
  readonly lookup?: readonly { readonly column: number; readonly param: number; readonly oid: number }[];
}
