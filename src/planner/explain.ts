/**
 * EXPLAIN of a cross-service plan as a tree of nodes (PostgreSQL's shape: a node type,
 * ordered properties, child plans), rendered as text or JSON by explain-render.ts. Pure:
 * the caller supplies the fragment compiler and, for ANALYZE, the run's counters.
 */
import type { Node } from "@pgsql/types";
import { arrayOf } from "../common/pg-types.ts";
import type { Value } from "../common/values.ts";
import type { NativeQuery } from "../connectors/spi.ts";
import type { BoundAggregate } from "./bound-expr.ts";
import { withKeyFilter } from "./fragment-key-filter.ts";
import { withKeyFilters } from "./fragment-key-filter-many.ts";
import { withLimitOne, withNullKeyProbe } from "./fragment-probe.ts";
import type {
  ApplyPlan,
  LateralApplyPlan,
  QueryPlan,
  RelationshipFetchPlan,
  RemoteScanPlan,
} from "./query-plan.ts";

/** What one plan node did during EXPLAIN ANALYZE (time is inclusive of its inputs, like PostgreSQL's). */
export interface NodeStats {
  rows: number;
  batches: number;
  timeMs: number;
  loops: number;
}

/** What one remote source did: a bind join sends several queries to the same source. */
export interface RemoteStats {
  queries: number;
  rows: number;
  batches: number;
  /** estimated from the values received */
  bytes: number;
  timeMs: number;
}

/** What one apply did: subquery evaluations, and rows answered from its memo instead. */
export interface ApplyStats {
  evaluations: number;
  hits: number;
}

export interface ExplainStats {
  node(plan: QueryPlan): NodeStats | undefined;
  remote(scan: RemoteScanPlan): RemoteStats | undefined;
  apply?(plan: ApplyPlan | LateralApplyPlan): ApplyStats | undefined;
}

export interface ExplainEnv {
  compile(service: string, fragment: Node, params: Value[], paramTypes: number[]): NativeQuery;
  /** the service's kind (postgres, mysql …) */
  serviceKind(service: string): string;
  params: Value[];
  paramTypes: number[];
  /** set for EXPLAIN ANALYZE */
  stats?: ExplainStats;
}

export type ExplainValue = string | number | boolean | string[];

/** One node: `title` heads its text line; `props` become JSON properties and text detail lines. */
export interface ExplainNode {
  nodeType: string;
  title: string;
  /** text only: appended to the title in parentheses */
  summary?: string;
  /** PostgreSQL's "Parent Relationship" of a child (Outer, Inner, InitPlan, Member) */
  relationship?: string;
  props: [string, ExplainValue][];
  actual?: NodeStats;
  remote?: RemoteStats;
  /** analyzing, but this node never ran */
  neverExecuted?: boolean;
  children: ExplainNode[];
}

/** The tree of a plan. */
export function explainTree(plan: QueryPlan, env: ExplainEnv): ExplainNode {
  const ctx = { params: env.params, paramTypes: env.paramTypes };
  const walk = (p: QueryPlan, relationship?: string): ExplainNode => {
    const node = describeNode(p, env, ctx, walk);
    if (relationship) node.relationship = relationship;
    if (env.stats) {
      const actual = env.stats.node(p);
      if (actual) node.actual = actual;
      // a Sort under a Limit runs inside the Limit's top-N operator and has no counters of its own
      else if (!node.remote && p.kind !== "sort") node.neverExecuted = true;
    }
    return node;
  };
  return walk(plan);
}

type Walk = (p: QueryPlan, relationship?: string) => ExplainNode;

interface ParamCtx {
  params: Value[];
  paramTypes: number[];
}

function describeNode(p: QueryPlan, env: ExplainEnv, ctx: ParamCtx, walk: Walk): ExplainNode {
  const node = (nodeType: string, title: string, props: [string, ExplainValue][] = []): ExplainNode => ({
    nodeType,
    title,
    props,
    children: [],
  });
  switch (p.kind) {
    case "remote-scan": {
      const n = remoteScan(p, p.fragment, ctx.params, ctx.paramTypes, env);
      n.summary = `rows≈${p.estimate}`;
      return n;
    }
    case "hash-join": {
      const n = node("Hash Join", `Hash ${cap(p.joinType)} Join`, [
        ["Join Type", cap(p.joinType)],
        ["Join Strategy", "hash"],
        ["Build Side", p.build],
        ["Hash Keys", p.leftKeys.length],
      ]);
      if (p.nullAware) n.props.push(["Null Aware", true]);
      if (p.residual) n.props.push(["Join Filter", "in memory"]);
      n.summary = `build ${p.build}, ${p.leftKeys.length} key${p.leftKeys.length > 1 ? "s" : ""}`;
      if (p.atMostOne) {
        n.props.push(["At Most One Match", p.atMostOne]);
        n.summary += `, rows≈${p.estimate}, at most one match: ${p.atMostOne}`;
      }
      n.children.push(walk(p.left, "Outer"), walk(p.right, "Inner"));
      return n;
    }
    case "bind-join": {
      const kind = env.serviceKind(p.inner.service);
      const n = node("Bind Join", `Bind ${cap(p.joinType)} Join`, [
        ["Join Type", cap(p.joinType)],
        ["Join Strategy", "bind"],
        ["Outer Side", p.outerSide],
        ["Batch Size", p.batchSize],
        ["Batches In Flight", p.concurrency],
        ["Hash Join Past Rows", p.switchAt],
      ]);
      if (p.nullAware) n.props.push(["Null Aware", true]);
      if (p.residual) n.props.push(["Join Filter", "in memory"]);
      n.summary = `keys from the ${p.outerSide} side to service "${p.inner.service}" (${kind}) in batches of ${p.batchSize}, ${p.concurrency} in flight; hash join past ${p.switchAt} outer rows`;
      if (p.atMostOne) {
        n.props.push(["At Most One Match", p.atMostOne]);
        n.summary += `; at most one match: ${p.atMostOne}`;
      }
      n.children.push(walk(p.outerSide === "left" ? p.left : p.right, "Outer"));
      const keyed = withKeyFilter(p.inner.fragment, p.innerKeyAlias, p.innerKeyColumn, ctx.params.length + 1);
      const inner = remoteScan(
        p.inner,
        keyed,
        [...ctx.params, [null]],
        [...ctx.paramTypes, arrayOf(p.keyType)],
        env,
      );
      inner.title += " per batch of keys";
      inner.relationship = "Inner";
      if (p.nullAware) {
        // NOT IN asks the subquery's service whether it holds a NULL key, and (for NULL keys
        // of the query when no key matched) whether it holds any row
        const sql = (fragment: Node) =>
          env.compile(p.inner.service, fragment, ctx.params, ctx.paramTypes).text;
        const probes: [string, ExplainValue][] = [["Empty Probe", sql(withLimitOne(p.inner.fragment))]];
        if (p.probeNullKeys)
          probes.unshift([
            "Null Key Probe",
            sql(withNullKeyProbe(p.inner.fragment, p.innerKeyAlias, p.innerKeyColumn)),
          ]);
        inner.props.splice(3, 0, ...probes);
      }
      n.children.push(inner);
      return n;
    }
    case "nested-loop": {
      const n = node("Nested Loop", `Nested Loop ${cap(p.joinType)} Join`, [["Join Type", cap(p.joinType)]]);
      if (p.condition) n.props.push(["Join Filter", "in memory"]);
      n.children.push(walk(p.left, "Outer"), walk(p.right, "Inner"));
      return n;
    }
    case "aggregate": {
      const n = node("Aggregate", "Hash Aggregate", [
        ["Strategy", p.groupKeys.length > 0 ? "Hashed" : "Plain"],
        ["Group Keys", p.groupKeys.length],
        ["Aggregates", p.aggregates.length],
        ["Functions", p.aggregates.map(aggregateCall)],
        ["Where", "in memory"],
      ]);
      n.summary = `${p.groupKeys.length} group keys, ${p.aggregates.length} aggregates: ${p.aggregates.map(aggregateCall).join(", ")}; in memory`;
      n.children.push(walk(p.input, "Outer"));
      return n;
    }
    case "filter": {
      const n = node("Filter", "Filter", [["Where", "in memory"]]);
      n.summary = "in memory";
      n.children.push(walk(p.input, "Outer"));
      return n;
    }
    case "project": {
      const n = node("Result", "Project");
      n.children.push(walk(p.input, "Outer"));
      return n;
    }
    case "sort": {
      const n = node("Sort", p.limit !== null ? "Top-N Sort" : "Sort", [
        ["Sort Keys", p.keys.length],
        ["Where", "in memory"],
      ]);
      if (p.limit !== null) n.props.push(["Keep Rows", p.limit]);
      n.summary = `${p.keys.length} keys, in memory`;
      n.children.push(walk(p.input, "Outer"));
      return n;
    }
    case "limit": {
      const n = node("Limit", "Limit", [["Where", "in memory"]]);
      n.summary = "in memory";
      n.children.push(walk(p.input, "Outer"));
      return n;
    }
    case "distinct": {
      const n = node("Unique", "Distinct", [["Where", "in memory"]]);
      n.children.push(walk(p.input, "Outer"));
      return n;
    }
    case "window": {
      const n = node("WindowAgg", "WindowAgg", [
        ["Functions", p.functions.map((f) => f.name)],
        ["Partition Keys", p.partitionBy.length],
        ["Order Keys", p.orderBy.length],
      ]);
      n.summary = `${p.functions.map((f) => f.name).join(", ")}; ${p.partitionBy.length} partition keys, ${p.orderBy.length} order keys`;
      n.children.push(walk(p.input, "Outer"));
      return n;
    }
    case "distinct-on": {
      const n = node("Unique", "Distinct On", [["Distinct Keys", p.on.length]]);
      n.summary = `${p.on.length} keys`;
      n.children.push(walk(p.input, "Outer"));
      return n;
    }
    case "set-operation": {
      const op = `${cap(p.op)}${p.all ? " All" : ""}`;
      const n = node(p.op === "union" ? "Append" : "SetOp", `${op} (in memory)`, [
        ["Command", op],
        ["Where", "in memory"],
      ]);
      n.children.push(walk(p.left, "Member"), walk(p.right, "Member"));
      return n;
    }
    case "values": {
      const n = node("Values Scan", "Values Scan", [["Rows", p.rows.length]]);
      n.summary = `${p.rows.length} rows`;
      return n;
    }
    case "apply":
    case "lateral-apply": {
      // without ANALYZE the outer values are NULL placeholders: no fragment reads them
      ctx.params = [
        ...ctx.params,
        ...new Array(Math.max(0, p.paramTypes.length - ctx.params.length)).fill(null),
      ];
      ctx.paramTypes = [...p.paramTypes];
      const count = `${p.params.length} param${p.params.length === 1 ? "" : "s"}`;
      const slots = p.params.map((x) => `$${x.index + 1}`);
      const lateral = p.kind === "lateral-apply";
      const n = lateral
        ? node("Nested Loop", `Lateral Apply ${cap(p.joinType)} Join (memoized by ${count})`, [
            ["Join Type", cap(p.joinType)],
            ["Join Strategy", "apply"],
          ])
        : node("SubPlan Apply", `SubPlan Apply (correlated subquery, memoized by ${count})`, [
            ["Subplan Mode", p.mode],
          ]);
      n.props.push(["Memoized By", slots], ["Where", "in memory"]);
      if (lateral && p.condition) n.props.push(["Join Filter", "in memory"]);
      const stats = env.stats?.apply?.(p);
      if (stats) n.props.push(["Evaluations", stats.evaluations], ["Cache Hits", stats.hits]);
      n.children.push(walk(p.input, "Outer"));
      const sub = walk(p.subplan, "SubPlan");
      const what = lateral ? "LATERAL subquery" : modeNames[p.mode];
      sub.props.unshift([
        "Subplan Name",
        `SubPlan (${what}, run once per distinct ${slots.join(", ") || "value"}; remote scans read once)`,
      ]);
      n.children.push(sub);
      return n;
    }
    case "relationship-fetch":
      return relationshipFetchNode(p, p.fetches.length, ctx, env, walk);
    case "init-params": {
      // without ANALYZE the computed parameters are NULL placeholders: EXPLAIN does not run the subqueries
      ctx.params = [
        ...ctx.params,
        ...new Array(Math.max(0, p.paramTypes.length - ctx.params.length)).fill(null),
      ];
      ctx.paramTypes = [...p.paramTypes];
      const n = node("Result", "Init Params", [["Init Plans", p.inits.length]]);
      for (const init of p.inits) {
        const sub = walk(init.plan, "InitPlan");
        sub.props.unshift([
          "Subplan Name",
          `InitPlan $${init.index + 1} (${init.mode} subquery, run once first)`,
        ]);
        n.children.push(sub);
      }
      n.children.push(walk(p.input, "Outer"));
      return n;
    }
  }
}

/** One node per relationship column, the first one's input below them all. */
function relationshipFetchNode(
  p: RelationshipFetchPlan,
  upTo: number,
  ctx: ParamCtx,
  env: ExplainEnv,
  walk: Walk,
): ExplainNode {
  const f = p.fetches[upTo - 1];
  const first = f.steps[0];
  const n: ExplainNode = {
    nodeType: "Relationship Fetch",
    title: `Relationship Fetch "${f.column}" (${f.type}, batches of ${first.batchSize}, ${first.concurrency} in flight)`,
    props: [
      ["Relationship", f.relationship],
      ["Relationship Type", f.type],
      ["Key Comparison", f.keyComparison],
      ["Batch Size", first.batchSize],
      ["Batches In Flight", first.concurrency],
      ["Steps", f.steps.length],
      ["Where", "in memory"],
    ],
    children: [],
  };
  n.children.push(upTo > 1 ? relationshipFetchNode(p, upTo - 1, ctx, env, walk) : walk(p.input, "Outer"));
  f.steps.forEach((s, i) => {
    const keyed = withKeyFilters(s.scan.fragment, s.remoteKeys, ctx.params.length + 1);
    const child = remoteScan(
      s.scan,
      keyed,
      [...ctx.params, ...s.remoteKeys.map(() => [null])],
      [...ctx.paramTypes, ...s.remoteKeyTypes.map((t) => arrayOf(t))],
      env,
    );
    const what = f.steps.length === 2 ? (i === 0 ? " (junction)" : " (target)") : "";
    child.title += s.keptKeys ? `${what}, read whole once` : `${what} per batch of keys`;
    if (s.keptKeys) child.props.push(["Key Filter Kept In Memory", s.keptKeys]);
    child.relationship = "Inner";
    n.children.push(child);
  });
  return n;
}

function remoteScan(
  scan: RemoteScanPlan,
  fragment: Node,
  params: Value[],
  paramTypes: number[],
  env: ExplainEnv,
): ExplainNode {
  const native = env.compile(scan.service, fragment, params, paramTypes);
  const kind = env.serviceKind(scan.service);
  const n: ExplainNode = {
    nodeType: "Remote Scan",
    title: `Remote Scan on service "${scan.service}" (${kind})`,
    props: [
      ["Service", scan.service],
      ["Service Kind", kind],
      ["Native SQL", native.text],
      ["Estimated Rows", scan.estimate],
      ["Pushed Down", [...scan.pushed]],
      ["Kept In Memory", [...scan.kept]],
    ],
    children: [],
  };
  if (scan.lookup)
    n.props.push([
      "Cached Lookup",
      scan.lookup.map((l) => `${scan.columns[l.column]?.name ?? "?"} = $${l.param + 1}`),
    ]);
  if (env.stats) {
    const remote = env.stats.remote(scan);
    if (remote) n.remote = remote;
    else n.neverExecuted = true;
  }
  return n;
}

const modeNames: Record<ApplyPlan["mode"], string> = {
  scalar: "scalar subquery",
  exists: "EXISTS subquery",
  array: "ARRAY subquery",
  any: "IN / ANY subquery",
  all: "ALL subquery",
};

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

/** An aggregate call's shape, expressions elided: `sum(DISTINCT …)`, `mode() WITHIN GROUP (ORDER BY … DESC)`. */
function aggregateCall(a: BoundAggregate): string {
  const sortKey = (k: { descending: boolean; nullsFirst: boolean }) =>
    `…${k.descending ? " DESC" : ""}${k.nullsFirst === k.descending ? "" : k.nullsFirst ? " NULLS FIRST" : " NULLS LAST"}`;
  const name = a.fn.name;
  if (a.withinGroup) {
    const direct = new Array(a.withinGroup.direct).fill("…").join(", ");
    return `${name}(${direct}) WITHIN GROUP (ORDER BY ${a.withinGroup.keys.map(sortKey).join(", ")})`;
  }
  const args =
    a.args.length === 0 ? "*" : `${a.distinct ? "DISTINCT " : ""}${a.args.map(() => "…").join(", ")}`;
  const order = a.orderBy?.length ? ` ORDER BY ${a.orderBy.map(sortKey).join(", ")}` : "";
  return `${name}(${args}${order})${a.filter ? " FILTER (WHERE …)" : ""}`;
}
