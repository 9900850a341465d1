import { PgError } from "../common/pg-error.ts";
import type { Value } from "../common/values.ts";
import type { InitParam, InitParamsPlan, QueryPlan } from "../planner/query-plan.ts";
import type { BuildEnv, ScanOpener } from "./build-plan.ts";
import { estimateValueBytes } from "./memory-budget.ts";
import { Reservation } from "./operators/reservation.ts";
import type { RowSource } from "./row-source.ts";
import { rootOpener, withRoot } from "./scan-openers.ts";

type Build = (plan: QueryPlan, env: BuildEnv) => RowSource;

/**
 * Runs the init plans (uncorrelated scalar / EXISTS / IN subqueries) on the first pull, then
 * builds the input with their results as parameters. Remote scans below see them too: the scan
 * opener appends every computed parameter after the client's (and before a bind join's keys).
 * An array result stays in the query's memory budget until the query is closed.
 */
export function initParams(plan: InitParamsPlan, env: BuildEnv, build: Build): RowSource {
  let inner: Promise<RowSource> | null = null;
  let closed = false;
  const held = new Reservation(env.budget, "init plan (subquery result)");
  const start = async (): Promise<RowSource> => {
    const params: Value[] = new Array(plan.paramTypes.length).fill(null);
    env.params.forEach((v, i) => {
      params[i] = v;
    });
    for (const init of plan.inits) params[init.index] = await runInit(init, env, build, held);
    const root = rootOpener(env.scans);
    const scans: ScanOpener = withRoot(
      {
        open: (scan, extra) =>
          root.open(scan, {
            values: [...params.slice(plan.clientParams), ...(extra?.values ?? [])],
            types: [...plan.paramTypes.slice(plan.clientParams), ...(extra?.types ?? [])],
          }),
      },
      root,
    );
    return build(plan.input, { ...env, params, scans });
  };
  return {
    async next() {
      if (closed) return null;
      inner ??= start();
      return (await inner).next();
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        if (inner)
          await inner.then(
            (s) => s.close(),
            () => undefined,
          );
      } finally {
        held.releaseAll();
      }
    },
  };
}

async function runInit(init: InitParam, env: BuildEnv, build: Build, held: Reservation): Promise<Value> {
  const source = build(init.plan, env);
  try {
    if (init.mode === "array") {
      const values: Value[] = [];
      for (let batch = await source.next(); batch !== null; batch = await source.next()) {
        let bytes = 0;
        for (const row of batch) {
          values.push(row[0]);
          bytes += 8 + estimateValueBytes(row[0]);
        }
        held.grow(bytes);
      }
      return values;
    }
    const first = await source.next();
    if (init.mode === "exists") return first !== null;
    if (first === null) return null;
    let more = first.length > 1;
    if (!more) more = (await source.next()) !== null;
    if (more) throw new PgError("21000", "more than one row returned by a subquery used as an expression");
    return first[0][0];
  } finally {
    await source.close();
  }
}
