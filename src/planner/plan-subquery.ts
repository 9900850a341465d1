import type { Node, SelectStmt } from "@pgsql/types";
import { PgError } from "../common/pg-error.ts";
import { arrayOf } from "../common/pg-types.ts";
import type { SourceTable } from "../connectors/spi.ts";
import {
  and,
  columnRef,
  columnRefOfFields,
  columnRefs,
  conjuncts,
  containsSubLink,
  intConst,
  opExpr,
  operatorName,
  rangeVar,
  refFields,
  resTarget,
  selectStmt,
  str,
  subqueryAlias,
} from "./ast-nodes.ts";
import { bindExpr, castTo } from "./bind-expr.ts";
import { chooseBindSemiJoin } from "./bind-semi-choice.ts";
import { type BoundExpr, boolOid, boundAnd, columnsOf } from "./bound-expr.ts";
import type { PlanInput } from "./plan-select.ts";
import type { InitParam, PlanColumn, QueryPlan } from "./query-plan.ts";
import { shift } from "./remap.ts";
import { notSupported } from "./subquery-correlation.ts";
import { joinSubLink, subLinkJoinRefusal } from "./subquery-join-shape.ts";
import {
  derivedColumnNames,
  freeRefs,
  fromScope,
  resolvesIn,
  type ScopeItem,
  servicesIn,
} from "./subquery-scope.ts";
import { subqueryView } from "./view-table.ts";
import { readsVolatile, volatileReason } from "./volatile-params.ts";

export type PlanSelectFn = (stmt: SelectStmt, input: PlanInput) => QueryPlan;

// ---------------------------------------------------------------- parameters shared by nested plans

const sharedInputs = new WeakSet<PlanInput>();
const clientParamCounts = new WeakMap<PlanInput, number>();

/**
 * Gives a statement's planning one parameter list that nested plans extend: an uncorrelated
 * scalar subquery becomes a parameter whose value an init plan computes before the query
 * runs, and every nesting level must get its own indexes. Plan-time values are NULL
 * placeholders (fragments are only compiled to see whether the source accepts them).
 */
export function shareParams(input: PlanInput): PlanInput {
  if (sharedInputs.has(input)) return input;
  const count = Math.max(input.params.length, input.paramTypes.length);
  const params = [...input.params];
  const paramTypes = [...input.paramTypes];
  while (params.length < count) params.push(null);
  while (paramTypes.length < count) paramTypes.push(0);
  const shared = { ...input, params, paramTypes };
  sharedInputs.add(shared);
  clientParamCounts.set(shared, count);
  return shared;
}

/** How many parameters the client sent (the computed ones come after them). */
export function clientParamCount(input: PlanInput): number {
  return clientParamCounts.get(input) ?? input.params.length;
}

/**
 * The input for planning an apply's subquery: the same parameter list, with `outer` (the
 * parameters standing for the outer query's columns) added to the volatile ones.
 */
export function subplanInput(input: PlanInput, outer: readonly number[]): PlanInput {
  const shared = shareParams(input);
  const sub: PlanInput = {
    ...shared,
    volatileParams: new Set([...(shared.volatileParams ?? []), ...outer]),
  };
  sharedInputs.add(sub);
  clientParamCounts.set(sub, clientParamCount(shared));
  return sub;
}

// ---------------------------------------------------------------- derived tables (subqueries in FROM)

export interface DerivedSource {
  plan: QueryPlan;
  subquery: Node;
  /** the one service every table of the subquery lives in, when there is one */
  service: string | null;
  names: string[];
}

export interface DerivedScanParts {
  service: string;
  table: SourceTable;
  alias: string;
  derived: DerivedSource;
}

/** Plans a FROM subquery recursively and describes it as a table the outer query can scan. */
export function derivedScan(body: any, input: PlanInput, planSelect: PlanSelectFn): DerivedScanParts {
  const select = body.subquery.SelectStmt as SelectStmt;
  // decorrelateLateral has turned every LATERAL subquery it could into a plain one
  if (body.lateral) throw notSupported("a LATERAL subquery that could not be decorrelated");
  if (freeRefs(select, input.catalog).length > 0)
    throw notSupported("a subquery in FROM correlated with an enclosing query");
  const plan = planSelect(select, input);
  const names = derivedColumnNames(body, input.catalog);
  const services = servicesIn(select, input.catalog);
  const service = services.size === 1 ? [...services][0] : null;
  const alias = subqueryAlias(body);
  return {
    service: service ?? "",
    table: subqueryView(alias, plan, names),
    alias,
    derived: { plan, subquery: body.subquery as Node, service, names },
  };
}

interface DerivedScanLike {
  alias: string;
  table: SourceTable;
  offered: Node[];
  keptInMemory: Node[];
  derived?: DerivedSource;
}

/**
 * The plan of a derived table, returning the columns `cols`. A subquery over one service is
 * offered whole to it (with the outer predicates on it); otherwise, or when the service
 * refuses, the recursive plan runs and the predicates stay in memory above it.
 */
export function planDerivedScan(scan: DerivedScanLike, cols: number[], input: PlanInput): QueryPlan {
  const d = scan.derived!;
  const columns: PlanColumn[] = cols.map((i) => ({
    name: d.names[i] ?? d.plan.columns[i].name,
    oid: d.plan.columns[i].oid,
    typmod: d.plan.columns[i].typmod,
  }));
  if (
    d.service !== null &&
    new Set(d.names).size === d.names.length &&
    // a subquery reading the outer row of an apply runs in memory over scans that do not
    !readsVolatile(d.subquery, input)
  ) {
    const fragment = (where: Node[]): Node =>
      ({
        SelectStmt: selectStmt({
          targetList: cols.map((i) => resTarget(columnRef([scan.alias, d.names[i]]))),
          fromClause: [
            {
              RangeSubselect: {
                subquery: d.subquery,
                alias: { aliasname: scan.alias, colnames: d.names.map(str) },
              },
            },
          ],
          whereClause: and(where),
        }),
      }) as unknown as Node;
    const accepts = (where: Node[]): boolean => {
      try {
        input.catalog.compileFragment(d.service!, fragment(where), input.params, input.paramTypes);
        return true;
      } catch (err) {
        if (err instanceof PgError) return false;
        throw err;
      }
    };
    if (accepts([])) {
      const accepted: Node[] = [];
      const kept: string[] = [];
      for (const c of scan.offered) {
        if (readsVolatile(c, input)) {
          kept.push(volatileReason);
          scan.keptInMemory.push(c);
        } else if (accepts([...accepted, c])) accepted.push(c);
        else {
          kept.push("a predicate on a subquery the service refused");
          scan.keptInMemory.push(c);
        }
      }
      return {
        kind: "remote-scan",
        service: d.service,
        fragment: fragment(accepted),
        columns,
        estimate: Math.max(1, Math.round(d.plan.estimate / 4 ** accepted.length)),
        pushed: ["subquery", ...accepted.map(() => "filter")],
        kept,
      };
    }
  }
  scan.keptInMemory.push(...scan.offered);
  return {
    kind: "project",
    input: d.plan,
    exprs: cols.map(
      (i): BoundExpr => ({
        kind: "column",
        index: i,
        type: d.plan.columns[i].oid,
        typmod: d.plan.columns[i].typmod,
      }),
    ),
    columns,
    estimate: d.plan.estimate,
  };
}

// ---------------------------------------------------------------- scalar subqueries → init plans

export interface PreparedSubqueries {
  stmt: SelectStmt;
  /** top-level WHERE conjuncts that become semi or anti joins (or go whole to one scan) */
  joinConjuncts: Node[];
  inits: InitParam[];
}

/**
 * Turns every uncorrelated subquery outside the FROM clause (scalar, EXISTS, IN / op ANY /
 * op ALL, ARRAY) into a parameter computed once before the query runs, and sets aside the
 * top-level WHERE conjuncts that are [NOT] EXISTS / [NOT] IN subqueries for `planSubLinkJoin`.
 * Correlated subqueries elsewhere were rewritten into joins before (subquery-decorrelate.ts);
 * any left is refused with 0A000.
 */
export function prepareSubqueries(
  stmt: SelectStmt,
  input: PlanInput,
  planSelect: PlanSelectFn,
): PreparedSubqueries {
  const inits: InitParam[] = [];
  if (!containsSubLink(stmt)) return { stmt, joinConjuncts: [], inits };
  const hoist = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(hoist);
    if (node === null || typeof node !== "object") return node;
    const rec = node as Record<string, any>;
    if (rec.SubLink) return hoistSubLink(rec.SubLink, input, planSelect, inits, hoist);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rec)) out[k] = hoist(v);
    return out;
  };
  const joinConjuncts: Node[] = [];
  const where: Node[] = [];
  for (const c of conjuncts(stmt.whereClause)) {
    if (joinSubLink(c)) joinConjuncts.push(c);
    else where.push(hoist(c) as Node);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stmt)) {
    if (key === "whereClause") continue;
    if (key === "fromClause") out[key] = (value as Node[]).map(hoistJoinQuals(hoist));
    else out[key] = hoist(value);
  }
  const all = and([...where, ...joinConjuncts]);
  if (all) out.whereClause = all;
  return { stmt: out as SelectStmt, joinConjuncts, inits };
}

/** Wraps a plan in the init plans its scalar subqueries need (none: the plan itself). */
export function withInitParams(plan: QueryPlan, inits: InitParam[], input: PlanInput): QueryPlan {
  if (inits.length === 0) return plan;
  return {
    kind: "init-params",
    input: plan,
    inits,
    // the shared list: nested plans may still add theirs until planning ends
    paramTypes: input.paramTypes,
    clientParams: clientParamCounts.get(input) ?? 0,
    columns: plan.columns,
    estimate: plan.estimate,
  };
}

function hoistJoinQuals(hoist: (n: unknown) => unknown): (item: Node) => Node {
  const walk = (item: Node): Node => {
    const j = (item as any).JoinExpr;
    if (!j) return item;
    return { JoinExpr: { ...j, larg: walk(j.larg), rarg: walk(j.rarg), quals: hoist(j.quals) } } as Node;
  };
  return walk;
}

/**
 * An uncorrelated subquery as the parameter its init plan computes: the value of a scalar
 * subquery, whether an EXISTS finds a row, or for `x [NOT] IN (…)`, `x op ANY/ALL (…)` and
 * ARRAY(…) the array of its rows' values — `x op ANY ($n)` has IN's NULL semantics exactly.
 */
function hoistSubLink(
  link: any,
  input: PlanInput,
  planSelect: PlanSelectFn,
  inits: InitParam[],
  hoist: (node: unknown) => unknown,
): Node {
  const select = link.subselect.SelectStmt as SelectStmt;
  const type = String(link.subLinkType);
  if (freeRefs(select, input.catalog).length > 0) {
    // decorrelateSubqueries has rewritten every correlated subquery it could
    throw notSupported("a correlated subquery of this form");
  }
  const array = type === "ANY_SUBLINK" || type === "ALL_SUBLINK" || type === "ARRAY_SUBLINK";
  if (type !== "EXPR_SUBLINK" && type !== "EXISTS_SUBLINK" && !array) {
    throw notSupported(`${type.replace("_SUBLINK", "")} (subquery) here`);
  }
  if (link.testexpr?.RowExpr) {
    throw notSupported("a row comparison (…) IN (subquery) outside the top-level AND conditions of WHERE");
  }
  const plan = planSelect(select, input);
  const index = input.params.length;
  const column = plan.columns[0]?.oid ?? 0;
  const oid = type === "EXISTS_SUBLINK" ? boolOid : array ? arrayOf(column) : column;
  if (array && oid === 0)
    throw notSupported(`a subquery over values of type ${column} compared with ANY/ALL`);
  input.params.push(null);
  input.paramTypes.push(oid);
  // computed from the outer row of an apply, it is as volatile as the parameters it reads
  if (readsVolatile(select, input)) input.volatileParams?.add(index);
  inits.push({ plan, index, mode: type === "EXISTS_SUBLINK" ? "exists" : array ? "array" : "scalar", oid });
  const param = { ParamRef: { number: index + 1 } } as unknown as Node;
  if (type === "ARRAY_SUBLINK" || !array) return param;
  const operName = link.operName ?? [str("=")];
  return {
    A_Expr: {
      kind: type === "ALL_SUBLINK" ? "AEXPR_OP_ALL" : "AEXPR_OP_ANY",
      name: operName,
      lexpr: hoist(link.testexpr),
      rexpr: param,
    },
  } as unknown as Node;
}

// ---------------------------------------------------------------- [NOT] EXISTS / [NOT] IN → semi/anti joins

export interface ScanScope {
  alias: string;
  table: SourceTable;
  service: string;
  nullable: boolean;
  derived?: unknown;
}

/** Column references of a join conjunct that belong to the outer query (to keep them in its row). */
export function outerColumnRefs(conjunct: Node, input: PlanInput): Node[] {
  const { link } = joinSubLink(conjunct)!;
  return [
    ...columnRefs(link.testexpr, { stars: true, subqueries: false }),
    ...freeRefs(link.subselect.SelectStmt, input.catalog),
  ];
}

/**
 * The scan a join conjunct can go to whole: every table of the subquery and every outer
 * column it reads belong to that one scan's service, and the service accepts it.
 */
export function scanForSubLink<S extends ScanScope>(conjunct: Node, scans: S[], input: PlanInput): S | null {
  const { link } = joinSubLink(conjunct)!;
  const services = servicesIn(link.subselect, input.catalog);
  if (services.size !== 1 || readsVolatile(conjunct, input)) return null;
  const owners = new Set<S>();
  for (const ref of outerColumnRefs(conjunct, input)) {
    const s = scanOfRef(refFields((ref as any).ColumnRef), scans);
    if (!s) return null;
    owners.add(s);
  }
  if (owners.size !== 1) return null;
  const scan = [...owners][0];
  if (scan.derived || scan.nullable || !services.has(scan.service)) return null;
  const probe = {
    SelectStmt: selectStmt({
      targetList: [resTarget(intConst(1))],
      fromClause: [rangeVar(scan.service, scan.table.name, scan.alias)],
      whereClause: conjunct,
    }),
  } as unknown as Node;
  try {
    input.catalog.compileFragment(scan.service, probe, input.params, input.paramTypes);
    return scan;
  } catch (err) {
    if (err instanceof PgError) return null;
    throw err;
  }
}

function scanOfRef<S extends ScanScope>(fields: string[], scans: S[]): S | null {
  const column = fields[fields.length - 1];
  if (fields.length >= 2) return scans.find((s) => s.alias === fields[fields.length - 2]) ?? null;
  return scans.find((s) => s.table.columns.some((c) => c.name === column)) ?? null;
}

export interface SubLinkJoinContext {
  input: PlanInput;
  planSelect: PlanSelectFn;
  /** binds an outer-query expression into the row of `plan` */
  bindOuter: (node: Node) => BoundExpr;
}

/**
 * Joins the outer plan with a [NOT] EXISTS / [NOT] IN subquery: the subquery is planned on
 * its own with the correlation (equalities between its tables and the outer query's, in its
 * WHERE) taken out and returned as columns, which become hash keys of a semi or anti join.
 * NOT IN keeps its NULL semantics: a null-aware anti join, or a nested loop over
 * `(l = r) IS NOT FALSE` when the comparison is not a plain equality. When one side is
 * expected much smaller, the join is a bind join instead (bind-semi-choice.ts).
 */
export function planSubLinkJoin(plan: QueryPlan, conjunct: Node, ctx: SubLinkJoinContext): QueryPlan {
  const { link, negated } = joinSubLink(conjunct)!;
  const exists = link.subLinkType === "EXISTS_SUBLINK";
  const op = exists ? "=" : operatorName(link.operName);
  let select = link.subselect.SelectStmt as SelectStmt;
  const catalog = ctx.input.catalog;
  const correlated = freeRefs(select, catalog).length > 0;
  const scope = correlated ? fromScope(select.fromClause as Node[], catalog) : [];

  // the correlated conjuncts of the subquery's WHERE leave it; the inner columns they read are returned
  const correlation: Node[] = [];
  const extraTargets: Node[] = [];
  const extraIndex = new Map<string, number>();
  if (correlated) {
    // the planner sends the conjuncts refused here to the rewrites or to an apply instead
    const refusal = subLinkJoinRefusal(conjunct, catalog);
    if (refusal) throw notSupported(refusal);
    const inner: Node[] = [];
    for (const c of conjuncts(select.whereClause)) {
      const refs = columnRefs(c, { stars: true, subqueries: false });
      const outer = refs.filter((r) => !resolvesIn(scope, refFields((r as any).ColumnRef)));
      if (outer.length === 0) {
        inner.push(c);
        continue;
      }
      correlation.push(c);
      for (const r of refs) {
        const fields = refFields((r as any).ColumnRef);
        if (!resolvesIn(scope, fields)) continue;
        const key = fields.join(".");
        if (!extraIndex.has(key)) {
          extraIndex.set(key, extraTargets.length);
          extraTargets.push(resTarget(r));
        }
      }
    }
    const own = exists ? [] : ((select.targetList ?? []) as Node[]);
    select = {
      ...select,
      targetList: [...own, ...extraTargets],
      whereClause: and(inner),
      sortClause: undefined,
      distinctClause: undefined,
    } as SelectStmt;
    if (select.targetList!.length === 0) select.targetList = [resTarget(intConst(1))];
  }
  const right = ctx.planSelect(select, ctx.input);
  const width = plan.columns.length;
  const ownCount = exists ? 0 : right.columns.length - extraTargets.length;
  const subColumn = (i: number): BoundExpr => ({
    kind: "column",
    index: width + i,
    type: right.columns[i].oid,
    typmod: right.columns[i].typmod,
  });
  const bind = (node: Node): BoundExpr =>
    castTo(
      bindExpr(node, {
        scalars: ctx.input.scalars,
        paramTypes: ctx.input.paramTypes,
        columns: (fields) => {
          if (fields[0] === syntheticRef) return subColumn(Number(fields[1]));
          if (correlated && resolvesIn(scope, fields))
            return subColumn(ownCount + extraIndex.get(fields.join("."))!);
          return ctx.bindOuter(columnRefOfFields(fields));
        },
      }),
      boolOid,
      -1,
      "implicit",
      { scalars: ctx.input.scalars, paramTypes: ctx.input.paramTypes, columns: () => null as never },
    );

  const comparisons: BoundExpr[] = [];
  if (!exists) {
    const tests: Node[] = link.testexpr.RowExpr ? link.testexpr.RowExpr.args : [link.testexpr];
    if (tests.length !== ownCount) throw notSupported("a row comparison with a subquery of another width");
    tests.forEach((t, i) => {
      comparisons.push(bind(opExpr(op, t, columnRef([syntheticRef, String(i)]))));
    });
  }
  const conditions = [...comparisons, ...correlation.map(bind)];
  const keys = conditions.map((c) => hashKey(c, width));
  const estimate = Math.max(1, Math.round(plan.estimate / 2));

  const bound = (joinType: "semi" | "anti", nullAware: boolean) =>
    chooseBindSemiJoin({ left: plan, right, joinType, nullAware, conditions, keys, estimate }, ctx.input);
  if (negated && !exists && correlated) {
    // NOT IN over the rows the correlation selects: a left row goes when one of them compares
    // true or unknown (its comparison IS NOT FALSE); a NULL correlation key selects none
    const notFalse: BoundExpr = {
      kind: "is-bool",
      arg: boundAnd(comparisons),
      test: "false",
      negated: true,
      type: boolOid,
      typmod: -1,
    };
    const all = [...correlation.map(bind), notFalse];
    const allKeys = all.map((c) => hashKey(c, width));
    const hashKeys = allKeys.filter((k): k is HashKey => k !== null);
    const residual = boundAnd(all.filter((_, i) => allKeys[i] === null));
    if (hashKeys.length > 0) {
      return (
        chooseBindSemiJoin(
          { left: plan, right, joinType: "anti", nullAware: false, conditions: all, keys: allKeys, estimate },
          ctx.input,
        ) ?? hashJoin(plan, right, "anti", hashKeys, residual, false, estimate)
      );
    }
    return nestedLoop(plan, right, "anti", residual, estimate);
  }
  if (negated && !exists) {
    // NOT IN: a left row stays only when every comparison with every right row is false
    if (keys.every((k) => k !== null)) {
      return bound("anti", true) ?? hashJoin(plan, right, "anti", keys as HashKey[], null, true, estimate);
    }
    const all = boundAnd(comparisons);
    return nestedLoop(
      plan,
      right,
      "anti",
      {
        kind: "is-bool",
        arg: all,
        test: "false",
        negated: true,
        type: boolOid,
        typmod: -1,
      },
      estimate,
    );
  }
  const type = negated ? "anti" : "semi";
  const hashKeys = keys.filter((k): k is HashKey => k !== null);
  const residual = conditions.filter((_, i) => keys[i] === null);
  if (hashKeys.length > 0) {
    return (
      bound(type, false) ??
      hashJoin(plan, right, type, hashKeys, residual.length ? boundAnd(residual) : null, false, estimate)
    );
  }
  return nestedLoop(plan, right, type, residual.length ? boundAnd(residual) : null, estimate);
}

const syntheticRef = "\u0000subquery";

interface HashKey {
  left: BoundExpr;
  right: BoundExpr;
  type: number;
}

/** `l = r` with l over the outer row only and r over the subquery's row only. */
function hashKey(expr: BoundExpr, width: number): HashKey | null {
  if (expr.kind !== "call" || expr.fn.name !== "=" || expr.args.length !== 2) return null;
  const [a, b] = expr.args;
  if (a.type !== b.type) return null;
  const side = (e: BoundExpr): "outer" | "inner" | null => {
    const cols = [...columnsOf(e)];
    if (cols.length === 0) return null;
    if (cols.every((c) => c < width)) return "outer";
    if (cols.every((c) => c >= width)) return "inner";
    return null;
  };
  const sa = side(a);
  const sb = side(b);
  if (sa === "outer" && sb === "inner") return { left: a, right: shift(b, -width), type: a.type };
  if (sa === "inner" && sb === "outer") return { left: b, right: shift(a, -width), type: a.type };
  return null;
}

function hashJoin(
  left: QueryPlan,
  right: QueryPlan,
  joinType: "semi" | "anti",
  keys: HashKey[],
  residual: BoundExpr | null,
  nullAware: boolean,
  estimate: number,
): QueryPlan {
  return {
    kind: "hash-join",
    joinType,
    build: "right",
    left,
    right,
    leftKeys: keys.map((k) => k.left),
    rightKeys: keys.map((k) => k.right),
    keyTypes: keys.map((k) => k.type),
    residual,
    nullAware,
    columns: left.columns,
    estimate,
  };
}

function nestedLoop(
  left: QueryPlan,
  right: QueryPlan,
  joinType: "semi" | "anti",
  condition: BoundExpr | null,
  estimate: number,
): QueryPlan {
  return { kind: "nested-loop", joinType, left, right, condition, columns: left.columns, estimate };
}

export type { ScopeItem };
