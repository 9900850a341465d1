import type { Node, SelectStmt } from "@pgsql/types";
import {
  andAll,
  astKey,
  columnRef,
  columnRefs,
  conjuncts,
  containsAggregate,
  containsSubLink,
  crossJoined,
  isAggregateCall,
  isStarRef,
  joinExpr,
  rangeSubselect,
  refFields,
  resTarget,
  selectListExpr,
} from "./ast-nodes.ts";
import { CannotDecorrelate, cannotDecorrelate, notSupported } from "./subquery-correlation.ts";
import { decorrelateExists } from "./subquery-exists.ts";
import { decorrelateIn } from "./subquery-in.ts";
import { joinSubLink, subLinkJoinRefusal } from "./subquery-join-shape.ts";
import type { Decorrelated, DecorrelateEnv, LookupJoin } from "./subquery-lookup.ts";
import { decorrelateScalar } from "./subquery-scalar.ts";
import { freeRefs, fromScope, type ScopeCatalog, type ScopeItem } from "./subquery-scope.ts";

/**
 * Rewrites every correlated subquery of a SELECT (in its select list, WHERE, HAVING, ORDER BY
 * …, under OR, NOT or CASE) into LEFT JOINs with derived tables grouped by the correlation
 * keys (subquery-exists.ts, subquery-in.ts, subquery-scalar.ts) and an expression over their
 * columns, before planning: the planner then pushes down and joins them like any derived
 * table, and no subquery runs once per outer row. Left alone: uncorrelated subqueries (init
 * plans, plan-subquery.ts) and the top-level WHERE conjuncts [NOT] EXISTS / [NOT] IN, which
 * become semi and anti joins. What cannot be decorrelated is refused with 0A000 naming it.
 *
 * A lookup joins the FROM item whose columns its keys read, inside any join that item is in
 * (it only adds columns to that item's rows), so WHERE conditions between FROM items still
 * become join keys; `SELECT *` is spelled out first so the added columns stay hidden. In a
 * grouped query a subquery in the select list, HAVING or ORDER BY reads its lookup's columns
 * after grouping: they join GROUP BY, which splits no group since they depend on the keys only.
 */
export function decorrelateSubqueries(stmt: SelectStmt, catalog: ScopeCatalog): SelectStmt {
  if ((stmt.op && stmt.op !== "SETOP_NONE") || !stmt.fromClause?.length || !containsSubLink(stmt))
    return stmt;
  const rewriter = new Rewriter(stmt, catalog);
  const out = rewriter.run();
  return out ?? stmt;
}

interface Entry {
  result: Decorrelated;
  /** read after grouping (select list, HAVING, ORDER BY of a grouped query) */
  afterGrouping: boolean;
}

class Rewriter {
  private readonly memo = new Map<string, Entry>();
  private readonly order: Entry[] = [];
  private changed = false;
  private next = 0;
  private taken: Set<string> | null = null;
  private readonly grouped: boolean;

  constructor(
    private readonly stmt: SelectStmt,
    private readonly catalog: ScopeCatalog,
  ) {
    this.grouped =
      ((stmt.groupClause ?? []) as Node[]).length > 0 ||
      stmt.havingClause !== undefined ||
      containsAggregate(stmt.targetList);
  }

  run(): SelectStmt | null {
    const stmt = this.stmt;
    const out: Record<string, unknown> = { ...stmt };
    const post = this.grouped;
    if (stmt.whereClause) {
      const where = conjuncts(stmt.whereClause).map((c) =>
        isJoinConjunct(c, this.catalog) ? c : (this.walk(c, false) as Node),
      );
      out.whereClause = andAll(where);
    }
    out.targetList = this.walk(stmt.targetList, post);
    out.groupClause = this.walk(stmt.groupClause, false);
    out.havingClause = this.walk(stmt.havingClause, post);
    out.sortClause = this.walk(stmt.sortClause, post);
    out.distinctClause = this.walk(stmt.distinctClause, post);
    out.windowClause = this.walk(stmt.windowClause, post);
    if (!this.changed) return null;
    for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
    const joins = this.order.flatMap((e) => e.result.joins);
    if (joins.length === 0) return out as SelectStmt;

    // a subquery that is (part of) a GROUP BY item is computed before grouping, as the key
    const keys = groupItems(out.groupClause as Node[] | undefined, out.targetList as Node[] | undefined);
    const added = this.order
      .filter((e) => e.afterGrouping && !keys.includes(astKey(e.result.replacement)))
      .flatMap((e) => exposedColumns(e.result));
    if (this.grouped && added.length > 0) {
      const groupBy = (stmt.groupClause ?? []) as Node[];
      if (groupBy.length === 0)
        throw notSupported(
          "a correlated subquery in the select list of a query with aggregates but no GROUP BY",
        );
      if (groupBy.some((g) => (g as any).GroupingSet))
        throw notSupported("a correlated subquery with GROUPING SETS, ROLLUP or CUBE");
      out.groupClause = [...((out.groupClause as Node[]) ?? []), ...added];
    }
    out.targetList = this.expandStars(out.targetList as Node[]);
    out.fromClause = this.attach(stmt.fromClause as Node[], joins);
    return out as SelectStmt;
  }

  private walk(node: unknown, post: boolean): unknown {
    if (Array.isArray(node)) return node.map((n) => this.walk(n, post));
    if (node === null || typeof node !== "object") return node;
    const rec = node as Record<string, any>;
    if (rec.SubLink) return this.subLink(rec.SubLink, post);
    // an aggregate's arguments are read row by row, before grouping
    const below = post && !isAggregateCall(rec);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rec)) out[k] = this.walk(v, below);
    return out;
  }

  private subLink(link: any, post: boolean): Node {
    const select = link.subselect.SelectStmt as SelectStmt;
    if (freeRefs(select, this.catalog).length === 0) {
      if (!link.testexpr || !containsSubLink(link.testexpr)) return { SubLink: link } as unknown as Node;
      return { SubLink: { ...link, testexpr: this.walk(link.testexpr, post) } } as unknown as Node;
    }
    const key = astKey(link);
    let entry = this.memo.get(key);
    if (!entry) {
      const env: DecorrelateEnv = {
        catalog: this.catalog,
        alias: () => this.alias(),
        outerExpr: (n) => this.walk(n, false) as Node,
      };
      let result: Decorrelated;
      try {
        result = decorrelate(link, env);
      } catch (err) {
        // left as written: the planner evaluates it as a memoized apply (plan-apply.ts)
        if (!(err instanceof CannotDecorrelate)) throw err;
        if (!link.testexpr || !containsSubLink(link.testexpr)) return { SubLink: link } as unknown as Node;
        this.changed = true;
        return { SubLink: { ...link, testexpr: this.walk(link.testexpr, post) } } as unknown as Node;
      }
      entry = { result, afterGrouping: false };
      this.memo.set(key, entry);
      this.order.push(entry);
    }
    if (post) entry.afterGrouping = true;
    this.changed = true;
    return entry.result.replacement;
  }

  private alias(): string {
    this.taken ??= new Set(fromScope(this.stmt.fromClause as Node[], this.catalog).map((s) => s.alias));
    for (;;) {
      const name = `weft_sq_${this.next++}`;
      if (!this.taken.has(name)) return name;
    }
  }

  /** `*` and `t.*` as the column references they stand for, so the lookups' columns stay out. */
  private expandStars(targets: Node[] | undefined): Node[] | undefined {
    if (!targets?.some(isStar)) return targets;
    const from = this.stmt.fromClause as Node[];
    if (astKey(from).includes('"usingClause"') || astKey(from).includes('"isNatural":true'))
      throw notSupported("SELECT * over JOIN … USING");
    const scope = fromScope(from, this.catalog);
    return targets.flatMap((t) => {
      if (!isStar(t)) return [t];
      const fields = refFields((t as any).ResTarget.val.ColumnRef);
      const qualifier = fields.length >= 2 ? fields[fields.length - 2] : null;
      return scope
        .filter((s) => qualifier === null || s.alias === qualifier)
        .flatMap((s) => {
          if (new Set(s.columns).size !== s.columns.length)
            throw notSupported(`SELECT * over "${s.alias}", which has two columns of one name,`);
          return s.columns.map((c) => resTarget(columnRef([s.alias, c])));
        });
    });
  }

  /** The FROM clause with each lookup LEFT JOINed to the item its keys read (or on top of all). */
  private attach(from: Node[], joins: LookupJoin[]): Node[] {
    const leaves: { node: Node; scope: ScopeItem }[] = [];
    const collect = (item: Node) => {
      const j = (item as any).JoinExpr;
      if (j) {
        collect(j.larg);
        collect(j.rarg);
      } else leaves.push({ node: item, scope: fromScope([item], this.catalog)[0] });
    };
    for (const item of from) collect(item);
    const wrapped = new Map<Node, Node>();
    const top: LookupJoin[] = [];
    for (const join of joins) {
      const owner = ownerOf(join.outer, leaves);
      const sub = rangeSubselect(join.subquery, join.alias);
      if (owner) wrapped.set(owner, joinExpr("JOIN_LEFT", wrapped.get(owner) ?? owner, sub, join.on));
      else top.push(join);
    }
    const rebuild = (item: Node): Node => {
      const j = (item as any).JoinExpr;
      if (!j) return wrapped.get(item) ?? item;
      return { JoinExpr: { ...j, larg: rebuild(j.larg), rarg: rebuild(j.rarg) } } as unknown as Node;
    };
    const items = from.map(rebuild);
    if (top.length === 0) return items;
    let tree = crossJoined(items);
    for (const join of top)
      tree = joinExpr("JOIN_LEFT", tree, rangeSubselect(join.subquery, join.alias), join.on);
    return [tree];
  }
}

function decorrelate(link: any, env: DecorrelateEnv): Decorrelated {
  switch (String(link.subLinkType)) {
    case "EXISTS_SUBLINK":
      return decorrelateExists(link, env);
    case "ANY_SUBLINK":
    case "ALL_SUBLINK":
      return decorrelateIn(link, env);
    case "EXPR_SUBLINK":
      return decorrelateScalar(link, env);
    case "ARRAY_SUBLINK":
      throw cannotDecorrelate("a correlated ARRAY (subquery)");
    default:
      throw cannotDecorrelate(`a correlated ${String(link.subLinkType).replace("_SUBLINK", "")} subquery`);
  }
}

/** The FROM item every column reference of `exprs` belongs to, when there is exactly one. */
function ownerOf(exprs: Node[], leaves: { node: Node; scope: ScopeItem }[]): Node | null {
  const owners = new Set<Node>();
  for (const ref of columnRefs(exprs, { stars: false, subqueries: false })) {
    const fields = refFields(ref.ColumnRef);
    const column = fields[fields.length - 1];
    const found =
      fields.length >= 2
        ? leaves.filter((l) => l.scope.alias === fields[fields.length - 2])
        : leaves.filter((l) => l.scope.columns.includes(column));
    if (found.length !== 1) return null;
    owners.add(found[0].node);
  }
  return owners.size === 1 ? [...owners][0] : null;
}

/** The text of every GROUP BY item, with `GROUP BY 1` and output names resolved to their targets. */
function groupItems(groupBy: Node[] | undefined, targets: Node[] | undefined): string {
  const list = (targets ?? []) as any[];
  return (groupBy ?? []).map((g) => astKey(selectListExpr(g, list))).join("\n");
}

/** The lookup columns an expression reads (they must be grouped when read after grouping). */
function exposedColumns(result: Decorrelated): Node[] {
  const aliases = new Set(result.joins.map((j) => j.alias));
  const seen = new Set<string>();
  const out: Node[] = [];
  for (const ref of columnRefs(result.replacement, { stars: false, subqueries: false })) {
    const fields = refFields(ref.ColumnRef);
    if (fields.length !== 2 || !aliases.has(fields[0])) continue;
    const key = fields.join(".");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(columnRef(fields));
  }
  return out;
}

/**
 * A top-level WHERE conjunct [NOT] EXISTS / IN / op ANY (subquery) that planSubLinkJoin makes a
 * semi or anti join (the others are rewritten here when they can be).
 */
function isJoinConjunct(node: Node, catalog: ScopeCatalog): boolean {
  return joinSubLink(node) !== null && subLinkJoinRefusal(node, catalog) === null;
}

function isStar(t: Node): boolean {
  return isStarRef((t as any).ResTarget?.val);
}
