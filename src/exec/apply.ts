import { PgError, SqlState } from "../common/pg-error.ts";
import type { Row, RowBatch } from "../common/row.ts";
import type { Value } from "../common/values.ts";
import type { ApplyPlan, LateralApplyPlan, QueryPlan } from "../planner/query-plan.ts";
import { exactKey, ScanCache } from "./apply-cache.ts";
import { ApplyFailure, deferrable } from "./apply-failure.ts";
import type { BuildEnv, ScanOpener } from "./build-plan.ts";
import { compileExpr } from "./compile-expr.ts";
import { estimateRowBytes, estimateValueBytes } from "./memory-budget.ts";
import { Reservation } from "./operators/reservation.ts";
import type { EvalContext, Evaluator, RowSource } from "./row-source.ts";
import { rootOpener, withRoot } from "./scan-openers.ts";

type Build = (plan: QueryPlan, env: BuildEnv) => RowSource;

/** What one evaluation of the subquery gave: the column's value, or (any / all) its rows. */
type Outcome = Value | Row[] | ApplyFailure;

/** Time between two yields to the event loop, so that a cancel request is seen during a long apply. */
const YIELD_EVERY_MS = 20;

/**
 * A correlated subquery evaluated per distinct tuple of outer values (query-plan.ts ApplyPlan):
 * each input row gets the subquery's result as one more column. Results are memoized by the
 * exact outer values, so N rows with K distinct values cost K evaluations; each evaluation
 * builds the subquery's operators with those values as parameters over remote scans read once
 * and replayed from memory (apply-cache.ts, shared with the applies nested in it). Cached rows
 * and memoized results count against the query's memory budget (53200 past it); an error of
 * the data is kept as the row's value and raised only when an expression reads it.
 */
export function applyOperator(plan: ApplyPlan, env: BuildEnv, build: Build): RowSource {
  const compare = plan.compare ? compileExpr(plan.compare, env.params) : null;
  const runtime = applyRuntime<Outcome>(plan, env, build, async (source) => {
    try {
      return await resultOf(plan.mode, source);
    } catch (err) {
      if (deferrable(err)) return new ApplyFailure(err);
      throw err;
    }
  });
  const { ctx } = env;
  const input = build(plan.input, env);
  let closed = false;

  const cell = (row: Row, outcome: Outcome): Value => {
    if (outcome instanceof ApplyFailure) return outcome.asValue();
    if (!compare) return outcome as Value;
    try {
      return compareWithRows(row, outcome as Row[], compare, plan.mode === "all", ctx);
    } catch (err) {
      if (deferrable(err)) return new ApplyFailure(err).asValue();
      throw err;
    }
  };

  return {
    async next() {
      if (closed) return null;
      const batch = await input.next();
      if (batch === null) return null;
      const out: RowBatch = new Array(batch.length);
      for (let i = 0; i < batch.length; i++) {
        const row = batch[i];
        const extended = row.slice();
        extended.push(cell(row, await runtime.outcomeFor(row)));
        out[i] = extended;
      }
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await input.close();
      } finally {
        runtime.release();
      }
    },
  };
}

export interface ApplyRuntime<T> {
  /** the memoized result of the subquery for the outer values of `row` */
  outcomeFor(row: Row): Promise<T>;
  /** releases the memo and the cached scans (when this apply owns them) */
  release(): void;
}

/**
 * Runs a subquery per distinct tuple of outer values: `collect` reads one evaluation's rows
 * into a result, memoized by the exact values. Each evaluation builds the subquery's operators
 * with the values as parameters over the scan cache; the memo and the cache count against the
 * query's memory budget; the query's cancellation is checked before each evaluation, and the
 * event loop gets a turn every few milliseconds so that a cancel request arrives.
 */
export function applyRuntime<T>(
  plan: ApplyPlan | LateralApplyPlan,
  env: BuildEnv,
  build: Build,
  collect: (source: RowSource) => Promise<T>,
): ApplyRuntime<T> {
  const memory = new Reservation(env.budget, "correlated subquery (apply)");
  const root = rootOpener(env.scans);
  const cache = root instanceof ScanCache ? root : new ScanCache(root, memory, plan.clientParams);
  const outerValues = plan.params.map((p) => compileExpr(p.value, env.params));
  const stats = env.applyStats?.(plan);
  const memo = new Map<string, T>();
  const { ctx } = env;
  let lastYield = performance.now();

  const evaluate = async (values: Value[]): Promise<T> => {
    const params = new Array<Value>(plan.paramTypes.length).fill(null);
    env.params.forEach((v, i) => {
      params[i] = v;
    });
    plan.params.forEach((p, i) => {
      params[p.index] = values[i];
    });
    const computed = plan.paramTypes.slice(plan.clientParams);
    const scans: ScanOpener = withRoot(
      {
        open: (scan, extra) =>
          cache.open(scan, {
            values: [...params.slice(plan.clientParams), ...(extra?.values ?? [])],
            types: [...computed, ...(extra?.types ?? [])],
          }),
      },
      cache,
    );
    const source = build(plan.subplan, { ...env, params, scans });
    try {
      return await collect(source);
    } finally {
      await source.close();
    }
  };

  const cancelled = () => {
    if (env.signal?.aborted)
      throw new PgError(SqlState.queryCanceled, "canceling statement due to user request");
  };

  return {
    async outcomeFor(row) {
      const values = outerValues.map((v) => v(row, ctx));
      const key = exactKey(values);
      if (memo.has(key)) {
        if (stats) stats.hits++;
        return memo.get(key) as T;
      }
      cancelled();
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        lastYield = performance.now();
        cancelled();
      }
      const outcome = await evaluate(values);
      if (stats) stats.evaluations++;
      memory.grow(key.length * 2 + 48 + outcomeBytes(outcome as Outcome));
      memo.set(key, outcome);
      return outcome;
    },
    release() {
      memo.clear();
      memory.releaseAll();
    },
  };
}

async function resultOf(mode: ApplyPlan["mode"], source: RowSource): Promise<Outcome> {
  switch (mode) {
    case "exists":
      return (await source.next()) !== null;
    case "scalar": {
      const first = await source.next();
      if (first === null) return null;
      if (first.length > 1 || (await source.next()) !== null)
        return new ApplyFailure(
          new PgError("21000", "more than one row returned by a subquery used as an expression"),
        );
      return first[0][0];
    }
    case "array": {
      const values: Value[] = [];
      for (let batch = await source.next(); batch !== null; batch = await source.next())
        for (const row of batch) values.push(row[0]);
      return values;
    }
    default: {
      const rows: Row[] = [];
      for (let batch = await source.next(); batch !== null; batch = await source.next()) rows.push(...batch);
      return rows;
    }
  }
}

/**
 * `x op ANY/ALL (subquery)` for one outer row: ANY is true when a comparison is true, else NULL
 * when one is NULL, else false (false over no rows); ALL is false when one is false, else NULL
 * when one is NULL, else true (true over no rows).
 */
function compareWithRows(row: Row, rows: Row[], compare: Evaluator, all: boolean, ctx: EvalContext): Value {
  if (rows.length === 0) return all;
  const width = row.length;
  const pair: Value[] = row.slice();
  let sawNull = false;
  for (const sub of rows) {
    for (let i = 0; i < sub.length; i++) pair[width + i] = sub[i];
    const v = compare(pair, ctx);
    if (v === null) sawNull = true;
    else if (v === !all) return !all;
  }
  return sawNull ? null : all;
}

function outcomeBytes(outcome: Outcome): number {
  if (outcome instanceof ApplyFailure) return 64;
  if (Array.isArray(outcome) && outcome.length > 0 && Array.isArray(outcome[0])) {
    let n = 32;
    for (const row of outcome as Row[]) n += estimateRowBytes(row);
    return n;
  }
  return estimateValueBytes(outcome as Value);
}
