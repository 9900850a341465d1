import { PgError, SqlState } from "../common/pg-error.ts";
import type { Value } from "../common/values.ts";
import type { QueryPlan, RemoteScanPlan } from "../planner/query-plan.ts";
import { compileExpr } from "./compile-expr.ts";
import { distinct } from "./operators/distinct.ts";
import type { OperatorEnv } from "./operators/env.ts";
import { filter } from "./operators/filter.ts";
import { hashAggregate } from "./operators/hash-aggregate.ts";
import { hashJoin } from "./operators/hash-join.ts";
import { limit } from "./operators/limit.ts";
import { nestedLoopJoin } from "./operators/nested-loop-join.ts";
import { project } from "./operators/project.ts";
import { sort } from "./operators/sort.ts";
import type { EvalContext, RowSource } from "./row-source.ts";
import type { AggregateOverload } from "./scalar/index.ts";

/** Opens a remote scan: compiles its fragment for the service and streams the rows. */
export interface ScanOpener {
  open(scan: RemoteScanPlan): Promise<RowSource>;
}

export interface BuildEnv extends OperatorEnv {
  params: readonly Value[];
  scans: ScanOpener;
}

/** Builds the operator tree of a plan. Remote scans open lazily, when first pulled. */
export function buildPlan(plan: QueryPlan, env: BuildEnv): RowSource {
  const expr = (e: Parameters<typeof compileExpr>[0]) => compileExpr(e, env.params);
  switch (plan.kind) {
    case "remote-scan":
      return lazy(() => env.scans.open(plan));
    case "filter":
      return filter(buildPlan(plan.input, env), expr(plan.predicate), env);
    case "project":
      return project(buildPlan(plan.input, env), plan.exprs.map(expr), env);
    case "hash-join":
      return hashJoin(
        buildPlan(plan.left, env),
        buildPlan(plan.right, env),
        {
          type: plan.joinType,
          build: plan.build,
          leftKeys: plan.leftKeys.map((k, i) => ({ eval: expr(k), oid: plan.keyTypes[i] })),
          rightKeys: plan.rightKeys.map((k, i) => ({ eval: expr(k), oid: plan.keyTypes[i] })),
          residual: plan.residual ? expr(plan.residual) : undefined,
          leftWidth: plan.left.columns.length,
          rightWidth: plan.right.columns.length,
        },
        env,
      );
    case "nested-loop":
      return nestedLoopJoin(
        buildPlan(plan.left, env),
        buildPlan(plan.right, env),
        {
          type: plan.joinType,
          condition: plan.condition ? expr(plan.condition) : undefined,
          leftWidth: plan.left.columns.length,
          rightWidth: plan.right.columns.length,
        },
        env,
      );
    case "aggregate":
      return hashAggregate(
        buildPlan(plan.input, env),
        {
          groupKeys: plan.groupKeys.map((k) => ({ eval: expr(k), oid: k.type })),
          aggregates: plan.aggregates.map((a) => ({
            def: a.fn as unknown as AggregateOverload,
            args: a.args.map(expr),
            distinct: a.distinct,
            argOids: a.argTypes,
            filter: a.filter ? expr(a.filter) : undefined,
          })),
        },
        env,
      );
    case "sort":
      return sort(
        buildPlan(plan.input, env),
        plan.keys.map((k) => ({
          eval: expr(k.expr),
          oid: k.expr.type,
          descending: k.descending,
          nullsFirst: k.nullsFirst,
        })),
        env,
      );
    case "limit": {
      const count = plan.limit ? constantInt(compileExpr(plan.limit, env.params), env.ctx, "LIMIT") : null;
      const offset = plan.offset
        ? (constantInt(compileExpr(plan.offset, env.params), env.ctx, "OFFSET") ?? 0)
        : 0;
      return limit(buildPlan(plan.input, env), count, offset);
    }
    case "distinct":
      return distinct(
        buildPlan(plan.input, env),
        plan.columns.map((c) => c.oid),
        env,
      );
  }
}

function constantInt(
  evaluate: (row: [], ctx: EvalContext) => Value,
  ctx: EvalContext,
  what: string,
): number | null {
  const v = evaluate([], ctx);
  if (v === null) return null;
  const n = Number(v);
  if (n < 0) {
    throw new PgError(what === "LIMIT" ? "2201W" : "2201X", `${what} must not be negative`);
  }
  return n;
}

/** A source that opens its real source on the first pull, so plans can be built before any I/O. */
function lazy(open: () => Promise<RowSource>): RowSource {
  let source: Promise<RowSource> | null = null;
  let closed = false;
  return {
    async next() {
      if (closed) return null;
      source ??= open();
      return (await source).next();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (source) await (await source).close();
    },
  };
}
