import type { Node, SelectStmt } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import { Oid } from "../common/pg-types.ts";
import { bindExpr, castTo } from "./bind-expr.ts";
import type { BoundExpr } from "./bound-expr.ts";
import type { PlanSortKey, SetOperationPlan } from "./output-plan.ts";
import type { PlanInput } from "./plan-select.ts";
import { constantContext, planTableless, planValuesLists } from "./plan-values.ts";
import type { PlanColumn, QueryPlan, RemoteScanPlan } from "./query-plan.ts";
import { readsVolatile } from "./volatile-params.ts";

/** Plans one SELECT (any kind); passed in so this module does not import plan-select's planner. */
export type PlanQuery = (stmt: SelectStmt, input: PlanInput) => QueryPlan;

/**
 * UNION / INTERSECT / EXCEPT, VALUES and SELECTs without FROM; null for an ordinary SELECT
 * with a FROM clause, which plan-select plans.
 */
export function planSetOperationOrValues(
  stmt: SelectStmt,
  input: PlanInput,
  planQuery: PlanQuery,
): QueryPlan | null {
  if (stmt.op && stmt.op !== "SETOP_NONE") return planSetOperation(stmt, input, planQuery);
  if (((stmt.valuesLists ?? []) as Node[]).length > 0) {
    return applyOrderAndLimit(planValuesLists(stmt, input), stmt, input);
  }
  if (((stmt.fromClause ?? []) as Node[]).length === 0) {
    const plan = planTableless(stmt, input);
    return plan ? applyOrderAndLimit(plan, stmt, input) : null;
  }
  return null;
}

const opNames = {
  SETOP_UNION: "union",
  SETOP_INTERSECT: "intersect",
  SETOP_EXCEPT: "except",
} as const;

function planSetOperation(stmt: SelectStmt, input: PlanInput, planQuery: PlanQuery): QueryPlan {
  if (stmt.withClause)
    throw new PgError(
      SqlState.featureNotSupported,
      "WITH on a set operation across services is not supported yet",
    );
  const op = opNames[stmt.op as keyof typeof opNames];
  const construct = op.toUpperCase();
  const left = planQuery(stmt.larg as SelectStmt, input);
  const right = planQuery(stmt.rarg as SelectStmt, input);
  if (left.columns.length !== right.columns.length)
    throw new PgError(SqlState.syntaxError, `each ${construct} query must have the same number of columns`);
  // PostgreSQL resolves each column pair like a CASE: the common type, unknown literals → text
  const columns: PlanColumn[] = left.columns.map((l, i) => {
    const r = right.columns[i];
    const same = l.oid === r.oid && l.oid !== Oid.unknown;
    const oid = same ? l.oid : input.scalars.commonType([l.oid, r.oid], construct);
    return { name: l.name, oid, typmod: same && l.typmod === r.typmod ? l.typmod : -1 };
  });
  const all = Boolean(stmt.all);
  const estimate =
    op === "union"
      ? left.estimate + right.estimate
      : op === "intersect"
        ? Math.min(left.estimate, right.estimate)
        : left.estimate;
  const whole = offerWhole(stmt, input, columns, estimate);
  if (whole) return whole;
  const plan: SetOperationPlan = {
    kind: "set-operation",
    op,
    all,
    left: coerce(left, columns, input),
    right: coerce(right, columns, input),
    columns,
    estimate,
  };
  return applyOrderAndLimit(plan, stmt, input);
}

/** Casts a branch's columns to the set operation's types (a projection, when any differs). */
function coerce(plan: QueryPlan, columns: PlanColumn[], input: PlanInput): QueryPlan {
  if (plan.columns.every((c, i) => c.oid === columns[i].oid)) return plan;
  const ctx = constantContext(input, "a set operation");
  const exprs = plan.columns.map(
    (c, i): BoundExpr =>
      castTo(
        { kind: "column", index: i, type: c.oid, typmod: c.typmod },
        columns[i].oid,
        -1,
        "implicit",
        ctx,
      ),
  );
  return {
    kind: "project",
    input: plan,
    exprs,
    columns: plan.columns.map((c, i) => ({ name: c.name, oid: columns[i].oid, typmod: columns[i].typmod })),
    estimate: plan.estimate,
  };
}

/**
 * A set operation whose tables all live in one service is offered to that service whole;
 * null when they do not, or when its compiler refuses (then it runs in memory).
 */
function offerWhole(
  stmt: SelectStmt,
  input: PlanInput,
  columns: PlanColumn[],
  estimate: number,
): RemoteScanPlan | null {
  let service: string | null = null;
  let ok = true;
  const walk = (node: unknown): void => {
    if (!ok || node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    const record = node as Record<string, any>;
    // a CTE's name would look like a table of the service
    if (record.withClause) ok = false;
    const rv = record.RangeVar;
    if (rv) {
      const s: string | null = rv.schemaname ?? input.catalog.serviceForUnqualified(rv.relname);
      if (!s || !input.catalog.isService(s) || (service !== null && s !== service)) ok = false;
      else service = s;
      return;
    }
    for (const v of Object.values(record)) walk(v);
  };
  walk(stmt);
  if (!ok || service === null || readsVolatile(stmt, input)) return null;
  const fragment = { SelectStmt: qualify(stmt, service) } as unknown as Node;
  try {
    input.catalog.compileFragment(service, fragment, input.params, input.paramTypes);
  } catch (err) {
    if (err instanceof PgError && err.code === SqlState.featureNotSupported) return null;
    throw err;
  }
  return {
    kind: "remote-scan",
    service,
    fragment,
    columns,
    estimate,
    pushed: ["whole set operation"],
    kept: [],
  };
}

/** A copy of the statement with every table qualified by its service. */
function qualify<T>(node: T, service: string): T {
  if (node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) return node.map((n) => qualify(n, service)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] = k === "RangeVar" ? { ...(v as object), schemaname: service } : qualify(v, service);
  }
  return out as T;
}

/**
 * ORDER BY / LIMIT / OFFSET over the result of a set operation or VALUES: sort keys name
 * output columns by position or name (as PostgreSQL requires there).
 */
export function applyOrderAndLimit(plan: QueryPlan, stmt: SelectStmt, input: PlanInput): QueryPlan {
  let out = plan;
  const keys: PlanSortKey[] = [];
  for (const item of (stmt.sortClause ?? []) as any[]) {
    const sortBy = item.SortBy;
    if (sortBy.useOp)
      throw new PgError(SqlState.featureNotSupported, "ORDER BY … USING is not supported yet");
    const index = outputColumn(sortBy.node as Node, out.columns);
    const c = out.columns[index];
    const descending = sortBy.sortby_dir === "SORTBY_DESC";
    const nulls = sortBy.sortby_nulls;
    keys.push({
      expr: { kind: "column", index, type: c.oid, typmod: c.typmod },
      descending,
      nullsFirst: nulls === "SORTBY_NULLS_FIRST" ? true : nulls === "SORTBY_NULLS_LAST" ? false : descending,
    });
  }
  if (keys.length > 0) {
    out = { kind: "sort", input: out, keys, limit: null, columns: out.columns, estimate: out.estimate };
  }
  if (stmt.limitOption === "LIMIT_OPTION_WITH_TIES")
    throw new PgError(SqlState.featureNotSupported, "FETCH … WITH TIES across services is not supported yet");
  if (stmt.limitCount || stmt.limitOffset) {
    const ctx = constantContext(input, "LIMIT");
    const bind = (n: Node | undefined) =>
      n ? castTo(bindExpr(n, ctx), Oid.int8, -1, "implicit", ctx) : null;
    out = {
      kind: "limit",
      input: out,
      limit: bind(stmt.limitCount as Node | undefined),
      offset: bind(stmt.limitOffset as Node | undefined),
      columns: out.columns,
      estimate: out.estimate,
    };
  }
  return out;
}

function outputColumn(node: Node, columns: PlanColumn[]): number {
  const c = (node as any).A_Const;
  if (c?.ival !== undefined) {
    const n = Number(c.ival.ival ?? 0);
    if (n < 1 || n > columns.length)
      throw new PgError(SqlState.invalidColumnReference, `ORDER BY position ${n} is not in select list`);
    return n - 1;
  }
  const ref = (node as any).ColumnRef;
  if (ref && ref.fields?.length === 1 && ref.fields[0].String) {
    const name = ref.fields[0].String.sval;
    const matches = columns.flatMap((col, i) => (col.name === name ? [i] : []));
    if (matches.length > 1) throw new PgError("42702", `ORDER BY "${name}" is ambiguous`);
    if (matches.length === 1) return matches[0];
  }
  throw new PgError(SqlState.featureNotSupported, "invalid UNION/INTERSECT/EXCEPT ORDER BY clause", {
    detail: "Only result column names can be used, not expressions or functions.",
  });
}
