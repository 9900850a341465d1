import type { Node } from "@pgsql/types";
import { type BoundExpr, boundAnd } from "./bound-expr.ts";
import { type AtMostOne, cardinalityEstimate, describeAtMostOne } from "./join-cardinality.ts";
import { chooseJoinOrder } from "./join-order.ts";
import type { JoinTree, Scan } from "./plan-select.ts";
import { planSameServiceSubtree, type SubtreeContext, scansIn } from "./plan-subtree.ts";
import type { BindJoinPlan, PlanColumn, QueryPlan } from "./query-plan.ts";
import { remapColumns, shift } from "./remap.ts";

export interface RegionContext extends SubtreeContext {
  scans: Scan[];
  /** plans a subtree the usual way (its columns in compact order) */
  planUnit: (tree: JoinTree) => QueryPlan;
  scansOf: (e: BoundExpr) => Scan[];
  equiKey: (e: BoundExpr, leftIds: Set<number>) => { left: BoundExpr; right: BoundExpr; type: number } | null;
  /** the relationship that makes full-width keys `left[i] = right[i]` at most one match per referencing row */
  atMostOne: (left: BoundExpr[], right: BoundExpr[]) => AtMostOne | null;
  chooseBindJoin: (
    joinType: "inner",
    left: QueryPlan,
    right: QueryPlan,
    leftKeys: BoundExpr[],
    rightKeys: BoundExpr[],
    keyTypes: number[],
    residual: BoundExpr[],
    columns: PlanColumn[],
  ) => BindJoinPlan | null;
}

interface Unit {
  plan: QueryPlan;
  scanIds: Set<number>;
  /** the compact column indexes the unit's plan returns, in its order */
  compact: number[];
}

/**
 * A chain of three or more inputs joined by inner joins (JOIN … ON or commas with
 * WHERE keys) is joined in the order chooseJoinOrder picks, tables of one service
 * that a condition links being first merged into one remote join. Outer joins inside
 * the chain stay whole (they are inputs of it). The chain's columns come out in the
 * order the query wrote them: a projection restores it when the order changed.
 */
export function planInnerRegion(tree: JoinTree, ctx: RegionContext): QueryPlan | null {
  if (tree.kind !== "join" || tree.type !== "inner") return null;
  const leaves: JoinTree[] = [];
  const pending: Node[] = [];
  collectRegion(tree, leaves, pending);
  if (leaves.length < 3) return null;

  const idsOf = (c: Node) => new Set(ctx.scansOf(ctx.bind(c)).map((s) => s.id));
  const conditionIds = new Map(pending.map((c) => [c, idsOf(c)]));
  const units: Unit[] = [];
  for (const group of sameServiceGroups(leaves, pending, conditionIds)) {
    const merged = group.length > 1 ? mergeGroup(group, pending, conditionIds, ctx) : null;
    if (merged) units.push(merged);
    else for (const leaf of group) units.push(unitOf(leaf, ctx));
  }
  if (units.length < 2) return units[0]?.plan ?? null;

  const order = chooseJoinOrder(
    units.map((u) => ({ estimate: u.plan.estimate, scanIds: u.scanIds })),
    pending.map((c) => ({ scanIds: conditionIds.get(c)!, equality: isEquality(ctx.bind(c), ctx) })),
  );

  const position = new Map<number, number>();
  const place = (u: Unit) => {
    const start = position.size;
    for (const [k, x] of u.compact.entries()) position.set(x, start + k);
  };
  const first = units[order[0]];
  let plan = first.plan;
  place(first);
  const joined = new Set(first.scanIds);
  let rest = pending;
  for (const i of order.slice(1)) {
    const unit = units[i];
    const right = unit.plan;
    const leftWidth = position.size;
    place(unit);
    const local = (e: BoundExpr) => remapColumns(ctx.remap(e), position);
    const ready = rest.filter((c) =>
      [...conditionIds.get(c)!].every((id) => joined.has(id) || unit.scanIds.has(id)),
    );
    rest = rest.filter((c) => !ready.includes(c));
    const leftKeys: BoundExpr[] = [];
    const rightKeys: BoundExpr[] = [];
    const keyTypes: number[] = [];
    const residual: BoundExpr[] = [];
    const fullKeys: { left: BoundExpr[]; right: BoundExpr[] } = { left: [], right: [] };
    for (const c of ready) {
      const bound = ctx.bind(c);
      const key = ctx.equiKey(bound, joined);
      if (key) {
        leftKeys.push(local(key.left));
        rightKeys.push(shift(local(key.right), -leftWidth));
        keyTypes.push(key.type);
        fullKeys.left.push(key.left);
        fullKeys.right.push(key.right);
      } else residual.push(local(bound));
    }
    const match = ctx.atMostOne(fullKeys.left, fullKeys.right);
    const atMostOne = match ? describeAtMostOne(match) : undefined;
    for (const id of unit.scanIds) joined.add(id);
    const columns = [...plan.columns, ...right.columns];
    const bindJoin = ctx.chooseBindJoin(
      "inner",
      plan,
      right,
      leftKeys,
      rightKeys,
      keyTypes,
      residual,
      columns,
    );
    const condition = residual.length === 0 ? null : boundAnd(residual);
    plan =
      (bindJoin && atMostOne ? { ...bindJoin, atMostOne } : bindJoin) ??
      (leftKeys.length === 0
        ? {
            kind: "nested-loop",
            joinType: "inner",
            left: plan,
            right,
            condition,
            columns,
            estimate: plan.estimate * right.estimate,
          }
        : {
            kind: "hash-join",
            joinType: "inner",
            build: right.estimate <= plan.estimate ? "right" : "left",
            left: plan,
            right,
            leftKeys,
            rightKeys,
            keyTypes,
            residual: condition,
            ...(atMostOne ? { atMostOne } : {}),
            columns,
            estimate: cardinalityEstimate(
              "inner",
              match,
              plan.estimate,
              right.estimate,
              Math.max(plan.estimate, right.estimate),
            ),
          });
  }

  // back to the written order: compact indexes ascending
  const written = [...position.keys()].sort((a, b) => a - b);
  if (written.every((x, k) => position.get(x) === k)) return plan;
  const input = plan;
  const exprs = written.map((x): BoundExpr => {
    const at = position.get(x)!;
    return { kind: "column", index: at, type: input.columns[at].oid, typmod: input.columns[at].typmod };
  });
  return {
    kind: "project",
    input,
    exprs,
    columns: written.map((x) => input.columns[position.get(x)!]),
    estimate: input.estimate,
  };
}

function collectRegion(tree: JoinTree, leaves: JoinTree[], conditions: Node[]): void {
  if (tree.kind === "join" && tree.type === "inner") {
    collectRegion(tree.left, leaves, conditions);
    collectRegion(tree.right, leaves, conditions);
    conditions.push(...tree.on);
  } else leaves.push(tree);
}

/**
 * Leaves in written order, grouped: plain tables of one service that the
 * conditions link (directly or through each other) form one group.
 */
function sameServiceGroups(
  leaves: JoinTree[],
  conditions: Node[],
  conditionIds: Map<Node, Set<number>>,
): JoinTree[][] {
  const parent = leaves.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i];
    return i;
  };
  const leafOf = new Map<number, number>();
  leaves.forEach((leaf, i) => {
    if (leaf.kind === "scan" && !leaf.scan.derived) leafOf.set(leaf.scan.id, i);
  });
  for (const c of conditions) {
    const ids = [...conditionIds.get(c)!];
    if (ids.length < 2 || !ids.every((id) => leafOf.has(id))) continue;
    const at = ids.map((id) => leafOf.get(id)!);
    const service = (leaves[at[0]] as { scan: Scan }).scan.service;
    if (!at.every((i) => (leaves[i] as { scan: Scan }).scan.service === service)) continue;
    for (const i of at.slice(1)) parent[find(i)] = find(at[0]);
  }
  const groups = new Map<number, JoinTree[]>();
  leaves.forEach((leaf, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), leaf]);
  });
  return [...groups.values()];
}

/** One remote join for a group of tables of one service, its conditions taken from `pending`. */
function mergeGroup(
  group: JoinTree[],
  pending: Node[],
  conditionIds: Map<Node, Set<number>>,
  ctx: RegionContext,
): Unit | null {
  const ids = new Set(group.flatMap((leaf) => scansIn(leaf).map((s) => s.id)));
  const inside = pending.filter((c) => {
    const touched = conditionIds.get(c)!;
    return touched.size > 0 && [...touched].every((id) => ids.has(id));
  });
  // a left-deep inner join in written order, each condition at the first join that sees its tables
  let tree = group[0];
  const seen = new Set(scansIn(tree).map((s) => s.id));
  const placed = new Set<Node>();
  for (const leaf of group.slice(1)) {
    for (const s of scansIn(leaf)) seen.add(s.id);
    const on = inside.filter((c) => !placed.has(c) && [...conditionIds.get(c)!].every((id) => seen.has(id)));
    for (const c of on) placed.add(c);
    tree = { kind: "join", type: "inner", left: tree, right: leaf, on };
  }
  const plan = planSameServiceSubtree(tree, ctx);
  if (!plan) return null;
  for (const c of inside) pending.splice(pending.indexOf(c), 1);
  return { plan, scanIds: ids, compact: compactOf([...ids], ctx) };
}

function unitOf(leaf: JoinTree, ctx: RegionContext): Unit {
  const ids = scansIn(leaf).map((s) => s.id);
  return { plan: ctx.planUnit(leaf), scanIds: new Set(ids), compact: compactOf(ids, ctx) };
}

function compactOf(ids: number[], ctx: RegionContext): number[] {
  const out: number[] = [];
  for (const id of [...ids].sort((a, b) => a - b)) {
    const s = ctx.scans[id];
    for (const i of ctx.layout.perScan.get(id)!) out.push(ctx.layout.map.get(s.offset + i)!);
  }
  return out;
}

function isEquality(e: BoundExpr, ctx: RegionContext): boolean {
  return (
    e.kind === "call" &&
    e.fn.name === "=" &&
    e.args.length === 2 &&
    ctx.scansOf(e.args[0]).length > 0 &&
    ctx.scansOf(e.args[1]).length > 0
  );
}
