import type { Node, SelectStmt } from "@pgsql/types";
import type { Relationship } from "../catalog/relationships/types.ts";
import { PgError, SqlState } from "../common/pg-error.ts";
import { Oid } from "../common/pg-types.ts";
import type { Value } from "../common/values.ts";
import type { Capabilities, NativeQuery, SourceTable } from "../connectors/spi.ts";
import { hypotheticalSetAggregateNames, orderedSetAggregateNames } from "./aggregate-names.ts";
import { moveCorrelatedOnToWhere } from "./apply-join-on.ts";
import { type LateralSource, planLateral } from "./apply-subquery.ts";
import {
  and,
  astKey,
  columnRef,
  columnRefs,
  conjuncts,
  containsSubLink,
  funcName,
  isAggregateCall,
  presentClause,
  rangeVar,
  refName,
  resTarget,
  selectStmt,
} from "./ast-nodes.ts";
import { type BindContext, bindExpr, castTo } from "./bind-expr.ts";
import { bindSettings, keyedScan, worthBinding } from "./bind-join-choice.ts";
import { type BoundAggregate, type BoundExpr, boolOid, boundAnd, columnsOf } from "./bound-expr.ts";
import { decorrelateLateral } from "./decorrelate-lateral.ts";
import { eagerAggregate } from "./eager-aggregate.ts";
import { estimateRows } from "./estimate.ts";
import { atMostOneMatch, cardinalityEstimate, describeAtMostOne } from "./join-cardinality.ts";
import { rewriteJoinUsing } from "./join-using.ts";
import { pushAggregate, pushOrderLimit } from "./plan-aggpush.ts";
import {
  type ApplyStage,
  applyNode,
  applyReads,
  extractApplies,
  type PendingApply,
  postApplyHook,
} from "./plan-apply.ts";
import { planInnerRegion } from "./plan-inner-region.ts";
import { bindWithinGroupAggregate } from "./plan-ordered-set.ts";
import { addRelationshipKeys, realColumns, withRelationshipFetch } from "./plan-relationship.ts";
import { hiddenFromStar, relationshipAt, withRelationshipColumns } from "./plan-relationship-catalog.ts";
import { planSetOperationOrValues } from "./plan-setop.ts";
import {
  clientParamCount,
  type DerivedSource,
  derivedScan,
  outerColumnRefs,
  planDerivedScan,
  planSubLinkJoin,
  prepareSubqueries,
  scanForSubLink,
  shareParams,
  withInitParams,
} from "./plan-subquery.ts";
import { planSameServiceSubtree, scansIn } from "./plan-subtree.ts";
import { collectWindowCalls, inlineNamedWindows, planWindows, sortKey } from "./plan-window.ts";
import type { BindJoinPlan, PlanColumn, QueryPlan, RemoteScanPlan } from "./query-plan.ts";
import { mapColumns, remapColumns, shift } from "./remap.ts";
import type { ScalarCatalog } from "./scalar-catalog.ts";
import { inlineCtes } from "./subquery-cte.ts";
import { decorrelateSubqueries } from "./subquery-decorrelate.ts";
import { freeRefs } from "./subquery-scope.ts";
import { inSubplan, readsVolatile, volatileReason } from "./volatile-params.ts";

/** What the planner asks of the catalog and the connectors (a narrow view, no driver types). */
export interface PlannerCatalog {
  isService(schema: string): boolean;
  serviceForUnqualified(table: string): string | null;
  table(service: string, table: string): SourceTable | undefined;
  /** the service's declared capabilities (bind batch sizes, placeholder limits, concurrency) */
  capabilities(service: string): Capabilities;
  /** compiles a fragment for a service; throws PgError 0A000 for what the service cannot run exactly */
  compileFragment(service: string, fragment: Node, params: Value[], paramTypes: number[]): NativeQuery;
  /** rows this fragment returned when it last ran to the end (refines estimates); undefined when unknown */
  observedRows?(service: string, fragment: Node): number | undefined;
  /** the relationships of a table (virtual and discovered): its relationship columns */
  relationships?(service: string, table: string): readonly Relationship[];
}

export interface PlanInput {
  catalog: PlannerCatalog;
  scalars: ScalarCatalog;
  params: Value[];
  paramTypes: number[];
  /**
   * Set while planning the subquery of an apply (plan-apply.ts): the parameters that stand for
   * the outer query's columns, and those computed from them. Nothing that reads one is offered
   * to a service, so every remote scan of the subquery is the same for all outer rows.
   */
  volatileParams?: Set<number>;
}

export interface Scan {
  id: number;
  service: string;
  table: SourceTable;
  alias: string;
  /** offset of this scan's first column in the full-width row of the FROM clause */
  offset: number;
  /** conjunct ASTs offered to the source */
  offered: Node[];
  /** joins that make this scan's rows nullable: its filters cannot be pushed from WHERE */
  nullable: boolean;
  /** offered conjuncts the service refused: they run in memory right above the scan */
  keptInMemory: Node[];
  /** a subquery in FROM (or an inlined CTE) instead of a table */
  derived?: DerivedSource;
  /** not a FROM item: the columns applies add to the rows (plan-apply.ts), never scanned */
  apply?: ApplyStage;
  /** a LATERAL subquery run as an apply over the rows of its join's left side */
  lateral?: LateralSource;
}

export type JoinTree =
  | { kind: "scan"; scan: Scan }
  | {
      kind: "join";
      type: "inner" | "left" | "right" | "full";
      left: JoinTree;
      right: JoinTree;
      on: Node[];
      /** ON conjuncts moved into a scan (a merged same-service join puts them back in this ON) */
      pushedOn?: Node[];
    };

/**
 * Plans a SELECT over tables of several services: each table becomes a remote
 * scan carrying the predicates its service accepts, joins run in memory as hash
 * joins on their equality keys, and the rest (residual filters, grouping,
 * sorting, limits) runs in memory over PostgreSQL semantics.
 */
export function planSelect(stmt: SelectStmt, input: PlanInput): QueryPlan {
  try {
    // relationship columns are columns of their tables from here on (plan-relationship-catalog.ts)
    input = withRelationshipColumns(input);
    stmt = moveCorrelatedOnToWhere(inlineCtes(stmt), input.catalog);
    stmt = rewriteJoinUsing(decorrelateSubqueries(stmt, input.catalog), input.catalog);
    stmt = eagerAggregate(stmt, input.catalog, input.params);
    input = shareParams(input);
    return (
      planSetOperationOrValues(stmt, input, planSelect) ??
      planSelectUnchecked(inlineNamedWindows(stmt), input)
    );
  } catch (err) {
    // The mirror has already accepted the statement, so a resolution error here means
    // Weft's own library lacks the function, operator or cast: say so, with 0A000.
    if (err instanceof PgError && resolutionErrors.has(err.code)) {
      throw new PgError(
        SqlState.featureNotSupported,
        `${err.message}: Weft cannot evaluate this in memory yet`,
        {
          hint: "Run it on one service, where it can be pushed down whole.",
        },
      );
    }
    throw err;
  }
}

const resolutionErrors = new Set(["42883", "42725", "42804", "42846"]);

function planSelectUnchecked(stmt: SelectStmt, input: PlanInput): QueryPlan {
  refuseUnsupported(stmt);
  // correlated LATERAL subqueries become derived tables joined on their correlation
  stmt = decorrelateLateral(stmt, input.catalog);
  const scans: Scan[] = [];
  const from = (stmt.fromClause ?? []) as Node[];
  if (from.length === 0)
    throw new PgError(SqlState.featureNotSupported, "a SELECT without FROM has no service to run on");
  let tree = buildFromItem(from[0], scans, input, false);
  for (const item of from.slice(1)) {
    tree = {
      kind: "join",
      type: "inner",
      left: tree,
      right: buildFromItem(item, scans, input, false),
      on: [],
    };
  }
  const bindFull = (node: Node, hook?: BindContext["hook"]): BoundExpr =>
    bindExpr(node, {
      scalars: input.scalars,
      paramTypes: input.paramTypes,
      columns: columnResolver(scans),
      hook,
    });
  // correlated subqueries no rewrite could join become applies, read through pseudo FROM items
  const applies = extractApplies(stmt, {
    input,
    planSelect,
    bindFull,
    taken: new Set(scans.map((s) => s.alias)),
  });
  if (applies) {
    stmt = applies.stmt;
    for (const t of applies.tables) {
      const offset = scans.reduce((n, s) => n + s.table.columns.length, 0);
      scans.push({
        id: scans.length,
        service: "",
        table: t.table,
        alias: t.alias,
        offset,
        offered: [],
        // never offered a WHERE conjunct: those reading it are evaluated above the apply
        nullable: true,
        keptInMemory: [],
        apply: t.stage,
      });
    }
  }
  // scalar subqueries become init plans; [NOT] EXISTS / [NOT] IN conjuncts become semi/anti joins
  const subqueries = prepareSubqueries(stmt, input, planSelect);
  stmt = subqueries.stmt;
  const subLinkJoins: Node[] = [];

  // WHERE: split into conjuncts; one-scan conjuncts are offered to that scan's service.
  const residualWhere: Node[] = [];
  for (const conjunct of conjuncts(stmt.whereClause)) {
    if (subqueries.joinConjuncts.includes(conjunct)) {
      const owner = scanForSubLink(conjunct, scans, input);
      if (owner) owner.offered.push(conjunct);
      else subLinkJoins.push(conjunct);
      continue;
    }
    const bound = bindFull(conjunct);
    const touched = scansOf(bound, scans);
    if (touched.length === 1 && !touched[0].nullable) touched[0].offered.push(conjunct);
    else if (touched.length > 1 && attachToInnerJoin(tree, new Set(touched.map((t) => t.id)), conjunct))
      continue;
    else residualWhere.push(conjunct);
  }
  // PostgreSQL evaluates a relationship's scalar subquery after the cheaper quals ([NOT] IN …), so
  // a row they drop never raises its 21000: those conjuncts wait until the semi/anti joins are done
  const lateWhere: Node[] = [];
  if (subLinkJoins.length > 0) {
    const late = (n: Node) => readsSingleRelationship(bindFull(n), scans);
    for (const n of residualWhere) if (late(n)) lateWhere.push(n);
    for (const s of scans) for (const n of s.offered) if (!containsSubLink(n) && late(n)) lateWhere.push(n);
    residualWhere.splice(0, residualWhere.length, ...residualWhere.filter((n) => !lateWhere.includes(n)));
    for (const s of scans) s.offered = s.offered.filter((n) => !lateWhere.includes(n));
  }
  // ON conditions of inner joins, and the nullable side's conditions of outer joins, are offered too.
  offerJoinConditions(tree, scans, bindFull);

  // Everything the query reads, to prune each scan's columns.
  const targets = expandTargets(stmt, scans);
  const exprsUsed: BoundExpr[] = [];
  for (const node of [...residualWhere, ...lateWhere]) exprsUsed.push(bindFull(node));
  for (const node of joinConditions(tree)) exprsUsed.push(bindFull(node));
  for (const s of scans)
    for (const node of s.offered) if (!containsSubLink(node)) exprsUsed.push(bindFull(node));
  for (const c of subLinkJoins) for (const ref of outerColumnRefs(c, input)) exprsUsed.push(bindFull(ref));
  for (const a of [...(applies?.pre ?? []), ...(applies?.post ?? [])])
    for (const ref of applyReads(a)) exprsUsed.push(bindFull(ref));
  for (const s of scans) for (const p of s.lateral?.params ?? []) exprsUsed.push(bindFull(p.ref));
  const readers: Node[] = [
    ...targets.map((t) => t.node),
    // GROUP BY / ORDER BY an output name or position read what that output reads
    ...((stmt.groupClause ?? []) as Node[]).map((g) => resolveGroupItem(g, targets)),
    ...(stmt.havingClause ? [stmt.havingClause as Node] : []),
    ...((stmt.sortClause ?? []) as any[])
      .map((x) => x.SortBy.node as Node)
      .filter((n) => outputIndex(n, targets) < 0),
    ...((stmt.distinctClause ?? []) as Node[]),
  ];
  for (const node of readers)
    for (const ref of columnRefs(node, { stars: false, subqueries: true })) exprsUsed.push(bindFull(ref));
  const needed = new Set<number>();
  for (const e of exprsUsed) columnsOf(e, needed);
  // a relationship column is computed from its key columns: the scan returns them too
  addRelationshipKeys(scans, needed);
  // every pre-grouping apply column is in the row, right after the joined columns
  const preScan = scans.find((s) => s.apply === "pre");
  if (preScan) for (let i = 0; i < preScan.table.columns.length; i++) needed.add(preScan.offset + i);
  const layout = compactLayout(scans, needed);
  const remap = (e: BoundExpr) => remapColumns(e, layout.map);

  let plan = planJoinTree(tree, scans, layout, input, bindFull, remap);
  if (preScan && applies) {
    const ctx: BindContext = {
      scalars: input.scalars,
      paramTypes: input.paramTypes,
      columns: (fields, location) => remap(columnResolver(scans)(fields, location)),
    };
    applies.pre.forEach((a, i) => {
      if (layout.map.get(preScan.offset + i) !== plan.columns.length)
        throw new PgError(SqlState.internalError, "an apply's column is not where the layout expects it");
      plan = applyNode(plan, a, ctx, input);
    });
  }
  if (residualWhere.length > 0) {
    const predicate = boundAnd(residualWhere.map((n) => remap(bindFull(n))));
    plan = {
      kind: "filter",
      input: plan,
      predicate,
      columns: plan.columns,
      estimate: Math.max(1, plan.estimate / 4),
    };
  }
  for (const c of subLinkJoins) {
    plan = planSubLinkJoin(plan, c, { input, planSelect, bindOuter: (n) => remap(bindFull(n)) });
  }
  if (lateWhere.length > 0) {
    const predicate = boundAnd(lateWhere.map((n) => remap(bindFull(n))));
    plan = { kind: "filter", input: plan, predicate, columns: plan.columns, estimate: plan.estimate };
  }
  return withInitParams(
    planOutput(stmt, plan, targets, scans, layout, input, applies?.post ?? []),
    subqueries.inits,
    input,
  );
}

// ---------------------------------------------------------------- FROM

function buildFromItem(node: Node, scans: Scan[], input: PlanInput, nullable: boolean): JoinTree {
  const [kind, body] = Object.entries(node)[0] as [string, any];
  if (kind === "RangeVar") {
    const schema: string | null = body.schemaname ?? null;
    const service = schema ?? input.catalog.serviceForUnqualified(body.relname);
    if (!service || !input.catalog.isService(service)) {
      throw new PgError(SqlState.featureNotSupported, `relation ${body.relname} is not a service table`);
    }
    const table = input.catalog.table(service, body.relname);
    if (!table)
      throw new PgError(SqlState.undefinedTable, `relation "${service}.${body.relname}" does not exist`);
    const offset = scans.reduce((n, s) => n + s.table.columns.length, 0);
    const scan: Scan = {
      id: scans.length,
      service,
      table,
      alias: body.alias?.aliasname ?? body.relname,
      offset,
      offered: [],
      nullable,
      keptInMemory: [],
    };
    scans.push(scan);
    return { kind: "scan", scan };
  }
  if (kind === "JoinExpr") {
    const type = joinTypeOf(body.jointype);
    if (body.isNatural)
      throw new PgError(SqlState.featureNotSupported, "NATURAL joins across services are not supported yet");
    if (body.usingClause)
      throw new PgError(SqlState.featureNotSupported, "JOIN … USING across services is not supported yet");
    const left = buildFromItem(body.larg, scans, input, nullable || type === "right" || type === "full");
    const right = buildFromItem(body.rarg, scans, input, nullable || type === "left" || type === "full");
    return { kind: "join", type: type === "cross" ? "inner" : type, left, right, on: conjuncts(body.quals) };
  }
  if (kind === "RangeSubselect") {
    const offset = scans.reduce((n, s) => n + s.table.columns.length, 0);
    // a LATERAL subquery the rewrites left LATERAL reads the items before it: an apply
    const lateral =
      body.lateral && freeRefs(body.subquery.SelectStmt, input.catalog).length > 0
        ? planLateral(body, input, planSelect, (n) =>
            bindExpr(n, {
              scalars: input.scalars,
              paramTypes: input.paramTypes,
              columns: columnResolver(scans),
            }),
          )
        : null;
    const scan: Scan = {
      id: scans.length,
      ...(lateral ? { service: "", ...lateral } : derivedScan(body, input, planSelect)),
      offset,
      offered: [],
      // WHERE conjuncts over its columns run above it
      nullable: nullable || lateral !== null,
      keptInMemory: [],
    };
    scans.push(scan);
    return { kind: "scan", scan };
  }
  throw new PgError(
    SqlState.featureNotSupported,
    `${kind === "RangeSubselect" ? "subqueries in FROM" : kind} across services are not supported yet`,
  );
}

function joinTypeOf(t: string): "inner" | "left" | "right" | "full" | "cross" {
  switch (t) {
    case "JOIN_LEFT":
      return "left";
    case "JOIN_RIGHT":
      return "right";
    case "JOIN_FULL":
      return "full";
    default:
      return "inner";
  }
}

function scanIds(tree: JoinTree, into: Set<number> = new Set()): Set<number> {
  if (tree.kind === "scan") into.add(tree.scan.id);
  else {
    scanIds(tree.left, into);
    scanIds(tree.right, into);
  }
  return into;
}

function joinConditions(tree: JoinTree): Node[] {
  if (tree.kind === "scan") return [];
  return [...joinConditions(tree.left), ...joinConditions(tree.right), ...tree.on];
}

/** Moves one-scan ON conjuncts into the scan when that keeps the join's meaning. */
function offerJoinConditions(tree: JoinTree, scans: Scan[], bind: (n: Node) => BoundExpr): void {
  if (tree.kind === "scan") return;
  offerJoinConditions(tree.left, scans, bind);
  offerJoinConditions(tree.right, scans, bind);
  const leftIds = scanIds(tree.left);
  const rightIds = scanIds(tree.right);
  const kept: Node[] = [];
  for (const c of tree.on) {
    const touched = scansOf(bind(c), scans);
    const only = touched.length === 1 ? touched[0] : null;
    // inner: either side; left join: only the right (nullable) side; right join: only the left side
    const pushable =
      only !== null &&
      !only.lateral &&
      ((tree.type === "inner" &&
        (leftIds.has(only.id) || rightIds.has(only.id)) &&
        !isUnderOuter(only, tree)) ||
        (tree.type === "left" && rightIds.has(only.id) && directScan(tree.right, only)) ||
        (tree.type === "right" && leftIds.has(only.id) && directScan(tree.left, only)));
    if (pushable && only) {
      only.offered.push(c);
      tree.pushedOn = [...(tree.pushedOn ?? []), c];
    } else kept.push(c);
  }
  tree.on = kept;
}

/**
 * A WHERE conjunct over several tables belongs to the lowest join that sees them
 * all, when every join from the top down to it is an inner join (or it lies on the
 * preserved side of an outer join, where filtering before the join keeps the same rows):
 * there it becomes a join condition (a hash key when it is an equality) instead of a
 * filter over a cross product.
 */
function attachToInnerJoin(tree: JoinTree, ids: Set<number>, conjunct: Node): boolean {
  if (tree.kind === "scan") return false;
  if (tree.type === "left" || tree.type === "right") {
    const kept = tree.type === "left" ? tree.left : tree.right;
    return [...ids].every((id) => scanIds(kept).has(id)) && attachToInnerJoin(kept, ids, conjunct);
  }
  if (tree.type !== "inner") return false;
  const within = (t: JoinTree) => [...ids].every((id) => scanIds(t).has(id));
  if (!within(tree)) return false;
  const below = within(tree.left) ? tree.left : within(tree.right) ? tree.right : null;
  if (below && attachToInnerJoin(below, ids, conjunct)) return true;
  tree.on.push(conjunct);
  return true;
}

function directScan(tree: JoinTree, scan: Scan): boolean {
  return tree.kind === "scan" && tree.scan === scan;
}

function isUnderOuter(scan: Scan, tree: JoinTree): boolean {
  // an inner join's condition on a scan that sits below an outer join inside this subtree would filter
  // NULL-extended rows differently: keep it in memory
  const walk = (t: JoinTree, outer: boolean): boolean => {
    if (t.kind === "scan") return t.scan === scan && outer;
    const o = outer || t.type !== "inner";
    return walk(t.left, o) || walk(t.right, o);
  };
  return tree.kind === "join" && (walk(tree.left, false) || walk(tree.right, false));
}

// ---------------------------------------------------------------- names

function columnResolver(scans: Scan[]): BindContext["columns"] {
  return (fields) => {
    if (fields.length === 0 || fields[fields.length - 1] === "*") {
      throw new PgError(SqlState.featureNotSupported, "* inside an expression is not supported here");
    }
    const column = fields[fields.length - 1];
    const qualifier = fields.length >= 2 ? fields[fields.length - 2] : null;
    const candidates = scans.filter((s) => qualifier === null || s.alias === qualifier);
    const matches: BoundExpr[] = [];
    for (const s of candidates) {
      const i = s.table.columns.findIndex((c) => c.name === column);
      if (i >= 0) {
        const c = s.table.columns[i];
        const ref: BoundExpr = {
          kind: "column",
          index: s.offset + i,
          type: c.type.oid,
          typmod: c.type.typmod,
        };
        matches.push(singleRelationship(s, i) ? { ...ref, kind: "apply-value", arg: ref } : ref);
      }
    }
    if (matches.length === 0)
      throw new PgError(SqlState.undefinedColumn, `column "${fields.join(".")}" does not exist`);
    if (matches.length > 1)
      throw new PgError(SqlState.ambiguousColumn, `column reference "${column}" is ambiguous`);
    return matches[0];
  };
}

/**
 * A belongs_to/has_one column holds its 21000 for a row with two related rows (relationship-fetch.ts):
 * it is read through `apply-value`, which raises only for the rows an expression reads it for.
 */
function singleRelationship(s: Scan, i: number): boolean {
  if (s.derived || s.apply || s.lateral) return false;
  const r = relationshipAt(s.table, i);
  return r !== null && (r.type === "belongs_to" || r.type === "has_one");
}

function readsSingleRelationship(expr: BoundExpr, scans: Scan[]): boolean {
  return [...columnsOf(expr)].some((i) =>
    scans.some(
      (s) => i >= s.offset && i < s.offset + s.table.columns.length && singleRelationship(s, i - s.offset),
    ),
  );
}

function scansOf(expr: BoundExpr, scans: Scan[]): Scan[] {
  const found = new Set<Scan>();
  for (const i of columnsOf(expr)) {
    const s = scans.find((x) => i >= x.offset && i < x.offset + x.table.columns.length);
    if (s) found.add(s);
  }
  return [...found];
}

export interface Layout {
  /** full-width index → compact index */
  map: Map<number, number>;
  /** per scan, the table columns it must return, in compact order */
  perScan: Map<number, number[]>;
}

function compactLayout(scans: Scan[], needed: Set<number>): Layout {
  const map = new Map<number, number>();
  const perScan = new Map<number, number[]>();
  let next = 0;
  for (const s of scans) {
    const cols: number[] = [];
    for (let i = 0; i < s.table.columns.length; i++) {
      if (needed.has(s.offset + i)) cols.push(i);
    }
    // a scan nobody reads a column of still has to produce its rows (count(*), joins without keys)
    if (cols.length === 0) cols.push(0);
    for (const i of cols) map.set(s.offset + i, next++);
    perScan.set(s.id, cols);
  }
  return { map, perScan };
}

// ---------------------------------------------------------------- joins

function planJoinTree(
  tree: JoinTree,
  scans: Scan[],
  layout: Layout,
  input: PlanInput,
  bind: (n: Node) => BoundExpr,
  remap: (e: BoundExpr) => BoundExpr,
): QueryPlan {
  if (tree.kind === "scan") {
    const base = firstCompactIndex(tree.scan, layout);
    // planning the scan decides what its service refuses, so this is read after
    const kept = () => tree.scan.keptInMemory.map((c) => shift(remap(bind(c)), -base));
    const filtered = (plan: QueryPlan, predicates: BoundExpr[]): QueryPlan =>
      predicates.length === 0
        ? plan
        : {
            kind: "filter",
            input: plan,
            predicate: boundAnd(predicates),
            columns: plan.columns,
            estimate: plan.estimate,
          };
    if (tree.scan.derived)
      return filtered(planDerivedScan(tree.scan, layout.perScan.get(tree.scan.id)!, input), kept());
    // the service's columns come first, so what reads only them filters before relationships are fetched
    const scanPlan = planScan(tree.scan, layout, input);
    const width = scanPlan.columns.length;
    const all = kept();
    const below = all.filter((e) => [...columnsOf(e)].every((i) => i < width));
    const above = all.filter((e) => !below.includes(e));
    const fetched = withRelationshipFetch(
      filtered(scanPlan, below),
      tree.scan,
      layout.perScan.get(tree.scan.id)!,
      input,
    );
    return filtered(fetched, above);
  }
  if (tree.right.kind === "scan" && tree.right.scan.lateral)
    return planLateralJoin(tree, tree.right.scan, scans, layout, input, bind, remap);
  const subtree = { input, layout, bind, remap, estimateScan };
  // a LATERAL subquery stays right of what it reads: no regrouping or reordering around it
  const fixed = scansIn(tree).some((s) => s.lateral);
  const merged = fixed
    ? null
    : (planSameServiceSubtree(tree, subtree) ??
      planInnerRegion(tree, {
        ...subtree,
        scans,
        planUnit: (t) => planJoinTree(t, scans, layout, input, bind, remap),
        scansOf: (e) => scansOf(e, scans),
        equiKey: (e, leftIds) => equiKey(e, scans, leftIds, input.scalars),
        atMostOne: (l, r) => atMostOneMatch(l, r, scans, input.catalog),
        chooseBindJoin: (type, l, r, lk, rk, kt, res, cols) =>
          chooseBindJoin(type, l, r, lk, rk, kt, res, cols, input),
      }));
  if (merged) return merged;
  const left = planJoinTree(tree.left, scans, layout, input, bind, remap);
  const right = planJoinTree(tree.right, scans, layout, input, bind, remap);
  const leftWidth = left.columns.length;
  const leftIds = scanIds(tree.left);
  const columns = [...left.columns, ...right.columns];
  // the compact layout puts scans in FROM order, and a join's left subtree's scans come first
  const base = Math.min(...[...scanIds(tree)].map((id) => firstCompactIndex(scans[id], layout)));
  const local = (e: BoundExpr) => shift(remap(e), -base);

  const leftKeys: BoundExpr[] = [];
  const rightKeys: BoundExpr[] = [];
  const keyTypes: number[] = [];
  const residual: BoundExpr[] = [];
  const fullKeys: { left: BoundExpr[]; right: BoundExpr[] } = { left: [], right: [] };
  for (const c of tree.on) {
    const bound = bind(c);
    const key = equiKey(bound, scans, leftIds, input.scalars);
    if (key) {
      leftKeys.push(local(key.left));
      rightKeys.push(shift(local(key.right), -leftWidth));
      keyTypes.push(key.type);
      fullKeys.left.push(key.left);
      fullKeys.right.push(key.right);
    } else residual.push(local(bound));
  }
  const match = atMostOneMatch(fullKeys.left, fullKeys.right, scans, input.catalog);
  const atMostOne = match ? describeAtMostOne(match) : undefined;
  const estimate = cardinalityEstimate(
    tree.type,
    match,
    left.estimate,
    right.estimate,
    Math.max(left.estimate, right.estimate),
  );
  const bindJoin = chooseBindJoin(
    tree.type,
    left,
    right,
    leftKeys,
    rightKeys,
    keyTypes,
    residual,
    columns,
    input,
  );
  if (bindJoin) return atMostOne ? { ...bindJoin, atMostOne } : bindJoin;
  if (leftKeys.length === 0) {
    return {
      kind: "nested-loop",
      joinType: tree.type,
      left,
      right,
      condition: residual.length ? boundAnd(residual) : null,
      columns,
      estimate: left.estimate * right.estimate,
    };
  }
  return {
    kind: "hash-join",
    joinType: tree.type,
    build: right.estimate <= left.estimate ? "right" : "left",
    left,
    right,
    leftKeys,
    rightKeys,
    keyTypes,
    residual: residual.length ? boundAnd(residual) : null,
    ...(atMostOne ? { atMostOne } : {}),
    columns,
    estimate,
  };
}

/**
 * `left [LEFT] JOIN LATERAL (…) ON …` the rewrites left LATERAL: an apply over the left side's
 * rows, the subquery's outer columns bound over them, the ON condition over the joined row.
 */
function planLateralJoin(
  tree: Extract<JoinTree, { kind: "join" }>,
  lateral: Scan,
  scans: Scan[],
  layout: Layout,
  input: PlanInput,
  bind: (n: Node) => BoundExpr,
  remap: (e: BoundExpr) => BoundExpr,
): QueryPlan {
  if (tree.type !== "inner" && tree.type !== "left")
    throw new PgError(
      SqlState.featureNotSupported,
      "a correlated LATERAL subquery in a RIGHT or FULL join across services is not supported yet",
    );
  const left = planJoinTree(tree.left, scans, layout, input, bind, remap);
  const base = Math.min(...[...scanIds(tree)].map((id) => firstCompactIndex(scans[id], layout)));
  const local = (e: BoundExpr) => shift(remap(e), -base);
  const { subplan, params } = lateral.lateral!;
  const ctx = { scalars: input.scalars, paramTypes: input.paramTypes, columns: () => null as never };
  const values = params.map((p) => {
    const value = local(bind(p.ref));
    if ([...columnsOf(value)].some((i) => i < 0 || i >= left.columns.length))
      throw new PgError(
        SqlState.featureNotSupported,
        "a LATERAL subquery reading a FROM item outside the left side of its join across services is not supported yet",
      );
    return { index: p.index, value: castTo(value, input.paramTypes[p.index], -1, "implicit", ctx) };
  });
  const outputs = layout.perScan.get(lateral.id)!;
  const condition = tree.on.map((c) => castTo(local(bind(c)), boolOid, -1, "implicit", ctx));
  return {
    kind: "lateral-apply",
    joinType: tree.type,
    input: left,
    subplan,
    params: values,
    outputs,
    condition: condition.length > 0 ? boundAnd(condition) : null,
    paramTypes: input.paramTypes,
    clientParams: clientParamCount(input),
    columns: [...left.columns, ...outputs.map((i) => subplan.columns[i])],
    estimate: left.estimate,
  };
}

/**
 * A bind join when one side is a remote scan keyed by a plain column and the
 * other side is expected to be much smaller: the small side's keys go to the
 * scan's service in batches instead of reading the whole table (DESIGN rule 2).
 */
function chooseBindJoin(
  joinType: "inner" | "left" | "right" | "full",
  left: QueryPlan,
  right: QueryPlan,
  leftKeys: BoundExpr[],
  rightKeys: BoundExpr[],
  keyTypes: number[],
  residual: BoundExpr[],
  columns: PlanColumn[],
  input: PlanInput,
): BindJoinPlan | null {
  // an apply's subquery runs again for every outer value: its scans must not depend on its rows
  if (leftKeys.length !== 1 || joinType === "full" || inSubplan(input)) return null;
  const options: {
    outerSide: "left" | "right";
    outer: QueryPlan;
    inner: QueryPlan;
    innerKey: BoundExpr;
    outerKey: BoundExpr;
  }[] = [];
  if (joinType !== "right")
    options.push({
      outerSide: "left",
      outer: left,
      inner: right,
      innerKey: rightKeys[0],
      outerKey: leftKeys[0],
    });
  if (joinType !== "left")
    options.push({
      outerSide: "right",
      outer: right,
      inner: left,
      innerKey: leftKeys[0],
      outerKey: rightKeys[0],
    });
  let best: BindJoinPlan | null = null;
  for (const o of options) {
    // only a plain scan of one table can take the key predicate (not a set operation or a derived table)
    const keyed = keyedScan(o.inner, o.innerKey);
    if (!keyed || !worthBinding(o.outer.estimate, keyed.scan.estimate)) continue;
    const plan: BindJoinPlan = {
      kind: "bind-join",
      joinType: joinType,
      outerSide: o.outerSide,
      left,
      right,
      inner: keyed.scan,
      outerKey: o.outerKey,
      innerKeyAlias: keyed.alias,
      innerKeyColumn: keyed.column,
      innerKeyIndex: keyed.index,
      keyType: keyTypes[0],
      residual: residual.length ? boundAnd(residual) : null,
      ...bindSettings(keyed.scan, input),
      columns,
      estimate: Math.max(1, o.outer.estimate),
    };
    if (!best || o.outer.estimate < (best.outerSide === "left" ? left : right).estimate) best = plan;
  }
  return best;
}

function estimateScan(scan: Scan, accepted: Node[], params: readonly Value[] = []): number {
  return estimateRows(scan.table, accepted, params);
}

function firstCompactIndex(scan: Scan, layout: Layout): number {
  const cols = layout.perScan.get(scan.id)!;
  return layout.map.get(scan.offset + cols[0])!;
}

/** `l = r` with l only on the left side's scans and r only on the right's (or the other way round). */
function equiKey(
  expr: BoundExpr,
  scans: Scan[],
  leftIds: Set<number>,
  scalars: ScalarCatalog,
): { left: BoundExpr; right: BoundExpr; type: number } | null {
  if (expr.kind !== "call" || expr.fn.name !== "=" || expr.args.length !== 2) return null;
  const [a, b] = expr.args;
  const sa = scansOf(a, scans);
  const sb = scansOf(b, scans);
  if (sa.length === 0 || sb.length === 0) return null;
  const aLeft = sa.every((s) => leftIds.has(s.id));
  const aRight = sa.every((s) => !leftIds.has(s.id));
  const bLeft = sb.every((s) => leftIds.has(s.id));
  const bRight = sb.every((s) => !leftIds.has(s.id));
  let [x, y] = [a, b];
  let type = a.type;
  if (a.type !== b.type) {
    // hash keys must have one type: both sides meet in their common type, as PostgreSQL compares them
    try {
      type = scalars.commonType([a.type, b.type], "JOIN");
      const ctx = { scalars, paramTypes: [], columns: () => a };
      x = castTo(a, type, -1, "implicit", ctx);
      y = castTo(b, type, -1, "implicit", ctx);
    } catch {
      return null;
    }
  }
  if (aLeft && bRight) return { left: x, right: y, type };
  if (aRight && bLeft) return { left: y, right: x, type };
  return null;
}

function planScan(scan: Scan, layout: Layout, input: PlanInput): RemoteScanPlan {
  // relationship columns are added above the scan (plan-relationship.ts)
  const cols = realColumns(scan.table, layout.perScan.get(scan.id)!);
  const columns: PlanColumn[] = cols.map((i) => {
    const c = scan.table.columns[i];
    return { name: c.name, oid: c.type.oid, typmod: c.type.typmod };
  });
  const targetList = cols.map((i) => resTarget(columnRef([scan.alias, scan.table.columns[i].name])));
  const relation = rangeVar(scan.service, scan.table.name, scan.alias);
  const fragment = (where: Node[]): Node =>
    ({
      SelectStmt: selectStmt({ targetList, fromClause: [relation], whereClause: and(where) }),
    }) as unknown as Node;

  const accepted: Node[] = [];
  const kept: string[] = [];
  for (const c of scan.offered) {
    if (readsVolatile(c, input)) {
      kept.push(volatileReason);
      scan.keptInMemory.push(c);
      continue;
    }
    try {
      input.catalog.compileFragment(scan.service, fragment([...accepted, c]), input.params, input.paramTypes);
      accepted.push(c);
    } catch (err) {
      if (!(err instanceof PgError) || err.code !== SqlState.featureNotSupported) throw err;
      kept.push(err.message);
      scan.keptInMemory.push(c);
    }
  }
  const pushed = fragment(accepted);
  // a count observed when this very fragment last ran beats a guess from table statistics
  const observed = input.catalog.observedRows?.(scan.service, pushed);
  const estimate =
    observed === undefined ? estimateScan(scan, accepted, input.params) : Math.max(1, observed);
  const lookup = outerLookup(scan, cols, input);
  return {
    kind: "remote-scan",
    service: scan.service,
    fragment: pushed,
    columns,
    estimate,
    pushed: accepted.map(() => "filter"),
    kept,
    ...(lookup.length > 0 ? { lookup } : {}),
  };
}

/**
 * The kept-in-memory conjuncts `column = $n` of a scan in an apply's subquery, $n an outer
 * value of the column's type: each evaluation reads only the cached rows holding that value.
 */
function outerLookup(
  scan: Scan,
  cols: number[],
  input: PlanInput,
): { column: number; param: number; oid: number }[] {
  const out: { column: number; param: number; oid: number }[] = [];
  for (const c of scan.keptInMemory) {
    const e = (c as any).A_Expr;
    if (e?.kind !== "AEXPR_OP" || e.name?.length !== 1 || e.name[0].String?.sval !== "=") continue;
    const [ref, param] = e.lexpr?.ColumnRef ? [e.lexpr, e.rexpr] : [e.rexpr, e.lexpr];
    const index = Number(param?.ParamRef?.number ?? 0) - 1;
    if (!ref?.ColumnRef || index < 0 || !input.volatileParams?.has(index)) continue;
    const fields = (ref.ColumnRef.fields as any[]).map((f) => String(f.String?.sval ?? "*"));
    if (fields.length > 1 && fields[fields.length - 2] !== scan.alias) continue;
    const i = scan.table.columns.findIndex((x) => x.name === fields[fields.length - 1]);
    const column = cols.indexOf(i);
    const oid = scan.table.columns[i]?.type.oid;
    if (column < 0 || oid !== input.paramTypes[index]) continue;
    out.push({ column, param: index, oid });
  }
  return out;
}

// ---------------------------------------------------------------- output: grouping, select list, order, limit

interface Target {
  node: Node;
  name: string;
}

function planOutput(
  stmt: SelectStmt,
  input0: QueryPlan,
  targets: Target[],
  scans: Scan[],
  layout: Layout,
  input: PlanInput,
  postApplies: PendingApply[],
): QueryPlan {
  let plan = input0;
  const full: BindContext = {
    scalars: input.scalars,
    paramTypes: input.paramTypes,
    columns: columnResolver(scans),
  };
  const compact = (node: Node, hook?: BindContext["hook"]) =>
    remapColumns(bindExpr(node, { ...full, hook }), layout.map);
  const grouped =
    ((stmt.groupClause ?? []) as Node[]).length > 0 ||
    targets.some((t) => hasAggregateCall(t.node)) ||
    (stmt.havingClause !== undefined && hasAggregateCall(stmt.havingClause as Node));

  // the binding over the rows entering the select list: joined rows, or groups, plus window results
  let outCtx: BindContext = {
    ...full,
    columns: (fields, location) => remapColumns(full.columns(fields, location), layout.map),
  };
  const bindOut = (node: Node): BoundExpr => bindExpr(node, outCtx);
  if (grouped) {
    const groupNodes = ((stmt.groupClause ?? []) as Node[]).map((g) => resolveGroupItem(g, targets));
    const groupKeys = groupNodes.map((g) => compact(g));
    const aggNodes: Node[] = [];
    for (const node of [
      ...targets.map((t) => t.node),
      ...(stmt.havingClause ? [stmt.havingClause as Node] : []),
      ...((stmt.sortClause ?? []) as any[]).map((x) => x.SortBy.node as Node),
      // the left operands of IN / op ANY subqueries run over the groups
      ...postApplies.flatMap((a) => a.tests),
    ]) {
      collectAggregates(node, aggNodes);
    }
    const aggregates = aggNodes.map((n) => bindAggregate(n, (a) => compact(a), input));
    const keyJson = groupNodes.map(astKey);
    const aggJson = aggNodes.map(astKey);
    const columns: PlanColumn[] = [
      ...groupKeys.map((k, i) => ({ name: `key${i}`, oid: k.type, typmod: k.typmod })),
      ...aggregates.map((a) => ({ name: a.fn.name, oid: a.type, typmod: -1 })),
    ];
    const fromItems = scans.filter((s) => !s.apply);
    const pushedAggregate =
      plan.kind === "remote-scan" && fromItems.length === 1 && !fromItems[0].derived
        ? pushAggregate(
            plan,
            {
              groupNodes,
              aggNodes,
              having: (stmt.havingClause as Node | undefined) ?? null,
              groupKeys,
              aggregates,
            },
            input,
          )
        : null;
    plan = pushedAggregate ?? {
      kind: "aggregate",
      input: plan,
      groupKeys,
      aggregates,
      columns,
      estimate: groupKeys.length === 0 ? 1 : Math.max(1, Math.round(plan.estimate / 10)),
    };
    const hook = (node: Node): BoundExpr | undefined => {
      const json = astKey(node);
      const k = keyJson.indexOf(json);
      if (k >= 0) return { kind: "column", index: k, type: groupKeys[k].type, typmod: groupKeys[k].typmod };
      const a = aggJson.indexOf(json);
      if (a >= 0)
        return { kind: "column", index: groupKeys.length + a, type: aggregates[a].type, typmod: -1 };
      if ((node as any).ColumnRef) {
        const bound = compact(node);
        const same = groupKeys.findIndex(
          (g) => astKey(g as unknown as Node) === astKey(bound as unknown as Node),
        );
        if (same >= 0)
          return { kind: "column", index: same, type: groupKeys[same].type, typmod: groupKeys[same].typmod };
        throw new PgError(
          SqlState.groupingError,
          `column "${refName(node)}" must appear in the GROUP BY clause or be used in an aggregate function`,
        );
      }
      return undefined;
    };
    outCtx = {
      scalars: input.scalars,
      paramTypes: input.paramTypes,
      columns: () => {
        throw new PgError(
          SqlState.groupingError,
          "a column must appear in the GROUP BY clause or be used in an aggregate function",
        );
      },
      hook,
    };
    // subqueries over the groups (select list, HAVING, ORDER BY) add their columns
    if (postApplies.length > 0) {
      const first = plan.columns.length;
      for (const a of postApplies) plan = applyNode(plan, a, outCtx, input);
      const applied = postApplyHook(postApplies, first);
      const below = outCtx.hook;
      outCtx = { ...outCtx, hook: (node) => applied(node) ?? below?.(node) };
    }
    // a HAVING the source accepted with the grouping is not repeated in memory
    if (stmt.havingClause && !pushedAggregate?.pushed.includes("having")) {
      const predicate = castTo(bindOut(stmt.havingClause as Node), boolOid, -1, "implicit", full);
      plan = { kind: "filter", input: plan, predicate, columns: plan.columns, estimate: plan.estimate };
    }
  }

  // window functions run over the grouped (or joined) rows, before the select list
  const windowCalls = collectWindowCalls([
    ...targets.map((t) => t.node),
    ...((stmt.sortClause ?? []) as any[]).map((x) => x.SortBy.node as Node),
  ]);
  if (windowCalls.length > 0) {
    const windows = planWindows(plan, windowCalls, outCtx);
    plan = windows.plan;
    const below = outCtx.hook;
    outCtx = { ...outCtx, hook: (node) => windows.hook(node) ?? below?.(node) };
  }

  // select list, plus hidden sort expressions that are not output columns
  const exprs = targets.map((t) => bindOut(t.node));
  const distinctOnNodes = ((stmt.distinctClause ?? []) as Node[]).filter((d) => Object.keys(d).length > 0);
  const sortKeys: { index: number; descending: boolean; nullsFirst: boolean }[] = [];
  for (const item of (stmt.sortClause ?? []) as any[]) {
    const sortBy = item.SortBy;
    const node = sortBy.node as Node;
    let index = outputIndex(node, targets);
    if (index < 0) {
      if (stmt.distinctClause && distinctOnNodes.length === 0) {
        throw new PgError(
          SqlState.invalidColumnReference,
          "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
        );
      }
      exprs.push(bindOut(node));
      index = exprs.length - 1;
    }
    const descending = sortBy.sortby_dir === "SORTBY_DESC";
    const nulls = sortBy.sortby_nulls;
    const nullsFirst =
      nulls === "SORTBY_NULLS_FIRST" ? true : nulls === "SORTBY_NULLS_LAST" ? false : descending;
    sortKeys.push({ index, descending, nullsFirst });
  }
  const distinctOnIndexes = distinctOnNodes.map((node) => {
    const index = outputIndex(node, targets);
    if (index >= 0) return index;
    exprs.push(bindOut(node));
    return exprs.length - 1;
  });
  const columns = exprs.map((e, i) => ({
    name: targets[i]?.name ?? `?sort${i}`,
    oid: e.type,
    typmod: e.typmod,
  }));
  if (
    plan.kind === "remote-scan" &&
    scans.length === 1 &&
    !scans[0].derived &&
    !stmt.distinctClause &&
    stmt.limitOption !== "LIMIT_OPTION_WITH_TIES"
  ) {
    const sortBy = sortKeys.map((k, i) => ({
      node:
        k.index < targets.length
          ? targets[k.index].node
          : ((stmt.sortClause as any[])[i].SortBy.node as Node),
      descending: k.descending,
      nullsFirst: k.nullsFirst,
    }));
    plan = pushOrderLimit(
      plan,
      sortBy,
      (stmt.limitCount as Node | undefined) ?? null,
      (stmt.limitOffset as Node | undefined) ?? null,
      input,
    );
  }
  plan = { kind: "project", input: plan, exprs, columns, estimate: plan.estimate };

  const column = (index: number): BoundExpr => ({
    kind: "column",
    index,
    type: exprs[index].type,
    typmod: exprs[index].typmod,
  });
  if (distinctOnNodes.length > 0) {
    // DISTINCT ON keeps the first row per key in ORDER BY order, and emits them in that order
    plan = {
      kind: "distinct-on",
      input: plan,
      on: distinctOnIndexes.map(column),
      orderBy: sortKeys.map((k) => ({
        expr: column(k.index),
        descending: k.descending,
        nullsFirst: k.nullsFirst,
      })),
      columns: plan.columns,
      estimate: plan.estimate,
    };
  } else if (stmt.distinctClause) {
    plan = { kind: "distinct", input: plan, columns: plan.columns, estimate: plan.estimate };
  }

  const limit = stmt.limitCount ? bindOut(stmt.limitCount as Node) : null;
  const offset = stmt.limitOffset ? bindOut(stmt.limitOffset as Node) : null;
  if (sortKeys.length > 0 && distinctOnNodes.length === 0) {
    plan = {
      kind: "sort",
      input: plan,
      keys: sortKeys.map((k) => ({
        expr: { kind: "column", index: k.index, type: exprs[k.index].type, typmod: exprs[k.index].typmod },
        descending: k.descending,
        nullsFirst: k.nullsFirst,
      })),
      limit: null,
      columns: plan.columns,
      estimate: plan.estimate,
    };
  }
  if (limit || offset) {
    plan = {
      kind: "limit",
      input: plan,
      limit: limit ? castTo(limit, Oid.int8, -1, "implicit", full) : null,
      offset: offset ? castTo(offset, Oid.int8, -1, "implicit", full) : null,
      columns: plan.columns,
      estimate: plan.estimate,
    };
  }
  if (exprs.length > targets.length) {
    const visible = targets.map(
      (_, i): BoundExpr => ({ kind: "column", index: i, type: exprs[i].type, typmod: exprs[i].typmod }),
    );
    plan = {
      kind: "project",
      input: plan,
      exprs: visible,
      columns: plan.columns.slice(0, targets.length),
      estimate: plan.estimate,
    };
  }
  return plan;
}

function bindAggregate(node: Node, bind: (n: Node) => BoundExpr, input: PlanInput): BoundAggregate {
  const f = (node as any).FuncCall;
  const name = funcName(f);
  if (f.agg_within_group || orderedSetAggregateNames.has(name) || hypotheticalSetAggregateNames.has(name))
    return bindWithinGroupAggregate(f, name, bind, input);
  const orderBy = f.agg_order ? (f.agg_order as any[]).map((s) => sortKey(s.SortBy, bind)) : undefined;
  const args = ((f.args ?? []) as Node[]).map(bind);
  const star = Boolean(f.agg_star);
  const fn = input.scalars.resolveAggregate(
    name,
    args.map((a) => a.type),
    star,
  );
  const filter = f.agg_filter ? bind(f.agg_filter as Node) : null;
  return {
    fn,
    args,
    argTypes: args.map((a) => a.type),
    distinct: Boolean(f.agg_distinct),
    filter,
    type: fn.resolvedReturns,
    orderBy,
  };
}

/** Whether an expression calls an aggregate, not counting subqueries (their left operands neither). */
function hasAggregateCall(node: Node): boolean {
  const found: Node[] = [];
  collectAggregates(node, found);
  return found.length > 0;
}

/** Aggregate calls in an expression, outermost only (PostgreSQL forbids nesting them). */
function collectAggregates(node: unknown, into: Node[]): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const n of node) collectAggregates(n, into);
    return;
  }
  if (isAggregateCall(node as Node)) {
    const json = astKey(node);
    if (!into.some((n) => astKey(n) === json)) into.push(node as Node);
    return;
  }
  if ((node as any).SubLink) return;
  for (const v of Object.values(node)) collectAggregates(v, into);
}

/** GROUP BY 1 / GROUP BY alias refer to select-list entries. */
function resolveGroupItem(node: Node, targets: Target[]): Node {
  const i = outputIndex(node, targets, true);
  return i >= 0 ? targets[i].node : node;
}

/** ORDER BY n, or ORDER BY output_name, as PostgreSQL resolves them; -1 when it is an expression. */
function outputIndex(node: Node, targets: Target[], groupBy = false): number {
  const c = (node as any).A_Const;
  if (c?.ival !== undefined) {
    const n = Number(c.ival.ival ?? 0);
    if (n < 1 || n > targets.length) {
      throw new PgError(
        SqlState.invalidColumnReference,
        `${groupBy ? "GROUP" : "ORDER"} BY position ${n} is not in select list`,
      );
    }
    return n - 1;
  }
  const ref = (node as any).ColumnRef;
  if (ref && ref.fields?.length === 1 && ref.fields[0].String) {
    const name = ref.fields[0].String.sval;
    const named = targets.findIndex((t) => t.name === name && !isSameColumnRef(t.node, name));
    if (named >= 0) return named;
  }
  const json = astKey(node);
  return groupBy ? -1 : targets.findIndex((t) => astKey(t.node) === json);
}

function isSameColumnRef(node: Node, name: string): boolean {
  const ref = (node as any).ColumnRef;
  return Boolean(ref && ref.fields?.length === 1 && ref.fields[0].String?.sval === name);
}

function isOrdinalOrAlias(node: Node, targets: Target[]): boolean {
  return outputIndex(node, targets) >= 0;
}
void isOrdinalOrAlias;

/** The select list with `*` and `alias.*` expanded into column references. */
function expandTargets(stmt: SelectStmt, scans: Scan[]): Target[] {
  const out: Target[] = [];
  for (const item of (stmt.targetList ?? []) as any[]) {
    const rt = item.ResTarget;
    const ref = rt.val?.ColumnRef;
    const last = ref?.fields?.[ref.fields.length - 1];
    if (last?.A_Star) {
      const qualifier = ref.fields.length >= 2 ? ref.fields[ref.fields.length - 2].String?.sval : null;
      for (const s of scans) {
        if (s.apply || (qualifier && s.alias !== qualifier)) continue;
        s.table.columns.forEach((c, i) => {
          if (!hiddenFromStar(s.table, i)) out.push({ node: columnRef([s.alias, c.name]), name: c.name });
        });
      }
      continue;
    }
    out.push({ node: rt.val as Node, name: rt.name ?? defaultName(rt.val as Node) });
  }
  return out;
}

function defaultName(node: Node): string {
  const ref = (node as any).ColumnRef;
  if (ref) {
    const last = ref.fields[ref.fields.length - 1];
    return last.String?.sval ?? "?column?";
  }
  const f = (node as any).FuncCall;
  if (f) return String(f.funcname[f.funcname.length - 1].String?.sval ?? "?column?");
  return "?column?";
}

function refuseUnsupported(stmt: SelectStmt): void {
  const clause = presentClause([
    [stmt.withClause, "WITH"],
    [stmt.windowClause, "WINDOW"],
    [stmt.lockingClause, "FOR UPDATE/SHARE"],
    [stmt.valuesLists, "VALUES"],
    [stmt.intoClause, "SELECT INTO"],
  ]);
  if (clause)
    throw new PgError(SqlState.featureNotSupported, `${clause} across services is not supported yet`);
  if (stmt.op && stmt.op !== "SETOP_NONE") {
    throw new PgError(
      SqlState.featureNotSupported,
      "UNION/INTERSECT/EXCEPT across services is not supported yet",
    );
  }
}

export { mapColumns };
