/**
 * What decides a bind join, shared by inner/outer joins and by semi/anti joins: whether a
 * side can take a key set (a remote scan of one plain table, keyed on one of its columns),
 * whether sending keys beats scanning it, and the batch settings of its service.
 */
import type { BoundExpr } from "./bound-expr.ts";
import type { PlanInput } from "./plan-select.ts";
import type { QueryPlan, RemoteScanPlan } from "./query-plan.ts";

/** The inner side of a bind join and where its key is. */
export interface KeyedScan {
  /** the scan whose fragment gets `alias.column = ANY($n)`; its columns are those of the side */
  scan: RemoteScanPlan;
  alias: string;
  column: string;
  /** the key's index in the scan's columns */
  index: number;
}

/**
 * The side `plan` as a scan that can take a key predicate on `key` (a column of `plan`): a
 * remote scan of one plain table, or a projection of some of its columns (a subquery's
 * select list), which becomes a scan of just those columns. Anything whose rows would change
 * with a narrower WHERE (LIMIT, grouping, DISTINCT, computed columns) cannot.
 */
export function keyedScan(plan: QueryPlan, joinKey: BoundExpr): KeyedScan | null {
  const key = withoutNoOpCast(joinKey);
  if (key.kind !== "column") return null;
  let scan: RemoteScanPlan;
  if (plan.kind === "remote-scan") scan = plan;
  else if (
    plan.kind === "project" &&
    plan.input.kind === "remote-scan" &&
    plan.exprs.every((e) => e.kind === "column")
  ) {
    const base = plan.input;
    const targets = (base.fragment as any).SelectStmt?.targetList as unknown[] | undefined;
    if (!targets || !plainScan(base)) return null;
    const picked = plan.exprs.map((e) => targets[(e as { index: number }).index]);
    if (picked.some((t) => t === undefined)) return null;
    scan = {
      ...base,
      fragment: { SelectStmt: { ...(base.fragment as any).SelectStmt, targetList: picked } } as any,
      columns: plan.columns,
    };
  } else return null;
  if (!plainScan(scan)) return null;
  const target = (scan.fragment as any).SelectStmt.targetList?.[key.index]?.ResTarget?.val?.ColumnRef?.fields;
  if (target?.length !== 2 || !target[0].String || !target[1].String) return null;
  return { scan, alias: target[0].String.sval, column: target[1].String.sval, index: key.index };
}

const varcharOid = 1043;
const textOid = 25;

/**
 * varchar compared as text (what `varchar = varchar` and `varchar = text` bind to): the values
 * are the same strings, so the column itself can take the key predicate.
 */
function withoutNoOpCast(key: BoundExpr): BoundExpr {
  if (key.kind === "cast" && key.type === textOid && key.arg.kind === "column" && key.arg.type === varcharOid)
    return key.arg;
  return key;
}

/** One table, plain column references, and nothing that a key predicate would change. */
function plainScan(scan: RemoteScanPlan): boolean {
  const select = (scan.fragment as any).SelectStmt;
  if (!select || (select.op && select.op !== "SETOP_NONE")) return false;
  const from = select.fromClause ?? [];
  if (from.length !== 1 || !from[0].RangeVar) return false;
  if (select.limitCount || select.limitOffset || select.distinctClause?.length) return false;
  if (select.groupClause?.length || select.havingClause || select.windowClause?.length) return false;
  return ((select.targetList ?? []) as any[]).every((t) => t?.ResTarget?.val?.ColumnRef);
}

/** Sending keys pays when the side sending them is expected at most a quarter of the other. */
export function worthBinding(outerEstimate: number, innerEstimate: number): boolean {
  return outerEstimate * 4 <= innerEstimate;
}

/**
 * Keys per batch (the service's batch size within its placeholder limit), batches in
 * flight, and the outer rows past which one scan of the inner side and a hash join win.
 */
export function bindSettings(
  inner: RemoteScanPlan,
  input: PlanInput,
): { batchSize: number; concurrency: number; switchAt: number } {
  const caps = input.catalog.capabilities(inner.service);
  return {
    batchSize: Math.max(1, Math.min(caps.bindBatchSize, caps.maxParams - input.params.length - 1)),
    concurrency: Math.max(1, caps.maxConcurrency),
    switchAt: Math.max(1000, Math.min(200_000, Math.floor(inner.estimate / 4))),
  };
}

/** Whether the key column of a keyed scan may hold NULL (unknown: yes). */
export function keyNullable(keyed: KeyedScan, input: PlanInput): boolean {
  const range = (keyed.scan.fragment as any).SelectStmt.fromClause[0].RangeVar;
  const table = input.catalog.table(keyed.scan.service, String(range.relname));
  const column = table?.columns.find((c) => c.name === keyed.column);
  return column?.nullable ?? true;
}
