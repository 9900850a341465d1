/**
 * Operators of the output stage built from their plan nodes: window functions, DISTINCT ON,
 * set operations and VALUES rows.
 */
import type { Value } from "../common/values.ts";
import type {
  DistinctOnPlan,
  FrameBoundPlan,
  PlanSortKey,
  SetOperationPlan,
  ValuesPlan,
  WindowFramePlan,
  WindowPlan,
} from "../planner/output-plan.ts";
import type { QueryPlan } from "../planner/query-plan.ts";
import { compileExpr } from "./compile-expr.ts";
import { distinctOn } from "./operators/distinct.ts";
import type { OperatorEnv } from "./operators/env.ts";
import type { SortKey } from "./operators/keys.ts";
import { setOperation } from "./operators/set-operation.ts";
import { values } from "./operators/values.ts";
import { window } from "./operators/window.ts";
import type { Frame, FrameBound } from "./operators/window-frame.ts";
import type { RowSource } from "./row-source.ts";
import type { AggregateOverload } from "./scalar/registry.ts";

export interface OutputBuildEnv extends OperatorEnv {
  params: readonly Value[];
}

type Build = (plan: QueryPlan) => RowSource;

export function sortKeysOf(keys: PlanSortKey[], params: readonly Value[]): SortKey[] {
  return keys.map((k) => ({
    eval: compileExpr(k.expr, params),
    oid: k.expr.type,
    descending: k.descending,
    nullsFirst: k.nullsFirst,
  }));
}

export function buildWindow(plan: WindowPlan, build: Build, env: OutputBuildEnv): RowSource {
  const expr = (e: Parameters<typeof compileExpr>[0]) => compileExpr(e, env.params);
  return window(
    build(plan.input),
    {
      partitionBy: plan.partitionBy.map((e) => ({ eval: expr(e), oid: e.type })),
      orderBy: sortKeysOf(plan.orderBy, env.params),
      functions: plan.functions.map((f) => ({
        kind: f.kind,
        args: f.args.map(expr),
        def: f.aggregate ? (f.aggregate as unknown as AggregateOverload) : undefined,
        filter: f.filter ? expr(f.filter) : undefined,
        frame: frameOf(f.frame, env),
      })),
    },
    env,
  );
}

function frameOf(frame: WindowFramePlan, env: OutputBuildEnv): Frame {
  const bound = (b: FrameBoundPlan): FrameBound => {
    if (b.kind === "preceding" || b.kind === "following") {
      // frame offsets are constants or parameters: evaluated once, over no row
      return { kind: b.kind, offset: compileExpr(b.offset, env.params)([], env.ctx) };
    }
    return { kind: b.kind };
  };
  const out: Frame = {
    mode: frame.mode,
    start: bound(frame.start),
    end: bound(frame.end),
    exclude: frame.exclude,
  };
  if (frame.rangeAdd) {
    const plus = compileExpr(frame.rangeAdd.plus, env.params);
    const minus = compileExpr(frame.rangeAdd.minus, env.params);
    out.rangeAdd = (base, offset, subtract, ctx) => (subtract ? minus : plus)([base, offset], ctx);
  }
  return out;
}

export function buildDistinctOn(plan: DistinctOnPlan, build: Build, env: OutputBuildEnv): RowSource {
  return distinctOn(
    build(plan.input),
    plan.on.map((e) => ({ eval: compileExpr(e, env.params), oid: e.type })),
    sortKeysOf(plan.orderBy, env.params),
    env,
  );
}

export function buildSetOperation(plan: SetOperationPlan, build: Build, env: OutputBuildEnv): RowSource {
  return setOperation(
    build(plan.left),
    build(plan.right),
    { op: plan.op, all: plan.all, oids: plan.columns.map((c) => c.oid) },
    env,
  );
}

/** VALUES rows are evaluated when first pulled, so errors surface while fetching, like PostgreSQL's. */
export function buildValues(plan: ValuesPlan, env: OutputBuildEnv): RowSource {
  let source: RowSource | null = null;
  let closed = false;
  return {
    async next() {
      if (closed) return null;
      source ??= values(
        plan.rows.map((row) => row.map((e) => compileExpr(e, env.params)([], env.ctx))),
        env.batchSize,
      );
      return source.next();
    },
    async close() {
      closed = true;
      await source?.close();
    },
  };
}
