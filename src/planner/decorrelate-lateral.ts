import type { Node, SelectStmt } from "@pgsql/types";
import {
  and,
  columnRef,
  conjuncts,
  crossJoined,
  isTrueConst,
  joinExpr,
  mapTree,
  refFields,
  refName,
  resTarget,
  subqueryAlias,
} from "./ast-nodes.ts";
import type { LateralRewrite } from "./lateral-ast.ts";
import { rewriteLateralSubquery } from "./lateral-subquery.ts";
import { CannotDecorrelate, cannotDecorrelate, notSupported } from "./subquery-correlation.ts";
import { freeRefs, fromScope, resolvesIn, type ScopeCatalog, type ScopeItem } from "./subquery-scope.ts";

/**
 * Rewrites every correlated LATERAL subquery in a SELECT's FROM clause into an ordinary
 * derived table joined to the items on its left (see lateral-subquery.ts for one subquery):
 *   a CROSS JOIN LATERAL (SELECT … WHERE e.k = a.k ORDER BY s LIMIT 2) x
 *   → a JOIN (SELECT …, e.k AS weft_lat_k0, row_number() OVER (PARTITION BY e.k ORDER BY s)
 *             AS weft_lat_rn …) x ON x.weft_lat_k0 = a.k AND x.weft_lat_rn <= 2
 * so that the planner plans a join (one query per source, never one per outer row). `FROM a,
 * LATERAL (…) x` becomes a join of the items before it with x. The hidden columns never reach
 * the client: `*` and `x.*` are expanded to the subquery's own columns. An aggregate subquery's
 * columns are read through the expressions it defines (count over no rows is 0).
 * What cannot be decorrelated this way is refused with 0A000 naming the construct.
 */
export function decorrelateLateral(stmt: SelectStmt, catalog: ScopeCatalog): SelectStmt {
  const from = (stmt.fromClause ?? []) as Node[];
  refuseFunctionsInFrom(from);
  if (!from.some(hasLateral)) return stmt;
  const ctx: Context = {
    catalog,
    topScope: fromScope(from, catalog),
    substitutions: new Map(),
    visible: new Map(),
    created: new WeakSet(),
    where: [],
  };
  let items: Node[] = [];
  for (const raw of from) {
    const item = substitute(raw, ctx) as Node;
    const r = rewriteItem(item, { prior: items, safe: true, spine: true }, ctx);
    items = r.foldedPrior ? [r.node] : [...items, r.node];
  }
  if (ctx.visible.size === 0) return { ...stmt, fromClause: items } as SelectStmt;

  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stmt)) {
    if (key === "fromClause") out[key] = items;
    else if (key === "targetList") out[key] = selectList(value as Node[], ctx);
    else out[key] = substitute(value, ctx);
  }
  const where = and([...conjuncts(out.whereClause), ...ctx.where]);
  if (where) out.whereClause = where;
  return out as SelectStmt;
}

interface Context {
  catalog: ScopeCatalog;
  /** the FROM clause's names as written, in order (to resolve unqualified references and expand *) */
  topScope: ScopeItem[];
  /** per rewritten aggregate subquery alias: column name → the expression that replaces it */
  substitutions: Map<string, Map<string, Node>>;
  /** per rewritten subquery alias: its columns without the hidden ones */
  visible: Map<string, string[]>;
  /** derived tables this rewrite made (their hidden references are not substituted) */
  created: WeakSet<object>;
  /** conditions that move to WHERE */
  where: Node[];
}

interface Position {
  /** the comma-list items before this one, which a LATERAL item may refer to */
  prior: Node[];
  /** whether this item's rows are never NULL-extended by an outer join above it */
  safe: boolean;
  /** whether `prior` can still be joined in here (only along inner and left joins' left sides) */
  spine: boolean;
}

interface Rewritten {
  node: Node;
  /** the comma-list items before it were joined into `node` */
  foldedPrior: boolean;
}

function rewriteItem(node: Node, at: Position, ctx: Context): Rewritten {
  const [kind, body] = Object.entries(node)[0] as [string, any];
  if (kind === "RangeSubselect" && body.lateral) {
    return joinLateral(body, null, "JOIN_INNER", undefined, at, ctx);
  }
  if (kind !== "JoinExpr") return { node, foldedPrior: false };
  const type = String(body.jointype);
  const innerOrLeft = type === "JOIN_INNER" || type === "JOIN_LEFT";
  const left = rewriteItem(
    body.larg,
    { prior: at.prior, safe: at.safe && innerOrLeft, spine: at.spine && innerOrLeft },
    ctx,
  );
  const rarg = substitute(body.rarg, ctx) as Node;
  if ((rarg as any).RangeSubselect?.lateral) {
    const prior = left.foldedPrior ? [] : at.prior;
    const spine = at.spine && !left.foldedPrior;
    const r = joinLateral(
      (rarg as any).RangeSubselect,
      left.node,
      type,
      body.quals,
      { ...at, prior, spine },
      ctx,
    );
    return { node: r.node, foldedPrior: left.foldedPrior || r.foldedPrior };
  }
  const right = rewriteItem(
    rarg,
    { prior: [], safe: at.safe && (type === "JOIN_INNER" || type === "JOIN_RIGHT"), spine: false },
    ctx,
  );
  const quals = substitute(body.quals, ctx);
  return {
    node: { JoinExpr: { ...body, larg: left.node, rarg: right.node, ...(quals ? { quals } : {}) } } as Node,
    foldedPrior: left.foldedPrior,
  };
}

/**
 * `larg <type> JOIN LATERAL (…) ON quals` (larg null: the item stands in the comma list, and the
 * items before it are its left side).
 */
function joinLateral(
  body: any,
  larg: Node | null,
  type: string,
  quals: Node | undefined,
  at: Position,
  ctx: Context,
): Rewritten {
  const leftScope = larg ? fromScope([larg], ctx.catalog) : [];
  const priorScope = at.spine ? fromScope(at.prior, ctx.catalog) : [];
  let rewrite: LateralRewrite | null;
  try {
    rewrite = rewriteLateralSubquery(body, [...leftScope, ...priorScope], ctx.catalog);
    if (rewrite) refuseRewriteHere(rewrite, type, quals, at);
  } catch (err) {
    if (!(err instanceof CannotDecorrelate) || (type !== "JOIN_INNER" && type !== "JOIN_LEFT")) {
      if (err instanceof CannotDecorrelate)
        throw notSupported("a correlated LATERAL subquery in a RIGHT or FULL join");
      throw err;
    }
    return keepLateral(body, larg, leftScope, type, quals, at, ctx);
  }
  if (!rewrite) {
    const { lateral: _lateral, ...plain } = body;
    const item = { RangeSubselect: plain } as unknown as Node;
    const on = quals ? [substitute(quals, ctx) as Node] : [];
    return { node: larg ? joinExpr(type, larg, item, on) : item, foldedPrior: false };
  }
  if (type !== "JOIN_INNER" && type !== "JOIN_LEFT") {
    throw notSupported("a correlated LATERAL subquery in a RIGHT or FULL join");
  }
  const needsPrior = rewrite.outerRefs.some((r) => !resolvesIn(leftScope, refFields((r as any).ColumnRef)));
  let left = larg;
  if (needsPrior || !larg)
    left = larg ? joinExpr("JOIN_INNER", crossJoined(at.prior), larg, []) : crossJoined(at.prior);
  const alias = subqueryAlias(body);
  if (rewrite.item) ctx.created.add(rewrite.item);
  ctx.visible.set(alias, rewrite.columns);
  const on = [...rewrite.on];
  registerSubstitutions(alias, rewrite, ctx);
  const original = quals && !isTrueConst(quals) ? (substitute(quals, ctx) as Node) : undefined;
  const folded = needsPrior || !larg;
  if (rewrite.aggregate || !rewrite.item) {
    // exactly one row per outer row: an inner join's condition filters those rows, as WHERE would
    if (original) ctx.where.push(original);
    if (!rewrite.item) return { node: left!, foldedPrior: folded };
    return { node: joinExpr("JOIN_LEFT", left!, rewrite.item, on), foldedPrior: folded };
  }
  if (original) on.push(original);
  return { node: joinExpr(type, left!, rewrite.item, on), foldedPrior: folded };
}

function registerSubstitutions(alias: string, rewrite: LateralRewrite, ctx: Context): void {
  if (rewrite.substitutions.size === 0) return;
  ctx.substitutions.set(alias, rewrite.substitutions);
}

/** What the rewrite of one LATERAL subquery cannot express where it stands (it runs as an apply then). */
function refuseRewriteHere(
  rewrite: LateralRewrite,
  type: string,
  quals: Node | undefined,
  at: Position,
): void {
  // an expression standing for a column (count's 0, a + 1) would not be NULL where an outer join
  // above NULL-extends the row
  if (rewrite.substitutions.size > 0 && !at.safe)
    throw cannotDecorrelate(
      "a LATERAL subquery over aggregates or without FROM on the nullable side of an outer join",
    );
  const original = quals && !isTrueConst(quals);
  if ((rewrite.aggregate || !rewrite.item) && original && (type !== "JOIN_INNER" || !at.safe))
    throw cannotDecorrelate(
      "LEFT JOIN LATERAL over an aggregate or FROM-less subquery ON a condition other than true",
    );
}

/**
 * A LATERAL subquery no rewrite can turn into a join stays LATERAL: the planner runs it as an
 * apply over the rows of the items on its left (plan-apply.ts), joined into them when it reads
 * items of the comma list before its join.
 */
function keepLateral(
  body: any,
  larg: Node | null,
  leftScope: ScopeItem[],
  type: string,
  quals: Node | undefined,
  at: Position,
  ctx: Context,
): Rewritten {
  const item = { RangeSubselect: body } as unknown as Node;
  const on = quals ? [substitute(quals, ctx) as Node] : [];
  if (!larg) return { node: item, foldedPrior: false };
  const outerRefs = freeRefs(body.subquery.SelectStmt as SelectStmt, ctx.catalog);
  const needsPrior = outerRefs.some((r) => !resolvesIn(leftScope, refFields((r as any).ColumnRef)));
  const left = needsPrior ? joinExpr("JOIN_INNER", crossJoined(at.prior), larg, []) : larg;
  return { node: joinExpr(type, left, item, on), foldedPrior: needsPrior };
}

// ---------------------------------------------------------------- reading the rewritten subqueries

/** The select list with `*` and `x.*` expanded where a rewritten subquery would show hidden columns. */
function selectList(targets: Node[], ctx: Context): Node[] {
  const out: Node[] = [];
  for (const t of targets) {
    const rt = (t as any).ResTarget;
    const fields = rt?.val?.ColumnRef?.fields;
    if (fields?.[fields.length - 1]?.A_Star) {
      const qualifier = fields.length >= 2 ? String(fields[fields.length - 2].String?.sval) : null;
      for (const item of ctx.topScope) {
        if (qualifier !== null && item.alias !== qualifier) continue;
        for (const name of ctx.visible.get(item.alias) ?? item.columns) {
          const sub = ctx.substitutions.get(item.alias)?.get(name);
          out.push(sub ? resTarget(structuredClone(sub), name) : resTarget(columnRef([item.alias, name])));
        }
      }
      continue;
    }
    const val = substitute(rt.val, ctx) as Node;
    // a column replaced by an expression keeps the column's name, as PostgreSQL names it
    const replaced = rt.val?.ColumnRef && refName(val) !== refName(rt.val);
    const name = rt.name ?? (replaced ? refFields(rt.val.ColumnRef).at(-1) : undefined);
    out.push({ ResTarget: { ...rt, val, ...(name !== undefined ? { name } : {}) } } as Node);
  }
  return out;
}

/**
 * Replaces references to an aggregate subquery's columns by the expressions standing for them,
 * at any depth, except where a nested query's own FROM item of the same name hides them.
 */
function substitute(node: unknown, ctx: Context, shadow: ScopeItem[] = []): unknown {
  if (ctx.substitutions.size === 0) return node;
  return mapTree(node, (n) => {
    if (ctx.created.has(n)) return n;
    if (n.ColumnRef) return replacement(refFields(n.ColumnRef), ctx, shadow) ?? n;
    if (n.SelectStmt) {
      let scope: ScopeItem[];
      try {
        scope = fromScope(n.SelectStmt.fromClause as Node[], ctx.catalog);
      } catch {
        // names this rewrite cannot resolve: leave the query as it is (it is refused later)
        return n;
      }
      const inner: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(n.SelectStmt)) inner[k] = substitute(v, ctx, [...shadow, ...scope]);
      return { SelectStmt: inner };
    }
    return undefined;
  });
}

function replacement(fields: string[], ctx: Context, shadow: ScopeItem[]): Node | null {
  if (fields.length === 2) {
    const [alias, column] = fields;
    const sub = ctx.substitutions.get(alias)?.get(column);
    if (!sub || shadow.some((s) => s.alias === alias)) return null;
    return structuredClone(sub);
  }
  if (fields.length !== 1 || resolvesIn(shadow, fields)) return null;
  const holders = ctx.topScope.filter((s) => s.columns.includes(fields[0]));
  if (holders.length !== 1) return null;
  const sub = ctx.substitutions.get(holders[0].alias)?.get(fields[0]);
  return sub ? structuredClone(sub) : null;
}

// ---------------------------------------------------------------- what is not rewritten

function hasLateral(node: Node): boolean {
  const [kind, body] = Object.entries(node)[0] as [string, any];
  if (kind === "RangeSubselect") return Boolean(body.lateral);
  if (kind === "JoinExpr") return hasLateral(body.larg) || hasLateral(body.rarg);
  return false;
}

function refuseFunctionsInFrom(from: Node[]): void {
  for (const node of from) {
    const [kind, body] = Object.entries(node)[0] as [string, any];
    if (kind === "JoinExpr") refuseFunctionsInFrom([body.larg, body.rarg]);
    if (kind !== "RangeFunction") continue;
    const call = body.functions?.[0]?.List?.items?.[0]?.FuncCall;
    const name = call ? `${refName({ fields: call.funcname })}(…)` : "a function";
    throw notSupported(`${body.lateral ? "LATERAL " : ""}${name} as a FROM item`);
  }
}
