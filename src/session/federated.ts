import type { Node, SelectStmt } from "@pgsql/types";
import type { Catalog } from "../catalog/catalog.ts";
import { PgError, SqlState } from "../common/pg-error.ts";
import type { TypeOid } from "../common/pg-types.ts";
import type { EncodedRow, FieldDescription } from "../common/row.ts";
import { encodeWireCell } from "../common/value-codec.ts";
import type { EncodeContext, FormatCode, Value } from "../common/values.ts";
import type { NativeQuery } from "../connectors/spi.ts";
import { buildPlan, type ScanOpener } from "../exec/build-plan.ts";
import { compileExpr } from "../exec/compile-expr.ts";
import type { Instrumentation } from "../exec/instrument.ts";
import { createMemoryBudget } from "../exec/memory-budget.ts";
import type { EvalContext, MemoryBudget, RowSource } from "../exec/row-source.ts";
import {
  commonType,
  resolveAggregate,
  resolveCast,
  resolveFunction,
  resolveOperator,
} from "../exec/scalar/index.ts";
import type { BoundExpr } from "../planner/bound-expr.ts";
import { type ExplainEnv, type ExplainStats, explainTree } from "../planner/explain.ts";
import { renderExplainText } from "../planner/explain-render.ts";
import { type PlannerCatalog, planSelect } from "../planner/plan-select.ts";
import type { QueryPlan, RemoteScanPlan } from "../planner/query-plan.ts";
import type { ScalarCatalog } from "../planner/scalar-catalog.ts";
import type { Execution } from "./execution.ts";
import { compileTarget } from "./remote.ts";
import type { RelationResolver } from "./route.ts";
import type { Transactions } from "./transactions.ts";

/** The executor's scalar library, as the planner sees it. */
export const scalarCatalog: ScalarCatalog = {
  resolveOperator,
  resolveFunction,
  resolveAggregate,
  canCast: (from, to, typmod, context) => resolveCast(from, to, typmod, context) !== null,
  commonType,
};

/** Memory one cross-service query may hold in operators (hash tables, sorts, groups), unless configured. */
export const defaultQueryMemory = 1024 * 1024 * 1024;

export function plannerCatalog(catalog: Catalog, resolver: RelationResolver): PlannerCatalog {
  return {
    isService: resolver.isService,
    serviceForUnqualified: resolver.serviceForUnqualified,
    table: (service, table) => catalog.table(service, table),
    capabilities: (service) => catalog.requireUp(service).connector.capabilities,
    compileFragment: (service, fragment, params, paramTypes) =>
      compileFragment(catalog, service, fragment, params, paramTypes),
    observedRows: (service, fragment) => catalog.observedRows.get(service, fragment),
    relationships: (service, table) => catalog.relationships.forTable(service, table),
  };
}

function compileFragment(
  catalog: Catalog,
  service: string,
  fragment: Node,
  params: Value[],
  paramTypes: number[],
): NativeQuery {
  const { connector } = catalog.requireUp(service);
  return connector.compiler.compile(fragment, compileTarget(catalog, connector), params, paramTypes);
}

export function planFederated(
  stmt: Node,
  catalog: Catalog,
  resolver: RelationResolver,
  params: Value[],
  paramTypes: number[],
): QueryPlan {
  const select = (stmt as { SelectStmt?: SelectStmt }).SelectStmt;
  if (!select) throw new PgError(SqlState.featureNotSupported, "only SELECT can combine several services");
  return planSelect(select, {
    catalog: plannerCatalog(catalog, resolver),
    scalars: scalarCatalog,
    params,
    paramTypes,
  });
}

export interface FederatedContext {
  catalog: Catalog;
  tx: Transactions;
  encode: EncodeContext;
  signal: AbortSignal;
  /** bytes the query's operators may hold (config limits.queryMemory) */
  memoryLimit?: number;
}

/** The operator tree of a plan, ready to pull; `instrumentation` counts for EXPLAIN ANALYZE. */
export function buildFederated(
  ctx: FederatedContext,
  plan: QueryPlan,
  params: Value[],
  paramTypes: number[],
  instrumentation?: Instrumentation,
): { source: RowSource; budget: MemoryBudget; evalContext: EvalContext } {
  const now = utcTimestamp(new Date());
  const evalContext: EvalContext = {
    settings: ctx.encode,
    transactionTimestamp: now,
    statementTimestamp: now,
  };
  const budget = createMemoryBudget(ctx.memoryLimit ?? defaultQueryMemory);
  const direct: ScanOpener = {
    open: (scan, extra) =>
      extra
        ? openScan(ctx, scan, [...params, ...extra.values], [...paramTypes, ...extra.types])
        : openScan(ctx, scan, params, paramTypes, (rows) =>
            ctx.catalog.observedRows.record(scan.service, scan.fragment, rows),
          ),
  };
  const scans = instrumentation ? instrumentation.opener(direct) : direct;
  const source = buildPlan(plan, {
    ctx: evalContext,
    budget,
    params,
    scans,
    instrument: instrumentation?.wrap,
    applyStats: instrumentation?.applyStats,
    signal: ctx.signal,
  });
  return { source, budget, evalContext };
}

/** Runs a cross-service plan and encodes its rows as the mirror described the result. */
export async function startFederated(
  ctx: FederatedContext,
  plan: QueryPlan,
  fields: FieldDescription[],
  formats: FormatCode[],
  params: Value[],
  paramTypes: number[],
): Promise<Execution> {
  const { source, evalContext } = buildFederated(ctx, plan, params, paramTypes);
  const casts = fields.map((f, i) =>
    outputCast(plan.columns[i]?.oid ?? f.typeOid, f.typeOid, f.typeModifier),
  );
  const oids = fields.map((f) => f.typeOid);
  return {
    fields: fields.map((f, i) => ({ ...f, format: formats[i] ?? 0 })),
    nextBatch: async () => {
      if (ctx.signal.aborted)
        throw new PgError(SqlState.queryCanceled, "canceling statement due to user request");
      const batch = await source.next();
      if (!batch) return null;
      return batch.map((row): EncodedRow => {
        const out: EncodedRow = new Array(row.length);
        for (let i = 0; i < row.length; i++) {
          const cast = casts[i];
          const v = cast && row[i] !== null ? cast(row[i], evalContext) : row[i];
          out[i] = encodeWireCell(v, oids[i], formats[i] ?? 0, ctx.encode);
        }
        return out;
      });
    },
    tag: (rows) => `SELECT ${rows}`,
    close: () => source.close(),
  };
}

function outputCast(from: TypeOid, to: TypeOid, typmod: number) {
  if (from === to) return null;
  const cast = resolveCast(from, to, typmod, "assignment") ?? resolveCast(from, to, typmod, "explicit");
  if (!cast)
    throw new PgError(SqlState.internalError, `no cast from type ${from} to ${to} for a result column`);
  return cast;
}

async function openScan(
  ctx: FederatedContext,
  scan: RemoteScanPlan,
  params: Value[],
  paramTypes: number[],
  /** called with the row count when the scan is read to the end (not when closed early) */
  onComplete?: (rows: number) => void,
): Promise<RowSource> {
  const { connector } = ctx.catalog.requireUp(scan.service);
  const native = compileFragment(ctx.catalog, scan.service, scan.fragment, params, paramTypes);
  const runner = await ctx.tx.runner(connector, false, "SELECT");
  const result = await runner.run(native, {
    signal: ctx.signal,
    resultTypes: scan.columns.map((c) => ({ oid: c.oid, typmod: c.typmod, sql: "" })),
  });
  const batches = result.batches[Symbol.asyncIterator]();
  let rows = 0;
  return {
    async next() {
      for (;;) {
        const r = await batches.next();
        if (r.done) {
          onComplete?.(rows);
          onComplete = undefined;
          return null;
        }
        rows += r.value.length;
        if (r.value.length > 0) return r.value;
      }
    },
    close: () => result.close(),
  };
}

/** EXPLAIN of a cross-service plan: the operator tree, each source's native SQL, and what stayed in memory. */
export function explainPlan(
  plan: QueryPlan,
  catalog: Catalog,
  params: Value[],
  paramTypes: number[],
): string[] {
  return renderExplainText(explainTree(plan, explainEnv(catalog, params, paramTypes)));
}

/** What the plan renderer needs from the catalog: each service's compiler and kind. */
export function explainEnv(
  catalog: Catalog,
  params: Value[],
  paramTypes: number[],
  stats?: ExplainStats,
): ExplainEnv {
  return {
    compile: (service, fragment, p, types) => compileFragment(catalog, service, fragment, p, types),
    serviceKind: (service) => catalog.service(service)?.config.kind ?? "?",
    params,
    paramTypes,
    stats,
  };
}

function utcTimestamp(d: Date): string {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000+00`;
}

export type { BoundExpr };
export { compileExpr };
