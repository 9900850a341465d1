import type { Node, SelectStmt } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import { arrayOf, type TypeOid } from "../common/pg-types.ts";
import type { SourceTable } from "../connectors/spi.ts";
import { hasCorrelatedSubLink, refuseInOuterJoinConditions } from "./apply-join-on.ts";
import { planParameterized } from "./apply-subquery.ts";
import {
  andAll,
  astKey,
  columnRef,
  columnRefs,
  conjuncts,
  containsAggregate,
  containsSubLink,
  funcName,
  isAggregateCall,
  opExpr,
  operatorName,
  selectListExpr,
} from "./ast-nodes.ts";
import { type BindContext, bindExpr, castTo } from "./bind-expr.ts";
import { type BoundExpr, boolOid } from "./bound-expr.ts";
import type { PlanInput } from "./plan-select.ts";
import { clientParamCount, type PlanSelectFn } from "./plan-subquery.ts";
import type { ApplyPlan, QueryPlan } from "./query-plan.ts";
import { notSupported } from "./subquery-correlation.ts";
import { joinSubLink, subLinkJoinRefusal } from "./subquery-join-shape.ts";
import { applyValue } from "./subquery-nodes.ts";
import { freeRefs, type ScopeCatalog } from "./subquery-scope.ts";
import { viewTable } from "./view-table.ts";

/**
 * The fallback for correlated subqueries no rewrite could turn into a join (they are faster:
 * subquery-decorrelate.ts, planSubLinkJoin): each one becomes an apply (query-plan.ts
 * ApplyPlan), PostgreSQL's SubPlan with parameters. Its subquery is planned once with the
 * outer columns it reads replaced by parameters; nothing that reads them is offered to a
 * service (volatile-params.ts), so its remote scans run once and the executor re-runs the rest
 * in memory for each distinct tuple of outer values. The subquery's place in the statement is
 * taken by a hidden column `weft_apply….weft_ap_N` that the apply adds to each row, read
 * through `WeftApplyValue` (which raises the subquery's error, if it had one for that row).
 *
 * Where it sits decides over which rows it runs: in a query without grouping, and in WHERE,
 * GROUP BY and aggregate arguments, over the joined rows ("pre", below the WHERE filter); in
 * the select list, HAVING and ORDER BY of a grouped query, over the groups ("post", above the
 * aggregate, its outer columns read through the group keys).
 */

export type ApplyStage = "pre" | "post";

export interface PendingApply {
  stage: ApplyStage;
  /** the hidden column expressions read it through: `alias.column` */
  alias: string;
  column: string;
  mode: ApplyPlan["mode"];
  subplan: QueryPlan;
  /** parameter slots and the outer column references whose values they take */
  params: { index: number; ref: Node }[];
  /** any / all: the left operands (one per subquery column) and the operator */
  tests: Node[];
  op: string;
  oid: TypeOid;
  typmod: number;
}

/** A pseudo FROM item whose columns are the applies' results (never scanned, never in `*`). */
export interface ApplyTable {
  stage: ApplyStage;
  alias: string;
  table: SourceTable;
}

export interface ExtractedApplies {
  stmt: SelectStmt;
  pre: PendingApply[];
  post: PendingApply[];
  tables: ApplyTable[];
}

export interface ApplyEnv {
  input: PlanInput;
  planSelect: PlanSelectFn;
  /** binds an outer column reference over the FROM clause's full-width row */
  bindFull: (node: Node) => BoundExpr;
  /** the aliases of the FROM items (the pseudo ones must differ) */
  taken: ReadonlySet<string>;
}

/**
 * Replaces every correlated subquery left in a SELECT (after the rewrites) by a reference to the
 * column of an apply, planning each subquery. Top-level WHERE conjuncts that planSubLinkJoin
 * turns into semi or anti joins stay. Null when there is nothing to extract.
 */
export function extractApplies(stmt: SelectStmt, env: ApplyEnv): ExtractedApplies | null {
  if (!containsSubLink(stmt)) return null;
  if (!hasCorrelatedSubLink(stmt, env.input.catalog) && !hasRowComparison(stmt)) return null;
  return new Extractor(stmt, env).run();
}

class Extractor {
  private readonly memo = new Map<string, PendingApply>();
  /** subqueries computed as (part of) a GROUP BY item: the select list reads the same column */
  private readonly groupKeys = new Set<string>();
  private readonly pre: PendingApply[] = [];
  private readonly post: PendingApply[] = [];
  private readonly aliases: Record<ApplyStage, string>;
  private inGroupBy = false;

  constructor(
    private readonly stmt: SelectStmt,
    private readonly env: ApplyEnv,
  ) {
    const fresh = (base: string) => {
      for (let i = 0; ; i++) {
        const name = i === 0 ? base : `${base}_${i}`;
        if (!env.taken.has(name)) return name;
      }
    };
    this.aliases = { pre: fresh("weft_apply"), post: fresh("weft_apply_grouped") };
  }

  run(): ExtractedApplies {
    const stmt = this.stmt;
    const catalog = this.env.input.catalog;
    refuseInOuterJoinConditions((stmt.fromClause ?? []) as Node[], catalog);
    const targets = (stmt.targetList ?? []) as any[];
    const groupBy = (stmt.groupClause ?? []) as Node[];
    const grouped =
      groupBy.length > 0 ||
      containsAggregate(targets.map((t) => t.ResTarget?.val)) ||
      (stmt.havingClause !== undefined && containsAggregate(stmt.havingClause));
    const out: Record<string, unknown> = { ...stmt };

    if (stmt.whereClause) {
      const where = conjuncts(stmt.whereClause).map((c) =>
        this.staysJoin(c, catalog) ? c : (this.walk(c, "pre", false) as Node),
      );
      out.whereClause = andAll(where);
    }
    // GROUP BY items (also those named by position or output name) are computed before grouping
    const groupTexts = new Set(groupBy.map((g) => astKey(selectListExpr(g, targets))));
    this.inGroupBy = true;
    out.groupClause = this.walk(stmt.groupClause, "pre", false);
    const walkedTargets = targets.map((t) => {
      const key = astKey(t.ResTarget?.val);
      if (!grouped || groupTexts.has(key)) return this.walk(t, "pre", false);
      return undefined;
    });
    this.inGroupBy = false;
    out.targetList = targets.map((t, i) => {
      const val = t.ResTarget?.val as Node | undefined;
      const walked = walkedTargets[i] ?? this.walk(t, "post", false);
      // a replaced subquery keeps the name PostgreSQL gives its column
      if (val && (val as any).SubLink && !t.ResTarget.name)
        return { ResTarget: { ...(walked as any).ResTarget, name: subLinkName((val as any).SubLink) } };
      return walked;
    });
    const late: ApplyStage = grouped ? "post" : "pre";
    out.havingClause = this.walk(stmt.havingClause, late, false);
    out.sortClause = this.walk(stmt.sortClause, late, false);
    out.distinctClause = this.walk(stmt.distinctClause, late, false);
    for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];

    const tables: ApplyTable[] = [];
    for (const stage of ["pre", "post"] as const) {
      const list = stage === "pre" ? this.pre : this.post;
      if (list.length > 0) tables.push({ stage, alias: this.aliases[stage], table: pseudoTable(list) });
    }
    return { stmt: out as SelectStmt, pre: this.pre, post: this.post, tables };
  }

  /** A top-level WHERE conjunct planSubLinkJoin makes a semi or anti join. */
  private staysJoin(c: Node, catalog: ScopeCatalog): boolean {
    const join = joinSubLink(c);
    return (
      join !== null && !containsSubLink(join.link.testexpr ?? null) && subLinkJoinRefusal(c, catalog) === null
    );
  }

  /** `every`: also extract uncorrelated subqueries (inside an extracted one's left operand). */
  private walk(node: unknown, stage: ApplyStage, every: boolean): unknown {
    if (Array.isArray(node)) return node.map((n) => this.walk(n, stage, every));
    if (node === null || typeof node !== "object") return node;
    const rec = node as Record<string, any>;
    if (rec.SubLink) return this.subLink(rec.SubLink, stage, every);
    // an aggregate's arguments are read row by row, before grouping
    const below = stage === "post" && isAggregateCall(rec) ? "pre" : stage;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rec)) out[k] = this.walk(v, below, every);
    return out;
  }

  private subLink(link: any, stage: ApplyStage, every: boolean): Node {
    const select = link.subselect.SelectStmt as SelectStmt;
    const correlated = freeRefs(select, this.env.input.catalog).length > 0;
    // a row comparison (a, b) IN (…) has no array form for an init plan: an apply without parameters
    if (!correlated && !every && !link.testexpr?.RowExpr) {
      // an init plan (plan-subquery.ts) unless its left operand holds a correlated subquery
      if (!link.testexpr || !containsSubLink(link.testexpr)) return { SubLink: link } as unknown as Node;
      return { SubLink: { ...link, testexpr: this.walk(link.testexpr, stage, false) } } as unknown as Node;
    }
    const walked = link.testexpr ? { ...link, testexpr: this.walk(link.testexpr, stage, true) } : link;
    const key = astKey(walked);
    if (stage === "post" && this.groupKeys.has(key)) return this.reference(this.memo.get(`pre:${key}`)!);
    const memoKey = `${stage}:${key}`;
    let apply = this.memo.get(memoKey);
    if (!apply) {
      apply = this.plan(walked, stage);
      this.memo.set(memoKey, apply);
      (stage === "pre" ? this.pre : this.post).push(apply);
    }
    if (this.inGroupBy && stage === "pre") this.groupKeys.add(key);
    return this.reference(apply);
  }

  private reference(apply: PendingApply): Node {
    return applyValue(columnRef([apply.alias, apply.column]));
  }

  private plan(link: any, stage: ApplyStage): PendingApply {
    const { input, planSelect } = this.env;
    const type = String(link.subLinkType);
    const mode = modes[type];
    if (!mode) throw notSupported(`a correlated ${type.replace("_SUBLINK", "")} subquery`);
    const { subplan, params } = planParameterized(
      link.subselect.SelectStmt as SelectStmt,
      input,
      planSelect,
      this.env.bindFull,
    );

    const pending = this.stage(stage);
    const column = `weft_ap_${pending.length}`;
    const base = { stage, alias: this.aliases[stage], column, mode, subplan, params, tests: [], op: "=" };
    const first = subplan.columns[0];
    switch (mode) {
      case "exists":
        return { ...base, oid: boolOid, typmod: -1 };
      case "scalar":
      case "array": {
        if (subplan.columns.length !== 1)
          throw new PgError(SqlState.syntaxError, "subquery must return only one column");
        if (mode === "scalar") return { ...base, oid: first.oid, typmod: first.typmod };
        const oid = arrayOf(first.oid);
        if (oid === 0) throw notSupported(`ARRAY (subquery) over values of type ${first.oid}`);
        return { ...base, oid, typmod: -1 };
      }
      default: {
        const tests: Node[] = link.testexpr.RowExpr ? link.testexpr.RowExpr.args : [link.testexpr];
        if (tests.length !== subplan.columns.length)
          throw new PgError(
            SqlState.syntaxError,
            `subquery has too ${tests.length < subplan.columns.length ? "many" : "few"} columns`,
          );
        const op = operatorName(link.operName);
        if (tests.length > 1 && op !== "=" && op !== "<>")
          throw notSupported(`a row comparison (…) ${op} ${mode.toUpperCase()} (correlated subquery)`);
        return { ...base, tests, op, oid: boolOid, typmod: -1 };
      }
    }
  }

  private stage(stage: ApplyStage): PendingApply[] {
    return stage === "pre" ? this.pre : this.post;
  }
}

const modes: Record<string, ApplyPlan["mode"]> = {
  EXPR_SUBLINK: "scalar",
  EXISTS_SUBLINK: "exists",
  ARRAY_SUBLINK: "array",
  ANY_SUBLINK: "any",
  ALL_SUBLINK: "all",
};

/**
 * The apply node for one pending apply over `input`, its outer columns (and left operands)
 * bound by `ctx` over the input's row; it appends the result column.
 */
export function applyNode(
  input: QueryPlan,
  a: PendingApply,
  ctx: BindContext,
  planInput: PlanInput,
): ApplyPlan {
  const params = a.params.map((p) => ({
    index: p.index,
    value: castTo(bindExpr(p.ref, ctx), planInput.paramTypes[p.index], -1, "implicit", ctx),
  }));
  let compare: BoundExpr | null = null;
  if (a.mode === "any" || a.mode === "all") {
    const width = input.columns.length;
    const row: BindContext = {
      ...ctx,
      hook: (node) => {
        const fields = (node as any).ColumnRef?.fields;
        if (fields?.[0]?.String?.sval === subRowAlias) {
          const i = Number(fields[1].String.sval);
          const c = a.subplan.columns[i];
          return { kind: "column", index: width + i, type: c.oid, typmod: c.typmod };
        }
        return ctx.hook?.(node);
      },
    };
    const comparisons = a.tests.map((t, i) =>
      castTo(
        bindExpr(opExpr(a.op, t, columnRef([subRowAlias, String(i)])), row),
        boolOid,
        -1,
        "implicit",
        row,
      ),
    );
    // row comparisons: (a, b) = (x, y) holds when every pair is equal, <> when one pair differs
    compare =
      comparisons.length === 1
        ? comparisons[0]
        : { kind: a.op === "<>" ? "or" : "and", args: comparisons, type: boolOid, typmod: -1 };
  }
  return {
    kind: "apply",
    input,
    subplan: a.subplan,
    params,
    mode: a.mode,
    compare,
    paramTypes: planInput.paramTypes,
    clientParams: clientParamCount(planInput),
    columns: [...input.columns, { name: a.column, oid: a.oid, typmod: a.typmod }],
    estimate: input.estimate,
  };
}

/** A hook resolving references to the post-grouping applies' columns, once they are in the row. */
export function postApplyHook(applies: PendingApply[], first: number): (node: Node) => BoundExpr | undefined {
  return (node) => {
    const fields = (node as any).ColumnRef?.fields;
    if (fields?.length !== 2) return undefined;
    const i = applies.findIndex(
      (a) => a.alias === fields[0].String?.sval && a.column === fields[1].String?.sval,
    );
    if (i < 0) return undefined;
    return { kind: "column", index: first + i, type: applies[i].oid, typmod: applies[i].typmod };
  };
}

/** The column references an apply reads from the outer query (to keep them in its row). */
export function applyReads(a: PendingApply): Node[] {
  return [...a.params.map((p) => p.ref), ...columnRefs(a.tests, { stars: false, subqueries: true })];
}

// ---------------------------------------------------------------- helpers

/** Whether a subquery compared with a row, `(a, b) IN (…)`, sits in `node` (outside FROM). */
function hasRowComparison(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasRowComparison);
  if (node === null || typeof node !== "object") return false;
  const rec = node as Record<string, any>;
  if (rec.SubLink?.testexpr?.RowExpr) return true;
  if (rec.RangeSubselect) return false;
  return Object.values(rec).some(hasRowComparison);
}

/** A pseudo table whose columns are the applies' results (never scanned, never in `*`). */
function pseudoTable(applies: PendingApply[]): SourceTable {
  return viewTable(
    applies[0].alias,
    applies.map((a) => ({ name: a.column, oid: a.oid, typmod: a.typmod })),
  );
}

/** The column name PostgreSQL gives a subquery in the select list. */
function subLinkName(link: any): string {
  switch (String(link.subLinkType)) {
    case "EXISTS_SUBLINK":
      return "exists";
    case "ARRAY_SUBLINK":
      return "array";
    case "EXPR_SUBLINK": {
      const t = (link.subselect.SelectStmt.targetList ?? [])[0]?.ResTarget;
      if (t?.name) return t.name;
      const v = t?.val;
      if (v?.ColumnRef) return v.ColumnRef.fields[v.ColumnRef.fields.length - 1].String?.sval ?? "?column?";
      if (v?.FuncCall) return funcName(v.FuncCall);
      return "?column?";
    }
    default:
      return "?column?";
  }
}

/** The alias of the subquery row in an any / all comparison (not a name SQL can spell). */
const subRowAlias = "\u0000apply";
