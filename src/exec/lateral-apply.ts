import type { Row } from "../common/row.ts";
import type { LateralApplyPlan, QueryPlan } from "../planner/query-plan.ts";
import { applyRuntime } from "./apply.ts";
import type { BuildEnv } from "./build-plan.ts";
import { compileExpr } from "./compile-expr.ts";
import { BatchBuilder, fromBatchGenerator } from "./operators/batch-generator.ts";
import { batchSizeOf } from "./operators/env.ts";
import type { RowSource } from "./row-source.ts";

type Build = (plan: QueryPlan, env: BuildEnv) => RowSource;

/**
 * `JOIN LATERAL` / `LEFT JOIN LATERAL` as an apply (query-plan.ts LateralApplyPlan): the
 * subquery's rows for each input row's outer values (memoized, over scans read once) joined to
 * that row where the ON condition holds; a left join NULL-extends a row without any.
 */
export function lateralApplyOperator(plan: LateralApplyPlan, env: BuildEnv, build: Build): RowSource {
  const condition = plan.condition ? compileExpr(plan.condition, env.params) : null;
  const runtime = applyRuntime<Row[]>(plan, env, build, async (source) => {
    const rows: Row[] = [];
    for (let batch = await source.next(); batch !== null; batch = await source.next())
      for (const row of batch) rows.push(plan.outputs.map((i) => row[i]));
    return rows;
  });
  const input = build(plan.input, env);
  const nulls: Row = plan.outputs.map(() => null);
  const { ctx } = env;

  async function* run(): AsyncGenerator<Row[], void, undefined> {
    const out = new BatchBuilder(batchSizeOf(env));
    for (let batch = await input.next(); batch !== null; batch = await input.next()) {
      for (const row of batch) {
        let matched = false;
        for (const sub of await runtime.outcomeFor(row)) {
          const joined = row.concat(sub);
          if (condition && condition(joined, ctx) !== true) continue;
          matched = true;
          out.push(joined);
          if (out.full) yield out.take();
        }
        if (!matched && plan.joinType === "left") out.push(row.concat(nulls));
        if (out.full) yield out.take();
      }
    }
    if (out.length > 0) yield out.take();
  }

  return fromBatchGenerator(run, async () => {
    try {
      await input.close();
    } finally {
      runtime.release();
    }
  });
}
