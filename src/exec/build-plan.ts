import { PgError } from "../common/pg-error.ts";
import { arrayOf } from "../common/pg-types.ts";
import type { Value } from "../common/values.ts";
import type { ApplyStats } from "../planner/explain.ts";
import { withKeyFilter } from "../planner/fragment-key-filter.ts";
import { withLimitOne, withNullKeyProbe } from "../planner/fragment-probe.ts";
import type {
  ApplyPlan,
  BindJoinPlan,
  LateralApplyPlan,
  QueryPlan,
  RemoteScanPlan,
} from "../planner/query-plan.ts";
import { applyOperator } from "./apply.ts";
import { type BindJoinSpec, bindJoin } from "./bind-join.ts";
import { buildDistinctOn, buildSetOperation, buildValues, buildWindow, sortKeysOf } from "./build-output.ts";
import { compileExpr } from "./compile-expr.ts";
import { initParams } from "./init-params.ts";
import { lateralApplyOperator } from "./lateral-apply.ts";
import { distinct } from "./operators/distinct.ts";
import type { OperatorEnv } from "./operators/env.ts";
import { filter } from "./operators/filter.ts";
import { hashAggregate } from "./operators/hash-aggregate.ts";
import { hashJoin } from "./operators/hash-join.ts";
import { limit } from "./operators/limit.ts";
import { nestedLoopJoin } from "./operators/nested-loop-join.ts";
import { project } from "./operators/project.ts";
import { sort } from "./operators/sort.ts";
import { topN } from "./operators/top-n.ts";
import { buildRelationshipFetch } from "./relationship-fetch-build.ts";
import type { EvalContext, RowSource } from "./row-source.ts";
import type { AggregateOverload } from "./scalar/index.ts";

/** Opens a remote scan: compiles its fragment for the service and streams the rows. */
export interface ScanOpener {
  /** `extra` parameters are appended after the client's (a bind join's key array) */
  open(scan: RemoteScanPlan, extra?: { values: Value[]; types: number[] }): Promise<RowSource>;
}

export interface BuildEnv extends OperatorEnv {
  params: readonly Value[];
  scans: ScanOpener;
  /** EXPLAIN ANALYZE: wraps each node's operator to count its rows, batches and time */
  instrument?: (plan: QueryPlan, source: RowSource) => RowSource;
  /** EXPLAIN ANALYZE: the counters of an apply (evaluations, memoized answers) */
  applyStats?: (plan: ApplyPlan | LateralApplyPlan) => ApplyStats;
  /** the query's cancellation, checked by operators that run long without I/O (apply) */
  signal?: AbortSignal;
}

/** Builds the operator tree of a plan. Remote scans open lazily, when first pulled. */
export function buildPlan(plan: QueryPlan, env: BuildEnv): RowSource {
  const source = buildNode(plan, env);
  return env.instrument ? env.instrument(plan, source) : source;
}

function buildNode(plan: QueryPlan, env: BuildEnv): RowSource {
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
          nullAware: plan.nullAware,
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
            orderBy: a.orderBy ? sortKeysOf(a.orderBy, env.params) : undefined,
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
      const sorted = plan.input;
      if (count !== null && sorted.kind === "sort") {
        // ORDER BY … LIMIT n keeps only n + offset rows in a bounded heap instead of sorting everything
        const keys = sorted.keys.map((k) => ({
          eval: expr(k.expr),
          oid: k.expr.type,
          descending: k.descending,
          nullsFirst: k.nullsFirst,
        }));
        return topN(buildPlan(sorted.input, env), keys, count, offset, env);
      }
      return limit(buildPlan(plan.input, env), count, offset);
    }
    case "bind-join": {
      const outer = buildPlan(plan.outerSide === "left" ? plan.left : plan.right, env);
      const keyParam = env.params.length + 1;
      const keyed: RemoteScanPlan = {
        ...plan.inner,
        fragment: withKeyFilter(plan.inner.fragment, plan.innerKeyAlias, plan.innerKeyColumn, keyParam),
      };
      return bindJoin(
        outer,
        {
          joinType: plan.joinType,
          outerSide: plan.outerSide,
          nullAware: plan.nullAware,
          outerKey: expr(plan.outerKey),
          keyType: plan.keyType,
          innerKeyIndex: plan.innerKeyIndex,
          residual: plan.residual ? expr(plan.residual) : undefined,
          outerWidth: (plan.outerSide === "left" ? plan.left : plan.right).columns.length,
          innerWidth: plan.inner.columns.length,
          batchSize: plan.batchSize,
          concurrency: plan.concurrency,
          switchAt: plan.switchAt,
          openInnerForKeys: (keys) =>
            env.scans.open(keyed, { values: [keys], types: [arrayOf(plan.keyType)] }),
          openInnerFull: () => env.scans.open(plan.inner),
          ...(plan.nullAware ? notInProbes(plan, env) : {}),
        },
        env,
      );
    }
    case "init-params":
      return initParams(plan, env, buildPlan);
    case "distinct":
      return distinct(
        buildPlan(plan.input, env),
        plan.columns.map((c) => c.oid),
        env,
      );
    case "window":
      return buildWindow(plan, (p) => buildPlan(p, env), env);
    case "distinct-on":
      return buildDistinctOn(plan, (p) => buildPlan(p, env), env);
    case "set-operation":
      return buildSetOperation(plan, (p) => buildPlan(p, env), env);
    case "values":
      return buildValues(plan, env);
    case "apply":
      return applyOperator(plan, env, buildPlan);
    case "lateral-apply":
      return lateralApplyOperator(plan, env, buildPlan);
    case "relationship-fetch":
      return buildRelationshipFetch(plan, env, buildPlan);
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

/** NOT IN's questions to the subquery's service: a row with a NULL key? any row at all? */
function notInProbes(
  plan: BindJoinPlan,
  env: BuildEnv,
): Pick<BindJoinSpec, "openInnerNullKey" | "openInnerAny"> {
  const { inner } = plan;
  const nullKey: RemoteScanPlan = {
    ...inner,
    fragment: withNullKeyProbe(inner.fragment, plan.innerKeyAlias, plan.innerKeyColumn),
  };
  const any: RemoteScanPlan = { ...inner, fragment: withLimitOne(inner.fragment) };
  return {
    openInnerNullKey: plan.probeNullKeys ? () => env.scans.open(nullKey) : undefined,
    openInnerAny: () => env.scans.open(any),
  };
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
