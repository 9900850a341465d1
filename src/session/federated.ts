import type { Node, SelectStmt } from "@pgsql/types";
import type { Catalog } from "../catalog/catalog.ts";
import { PgError, SqlState } from "../common/pg-error.ts";
import { arrayOf, type TypeOid } from "../common/pg-types.ts";
import type { EncodedRow, FieldDescription } from "../common/row.ts";
import { encodeWireCell } from "../common/value-codec.ts";
import type { EncodeContext, FormatCode, Value } from "../common/values.ts";
import type { NativeQuery } from "../connectors/spi.ts";
import { buildPlan, type ScanOpener } from "../exec/build-plan.ts";
import { compileExpr } from "../exec/compile-expr.ts";
import { createMemoryBudget } from "../exec/memory-budget.ts";
import type { EvalContext, RowSource } from "../exec/row-source.ts";
import {
  commonType,
  resolveAggregate,
  resolveCast,
  resolveFunction,
  resolveOperator,
} from "../exec/scalar/index.ts";
import type { BoundExpr } from "../planner/bound-expr.ts";
import { withKeyFilter } from "../planner/fragment-key-filter.ts";
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

/** Memory one cross-service query may hold in operators (hash tables, sorts, groups). */
const queryMemoryLimit = 1024 * 1024 * 1024;

export function plannerCatalog(catalog: Catalog, resolver: RelationResolver): PlannerCatalog {
  return {
    isService: resolver.isService,
    serviceForUnqualified: resolver.serviceForUnqualified,
    table: (service, table) => catalog.table(service, table),
    capabilities: (service) => catalog.requireUp(service).connector.capabilities,
    compileFragment: (service, fragment, params, paramTypes) =>
      compileFragment(catalog, service, fragment, params, paramTypes),
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
  const now = utcTimestamp(new Date());
  const evalContext: EvalContext = {
    settings: ctx.encode,
    transactionTimestamp: now,
    statementTimestamp: now,
  };
  const budget = createMemoryBudget(queryMemoryLimit);
  const scans: ScanOpener = {
    open: (scan, extra) =>
      openScan(
        ctx,
        scan,
        extra ? [...params, ...extra.values] : params,
        extra ? [...paramTypes, ...extra.types] : paramTypes,
      ),
  };
  const source = buildPlan(plan, { ctx: evalContext, budget, params, scans });
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
): Promise<RowSource> {
  const { connector } = ctx.catalog.requireUp(scan.service);
  const native = compileFragment(ctx.catalog, scan.service, scan.fragment, params, paramTypes);
  const runner = await ctx.tx.runner(connector, false, "SELECT");
  const result = await runner.run(native, {
    signal: ctx.signal,
    resultTypes: scan.columns.map((c) => ({ oid: c.oid, typmod: c.typmod, sql: "" })),
  });
  const batches = result.batches[Symbol.asyncIterator]();
  return {
    async next() {
      for (;;) {
        const r = await batches.next();
        if (r.done) return null;
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
  const lines: string[] = [];
  const walk = (p: QueryPlan, depth: number) => {
    const pad = "  ".repeat(depth);
    const head = depth === 0 ? "" : "->  ";
    switch (p.kind) {
      case "remote-scan": {
        const native = compileFragment(catalog, p.service, p.fragment, params, paramTypes);
        const kind = catalog.service(p.service)?.config.kind ?? "?";
        lines.push(`${pad}${head}Remote Scan on service "${p.service}" (${kind})  (rows≈${p.estimate})`);
        lines.push(`${pad}      Native SQL: ${native.text}`);
        for (const why of p.kept) lines.push(`${pad}      Kept in memory: ${why}`);
        return;
      }
      case "hash-join":
        lines.push(
          `${pad}${head}Hash ${cap(p.joinType)} Join  (build ${p.build}, ${p.leftKeys.length} key${p.leftKeys.length > 1 ? "s" : ""})`,
        );
        if (p.residual) lines.push(`${pad}      Join Filter: in memory`);
        walk(p.left, depth + 1);
        walk(p.right, depth + 1);
        return;
      case "bind-join": {
        const kind = catalog.service(p.inner.service)?.config.kind ?? "?";
        lines.push(
          `${pad}${head}Bind ${cap(p.joinType)} Join  (keys from the ${p.outerSide} side to service "${p.inner.service}" (${kind}) in batches of ${p.batchSize}, ${p.concurrency} in flight; hash join past ${p.switchAt} outer rows)`,
        );
        const outer = p.outerSide === "left" ? p.left : p.right;
        walk(outer, depth + 1);
        const keyed = withKeyFilter(p.inner.fragment, p.innerKeyAlias, p.innerKeyColumn, params.length + 1);
        const native = compileFragment(
          catalog,
          p.inner.service,
          keyed,
          [...params, [null]],
          [...paramTypes, arrayOf(p.keyType)],
        );
        lines.push(`${pad}  ->  Remote Scan on service "${p.inner.service}" (${kind}) per batch of keys`);
        lines.push(`${pad}        Native SQL: ${native.text}`);
        for (const why of p.inner.kept) lines.push(`${pad}        Kept in memory: ${why}`);
        return;
      }
      case "nested-loop":
        lines.push(`${pad}${head}Nested Loop ${cap(p.joinType)} Join`);
        walk(p.left, depth + 1);
        walk(p.right, depth + 1);
        return;
      case "aggregate":
        lines.push(
          `${pad}${head}Hash Aggregate  (${p.groupKeys.length} group keys, ${p.aggregates.length} aggregates)`,
        );
        break;
      case "filter":
        lines.push(`${pad}${head}Filter (in memory)`);
        break;
      case "project":
        lines.push(`${pad}${head}Project`);
        break;
      case "sort":
        lines.push(`${pad}${head}Sort  (${p.keys.length} keys)`);
        break;
      case "limit":
        lines.push(`${pad}${head}Limit`);
        break;
      case "distinct":
        lines.push(`${pad}${head}Distinct`);
        break;
      case "window":
        lines.push(
          `${pad}${head}WindowAgg  (${p.functions.map((f) => f.name).join(", ")}; ${p.partitionBy.length} partition keys, ${p.orderBy.length} order keys)`,
        );
        break;
      case "distinct-on":
        lines.push(`${pad}${head}Distinct On  (${p.on.length} keys)`);
        break;
      case "set-operation":
        lines.push(`${pad}${head}${cap(p.op)}${p.all ? " All" : ""} (in memory)`);
        walk(p.left, depth + 1);
        walk(p.right, depth + 1);
        return;
      case "values":
        lines.push(`${pad}${head}Values Scan  (${p.rows.length} rows)`);
        return;
      case "init-params":
        // the computed parameters get NULL placeholders: EXPLAIN does not run the subqueries
        params = [...params, ...new Array(Math.max(0, p.paramTypes.length - params.length)).fill(null)];
        paramTypes = [...p.paramTypes];
        for (const init of p.inits) {
          lines.push(`${pad}${head}InitPlan $${init.index + 1} (${init.mode} subquery, run once first)`);
          walk(init.plan, depth + 2);
        }
        break;
    }
    walk(p.input, depth + 1);
  };
  walk(plan, 0);
  return lines;
}

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

function utcTimestamp(d: Date): string {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000+00`;
}

export type { BoundExpr };
export { compileExpr };
