/**
 * EXPLAIN [ANALYZE] [(FORMAT TEXT|JSON)] of statements over services: options, running the
 * statement under ANALYZE (rows are consumed and discarded, writes really happen, as in
 * PostgreSQL), and rendering the result rows.
 */
import type { Node } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import type { Value } from "../common/values.ts";
import { createInstrumentation, wireBytes } from "../exec/instrument.ts";
import { compileRemote, runRemote } from "../exec/run-remote.ts";
import { type ExplainNode, explainTree, type RemoteStats } from "../planner/explain.ts";
import { type ExplainTotals, renderExplainJson, renderExplainText } from "../planner/explain-render.ts";
import { planSingleService } from "../planner/plan-single-service.ts";
import type { QueryPlan } from "../planner/query-plan.ts";
import { formatParam } from "./explain.ts";
import { buildFederated, explainEnv, type FederatedContext } from "./federated.ts";
import { compileTarget } from "./remote.ts";
import type { Route } from "./route.ts";
import type { SessionDeps } from "./session-deps.ts";
import type { Transactions } from "./transactions.ts";

export interface ExplainOptions {
  analyze: boolean;
  format: "text" | "json";
}

/** The options of `EXPLAIN (…)`; VERBOSE, COSTS, BUFFERS, TIMING, SUMMARY … are accepted and change nothing. */
export function explainOptions(options: Node[] | undefined): ExplainOptions {
  const out: ExplainOptions = { analyze: false, format: "text" };
  for (const o of options ?? []) {
    const def = (o as any).DefElem;
    const name = String(def?.defname ?? "");
    const value =
      def?.arg?.String?.sval ?? def?.arg?.A_Const?.sval?.sval ?? def?.arg?.A_Const?.boolval?.boolval;
    if (name === "analyze") out.analyze = !isFalse(value);
    if (name === "format") {
      const format = String(value).toLowerCase();
      if (format !== "text" && format !== "json") {
        throw new PgError(
          SqlState.featureNotSupported,
          `EXPLAIN (FORMAT ${format.toUpperCase()}) of a service statement is not supported; use TEXT or JSON`,
        );
      }
      out.format = format;
    }
  }
  return out;
}

function isFalse(value: unknown): boolean {
  if (value === undefined) return false;
  if (value === false) return true;
  return ["false", "off", "0", "no"].includes(String(value).toLowerCase());
}

/** The one-column result: text lines, or one json value. */
export function explainResult(
  root: ExplainNode,
  format: ExplainOptions["format"],
  totals: ExplainTotals,
): string[] {
  return format === "json" ? [renderExplainJson(root, totals)] : renderExplainText(root, totals);
}

/** EXPLAIN [ANALYZE] of a cross-service plan. */
export async function explainFederated(
  ctx: FederatedContext,
  plan: QueryPlan,
  options: ExplainOptions,
  params: Value[],
  paramTypes: number[],
  planningMs: number,
): Promise<string[]> {
  if (!options.analyze) {
    return explainResult(explainTree(plan, explainEnv(ctx.catalog, params, paramTypes)), options.format, {});
  }
  const instrumentation = createInstrumentation();
  const started = performance.now();
  const { source, budget } = buildFederated(ctx, plan, params, paramTypes, instrumentation);
  try {
    for (;;) {
      if (ctx.signal.aborted)
        throw new PgError(SqlState.queryCanceled, "canceling statement due to user request");
      if ((await source.next()) === null) break;
    }
  } finally {
    await source.close();
  }
  const executionMs = performance.now() - started;
  const root = explainTree(plan, explainEnv(ctx.catalog, params, paramTypes, instrumentation));
  return explainResult(root, options.format, { planningMs, executionMs, peakMemoryBytes: budget.peak });
}

type ServiceRoute = Extract<Route, { kind: "service" }>;

/** EXPLAIN [ANALYZE] of a statement pushed whole to one service. */
export async function explainServiceStatement(
  deps: SessionDeps,
  tx: Transactions,
  signal: AbortSignal,
  route: ServiceRoute,
  statement: Node,
  options: ExplainOptions,
  params: Value[],
  paramTypes: number[],
): Promise<string[]> {
  const { connector } = deps.catalog.requireUp(route.service);
  const planned = performance.now();
  const plan = planSingleService({
    service: route.service,
    statement,
    verb: route.verb,
    write: route.write,
    resultTypes: [],
  });
  const native = compileRemote(plan, connector, compileTarget(deps.catalog, connector), params, paramTypes);
  const root: ExplainNode = {
    nodeType: "Remote Statement",
    title: `Remote Statement on service "${route.service}" (${connector.config.kind})`,
    props: [
      ["Service", route.service],
      ["Service Kind", connector.config.kind],
      ["Operation", route.verb],
      ["Pushed Down", ["the whole statement"]],
      ["Native SQL", native.text],
      ["Parameters", native.params.map((p, i) => `$${i + 1} = ${formatParam(p)}`)],
    ],
    children: [],
  };
  if (!options.analyze) return explainResult(root, options.format, {});

  const planningMs = performance.now() - planned;
  const started = performance.now();
  const stats: RemoteStats = { queries: 1, rows: 0, batches: 0, bytes: 0, timeMs: 0 };
  const runner = await tx.runner(connector, route.write, route.verb);
  const running = await runRemote(plan, native, runner, signal);
  try {
    for (;;) {
      const next = await running.batches.next();
      if (next.done) break;
      stats.rows += next.value.length;
      stats.batches++;
      for (const row of next.value) for (const v of row) stats.bytes += wireBytes(v);
    }
  } finally {
    await running.close();
  }
  stats.timeMs = performance.now() - started;
  const affected = running.affectedRows();
  if (route.write && affected !== null) root.props.push(["Affected Rows", affected]);
  root.remote = stats;
  return explainResult(root, options.format, { planningMs, executionMs: stats.timeMs });
}
