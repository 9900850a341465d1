import type { Node } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import { and, boolConst, columnRef, containsSubLink, rangeVar, resTarget, selectStmt } from "./ast-nodes.ts";
import { type BoundExpr, boundAnd } from "./bound-expr.ts";
import type { JoinTree, Layout, PlanInput, Scan } from "./plan-select.ts";
import type { PlanColumn, QueryPlan, RemoteScanPlan } from "./query-plan.ts";
import { remapColumns } from "./remap.ts";
import { readsVolatile, volatileReason } from "./volatile-params.ts";

/** What merging a subtree needs from the planner of the surrounding SELECT. */
export interface SubtreeContext {
  input: PlanInput;
  layout: Layout;
  /** binds an AST over the full-width row of the FROM clause */
  bind: (n: Node) => BoundExpr;
  /** full-width → compact column indexes */
  remap: (e: BoundExpr) => BoundExpr;
  estimateScan: (scan: Scan, accepted: Node[]) => number;
}

/**
 * A join whose tables all live in one service runs in that service (DESIGN: push
 * any subtree that lives in one service whole): the service gets ONE fragment
 * whose FROM is the join tree with its ON conditions and whose WHERE holds the
 * WHERE conjuncts over those tables. Its target list lists the columns each scan
 * would have returned, scan after scan, so the rows have exactly the compact
 * layout the separate scans joined in memory would have had.
 *
 * Returns null when the subtree spans services or holds a derived table, or when
 * the service refuses the join itself; the caller then plans the scans one by one.
 */
export function planSameServiceSubtree(tree: JoinTree, ctx: SubtreeContext): QueryPlan | null {
  if (tree.kind !== "join") return null;
  const scans = scansIn(tree);
  const service = scans[0].service;
  if (scans.some((s) => s.derived || s.lateral || s.service !== service)) return null;

  // ON conditions moved into a scan belong back in their join's ON; the rest a scan was
  // offered came from WHERE, over a table no outer join makes nullable
  const movedOn = new Set<Node>();
  collectPushedOn(tree, movedOn);
  const whereConjuncts = scans.flatMap((s) => s.offered.filter((c) => !movedOn.has(c)));
  // ON conjuncts of inner joins reached from the root through inner joins only mean the
  // same as a filter over the subtree's rows: they may stay in memory when refused
  const optionalOn = new Set<Node>();
  collectOptionalOn(tree, optionalOn);
  // what reads an apply's outer row stays in memory; an outer join's condition cannot
  const volatile = (c: Node) => readsVolatile(c, ctx.input);
  if (joinOn(tree).some((c) => !optionalOn.has(c) && volatile(c))) return null;
  const forced = [...whereConjuncts, ...optionalOn].filter(volatile);
  if (forced.some(containsSubLink)) return null;
  const optional = [...whereConjuncts, ...optionalOn].filter((c) => !volatile(c));

  const ordered = [...scans].sort((a, b) => a.id - b.id);
  const columns: PlanColumn[] = [];
  const targetList: Node[] = [];
  // compact index → position in the merged row (the scans need not be neighbours in the layout)
  const positions = new Map<number, number>();
  for (const s of ordered) {
    for (const i of ctx.layout.perScan.get(s.id)!) {
      const c = s.table.columns[i];
      positions.set(ctx.layout.map.get(s.offset + i)!, positions.size);
      columns.push({ name: c.name, oid: c.type.oid, typmod: c.type.typmod });
      targetList.push(resTarget(columnRef([s.alias, c.name])));
    }
  }
  const fragment = (accepted: Set<Node>): Node =>
    ({
      SelectStmt: selectStmt({
        targetList,
        fromClause: [fromItem(tree, (c) => !optionalOn.has(c) || accepted.has(c))],
        whereClause: and(whereConjuncts.filter((c) => accepted.has(c))),
      }),
    }) as unknown as Node;
  const refusal = (accepted: Set<Node>): string | null => {
    try {
      ctx.input.catalog.compileFragment(service, fragment(accepted), ctx.input.params, ctx.input.paramTypes);
      return null;
    } catch (err) {
      if (!(err instanceof PgError) || err.code !== SqlState.featureNotSupported) throw err;
      return err.message;
    }
  };

  // the common case costs one compilation: everything accepted
  let accepted = new Set<Node>(optional);
  const kept: string[] = forced.map(() => volatileReason);
  let keptInMemory: Node[] = [...forced];
  if (refusal(accepted) !== null) {
    accepted = new Set();
    if (refusal(accepted) !== null) return null;
    for (const c of optional) {
      accepted.add(c);
      const why = refusal(accepted);
      if (why !== null) {
        accepted.delete(c);
        kept.push(why);
        keptInMemory.push(c);
      }
    }
    // a refused subquery conjunct cannot be evaluated over the merged row: plan the scans one by one
    if (keptInMemory.some(containsSubLink)) return null;
  }
  keptInMemory = keptInMemory.filter((c) => !accepted.has(c));

  const scan: RemoteScanPlan = {
    kind: "remote-scan",
    service,
    fragment: fragment(accepted),
    columns,
    estimate: estimateTree(tree, accepted, ctx),
    pushed: ["join", ...[...accepted].map(() => "filter")],
    kept,
  };
  if (keptInMemory.length === 0) return scan;
  const predicates = keptInMemory.map((c) => remapColumns(ctx.remap(ctx.bind(c)), positions));
  return {
    kind: "filter",
    input: scan,
    predicate: boundAnd(predicates),
    columns,
    estimate: Math.max(1, Math.round(scan.estimate / 3)),
  };
}

export function scansIn(tree: JoinTree, into: Scan[] = []): Scan[] {
  if (tree.kind === "scan") into.push(tree.scan);
  else {
    scansIn(tree.left, into);
    scansIn(tree.right, into);
  }
  return into;
}

function joinOn(tree: JoinTree): Node[] {
  if (tree.kind === "scan") return [];
  return [...tree.on, ...(tree.pushedOn ?? []), ...joinOn(tree.left), ...joinOn(tree.right)];
}

function collectPushedOn(tree: JoinTree, into: Set<Node>): void {
  if (tree.kind === "scan") return;
  for (const c of tree.pushedOn ?? []) into.add(c);
  collectPushedOn(tree.left, into);
  collectPushedOn(tree.right, into);
}

function collectOptionalOn(tree: JoinTree, into: Set<Node>): void {
  if (tree.kind === "scan" || tree.type !== "inner") return;
  for (const c of [...tree.on, ...(tree.pushedOn ?? [])]) if (!containsSubLink(c)) into.add(c);
  collectOptionalOn(tree.left, into);
  collectOptionalOn(tree.right, into);
}

const joinTypes = { inner: "JOIN_INNER", left: "JOIN_LEFT", right: "JOIN_RIGHT", full: "JOIN_FULL" } as const;

/** The FROM item of the subtree: the tables under their aliases, the joins with their ON conditions. */
function fromItem(tree: JoinTree, include: (c: Node) => boolean): Node {
  if (tree.kind === "scan") {
    return rangeVar(tree.scan.service, tree.scan.table.name, tree.scan.alias);
  }
  const quals = [...tree.on, ...(tree.pushedOn ?? [])].filter(include);
  return {
    JoinExpr: {
      jointype: joinTypes[tree.type],
      larg: fromItem(tree.left, include),
      rarg: fromItem(tree.right, include),
      // an inner join without a condition is a CROSS JOIN; an outer one needs ON TRUE
      quals: and(quals) ?? (tree.type === "inner" ? undefined : boolConst(true)),
    },
  } as unknown as Node;
}

/**
 * Rows of the merged join, by the rule the in-memory planner uses: a join on an
 * equality keeps the larger input's count, a join without one multiplies them.
 */
function estimateTree(tree: JoinTree, accepted: Set<Node>, ctx: SubtreeContext): number {
  if (tree.kind === "scan") {
    return ctx.estimateScan(
      tree.scan,
      tree.scan.offered.filter((c) => accepted.has(c)),
    );
  }
  const l = estimateTree(tree.left, accepted, ctx);
  const r = estimateTree(tree.right, accepted, ctx);
  const keyed = [...tree.on, ...(tree.pushedOn ?? [])].some(isColumnEquality);
  if (!keyed) return tree.type === "full" ? l + r : Math.max(1, l * r);
  return tree.type === "left" ? l : tree.type === "right" ? r : Math.max(l, r);
}

function isColumnEquality(node: Node): boolean {
  const e = (node as any).A_Expr;
  return (
    e?.kind === "AEXPR_OP" &&
    e.name?.[0]?.String?.sval === "=" &&
    Boolean(e.lexpr?.ColumnRef) &&
    Boolean(e.rexpr?.ColumnRef)
  );
}
