import type { Node, SelectStmt } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import { Oid, type TypeOid } from "../common/pg-types.ts";
import { astKey, astText } from "./ast-nodes.ts";
import { type BindContext, bindExpr, castTo, type NodeHook } from "./bind-expr.ts";
import { type BoundExpr, boolOid } from "./bound-expr.ts";
import type {
  FrameBoundPlan,
  PlanSortKey,
  WindowFramePlan,
  WindowFunctionKind,
  WindowFunctionPlan,
  WindowPlan,
} from "./output-plan.ts";
import type { PlanColumn, QueryPlan } from "./query-plan.ts";

/**
 * Window functions of a SELECT: named windows are inlined into each OVER, the calls are
 * grouped by PARTITION BY / ORDER BY into one window node each (stacked, each adding its
 * functions' columns), and a hook lets the select list and ORDER BY refer to their results.
 */

// PostgreSQL's FRAMEOPTION_* bits (nodes/parsenodes.h)
const F = {
  range: 0x2,
  rows: 0x4,
  groups: 0x8,
  startUnboundedPreceding: 0x20,
  endUnboundedFollowing: 0x100,
  startCurrentRow: 0x200,
  endCurrentRow: 0x400,
  startOffsetPreceding: 0x800,
  endOffsetPreceding: 0x1000,
  startOffsetFollowing: 0x2000,
  endOffsetFollowing: 0x4000,
  excludeCurrentRow: 0x8000,
  excludeGroup: 0x10000,
  excludeTies: 0x20000,
} as const;

const defaultFrameOptions = 0x422; // RANGE UNBOUNDED PRECEDING … CURRENT ROW

/** The statement with every OVER w / OVER (w …) replaced by the window it names, and no WINDOW clause. */
export function inlineNamedWindows(stmt: SelectStmt): SelectStmt {
  const defs = (stmt.windowClause ?? []) as any[];
  const named = new Map<string, any>();
  for (const item of defs) {
    const def = item.WindowDef;
    named.set(def.name, resolveWindowDef(def, named));
  }
  const rewrite = (node: unknown): unknown => {
    if (node === null || typeof node !== "object") return node;
    if (Array.isArray(node)) return node.map(rewrite);
    if ((node as any).SubLink) return node;
    const f = (node as any).FuncCall;
    if (f?.over) {
      const over = f.over.name ? lookup(named, f.over.name) : resolveWindowDef(f.over, named);
      return { FuncCall: { ...rewriteFields(f, rewrite), over } };
    }
    return rewriteFields(node as object, rewrite);
  };
  const hasWindows = defs.length > 0 || astText(stmt).includes('"over"');
  if (!hasWindows) return stmt;
  return {
    ...stmt,
    targetList: rewrite(stmt.targetList) as SelectStmt["targetList"],
    sortClause: rewrite(stmt.sortClause) as SelectStmt["sortClause"],
    windowClause: undefined,
  };
}

function rewriteFields(node: object, f: (n: unknown) => unknown): object {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = f(v);
  return out;
}

function lookup(named: Map<string, any>, name: string): any {
  const def = named.get(name);
  if (!def) throw new PgError("42704", `window "${name}" does not exist`);
  return def;
}

/** A window definition with its reference resolved, as PostgreSQL's transformWindowDefinitions does. */
function resolveWindowDef(def: any, named: Map<string, any>): any {
  if (!def.refname) {
    return {
      partitionClause: def.partitionClause,
      orderClause: def.orderClause,
      frameOptions: def.frameOptions ?? defaultFrameOptions,
      startOffset: def.startOffset,
      endOffset: def.endOffset,
    };
  }
  const base = lookup(named, def.refname);
  return {
    partitionClause: base.partitionClause,
    orderClause: base.orderClause ?? def.orderClause,
    frameOptions: def.frameOptions ?? defaultFrameOptions,
    startOffset: def.startOffset,
    endOffset: def.endOffset,
  };
}

/** Window calls in expressions, outermost, each once (by text without locations); subqueries are skipped. */
export function collectWindowCalls(nodes: unknown, into: Node[] = []): Node[] {
  if (nodes === null || typeof nodes !== "object") return into;
  if (Array.isArray(nodes)) {
    for (const n of nodes) collectWindowCalls(n, into);
    return into;
  }
  if ((nodes as any).SubLink) return into;
  if ((nodes as any).FuncCall?.over) {
    const key = astKey(nodes);
    if (!into.some((n) => astKey(n) === key)) into.push(nodes as Node);
    return into;
  }
  for (const v of Object.values(nodes)) collectWindowCalls(v, into);
  return into;
}

interface WindowGroup {
  partitionBy: BoundExpr[];
  orderBy: PlanSortKey[];
  calls: Node[];
}

/**
 * Stacks window nodes over `input` for `calls` (bound with `ctx`, the binding over the
 * input's rows) and returns the plan and a hook mapping each call to its result column.
 */
export function planWindows(
  input: QueryPlan,
  calls: Node[],
  ctx: BindContext,
): { plan: QueryPlan; hook: NodeHook } {
  const bind = (n: Node) => bindExpr(n, ctx);
  const groups = new Map<string, WindowGroup>();
  for (const call of calls) {
    const over = (call as any).FuncCall.over;
    const key = astKey([over.partitionClause ?? [], over.orderClause ?? []]);
    let group = groups.get(key);
    if (!group) {
      group = {
        partitionBy: ((over.partitionClause ?? []) as Node[]).map(bind),
        orderBy: ((over.orderClause ?? []) as any[]).map((s) => sortKey(s.SortBy, bind)),
        calls: [],
      };
      groups.set(key, group);
    }
    group.calls.push(call);
  }

  let plan = input;
  const results = new Map<string, { index: number; type: TypeOid }>();
  for (const group of groups.values()) {
    const functions = group.calls.map((c) => bindWindowCall(c, group, ctx));
    // RANGE offsets over a date key compare as timestamps (date ± interval is a timestamp)
    if (
      group.orderBy.length === 1 &&
      group.orderBy[0].expr.type === Oid.date &&
      functions.some((f) => f.frame.rangeAdd !== null)
    ) {
      group.orderBy[0] = {
        ...group.orderBy[0],
        expr: castTo(group.orderBy[0].expr, Oid.timestamp, -1, "implicit", ctx),
      };
    }
    const width = plan.columns.length;
    functions.forEach((f, i) => {
      results.set(astKey(group.calls[i]), { index: width + i, type: f.type });
    });
    const columns: PlanColumn[] = [
      ...plan.columns,
      ...functions.map((f) => ({ name: f.name, oid: f.type, typmod: -1 })),
    ];
    const node: WindowPlan = {
      kind: "window",
      input: plan,
      partitionBy: group.partitionBy,
      orderBy: group.orderBy,
      functions,
      columns,
      estimate: plan.estimate,
    };
    plan = node;
  }
  const hook: NodeHook = (node) => {
    if (!(node as any).FuncCall?.over) return undefined;
    const r = results.get(astKey(node));
    return r ? { kind: "column", index: r.index, type: r.type, typmod: -1 } : undefined;
  };
  return { plan, hook };
}

export function sortKey(sortBy: any, bind: (n: Node) => BoundExpr): PlanSortKey {
  if (sortBy.useOp) throw new PgError(SqlState.featureNotSupported, "ORDER BY … USING is not supported yet");
  const descending = sortBy.sortby_dir === "SORTBY_DESC";
  const nulls = sortBy.sortby_nulls;
  return {
    expr: bind(sortBy.node as Node),
    descending,
    nullsFirst: nulls === "SORTBY_NULLS_FIRST" ? true : nulls === "SORTBY_NULLS_LAST" ? false : descending,
  };
}

const rankingTypes: Partial<Record<WindowFunctionKind, TypeOid>> = {
  row_number: Oid.int8,
  rank: Oid.int8,
  dense_rank: Oid.int8,
  percent_rank: Oid.float8,
  cume_dist: Oid.float8,
};

function bindWindowCall(call: Node, group: WindowGroup, ctx: BindContext): WindowFunctionPlan {
  const f = (call as any).FuncCall;
  const parts: string[] = (f.funcname ?? []).map((n: any) => String(n.String?.sval ?? ""));
  const name = parts[parts.length - 1];
  if (f.agg_distinct)
    throw new PgError(SqlState.featureNotSupported, "DISTINCT is not implemented for window functions");
  if (f.agg_order)
    throw new PgError(
      SqlState.featureNotSupported,
      "aggregate ORDER BY is not implemented for window functions",
    );
  if (f.agg_within_group)
    throw new PgError(SqlState.featureNotSupported, "WITHIN GROUP is not supported for window functions");
  const args = ((f.args ?? []) as Node[]).map((a) => bindExpr(a, ctx));
  const frame = planFrame(f.over, group.orderBy, ctx);
  const filter = f.agg_filter
    ? castTo(bindExpr(f.agg_filter as Node, ctx), boolOid, -1, "implicit", ctx)
    : null;
  const int4 = (e: BoundExpr) => castTo(e, Oid.int4, -1, "implicit", ctx);
  const plain = (kind: WindowFunctionKind, a: BoundExpr[], type: TypeOid): WindowFunctionPlan => {
    if (filter) throw new PgError("42809", "FILTER is not implemented for non-aggregate window functions");
    return { kind, name, args: a, aggregate: null, filter: null, frame, type };
  };
  const ranking = rankingTypes[name as WindowFunctionKind];
  if (ranking !== undefined && args.length === 0) return plain(name as WindowFunctionKind, [], ranking);
  switch (name) {
    case "ntile":
      if (args.length === 1) return plain("ntile", [int4(args[0])], Oid.int4);
      break;
    case "lag":
    case "lead": {
      if (args.length === 0 || args.length > 3) break;
      const [value, offset, fallback] = args;
      // lag/lead(anycompatible, integer, anycompatible): the default joins the value's type
      const type =
        fallback === undefined ? value.type : ctx.scalars.commonType([value.type, fallback.type], name);
      const bound = [castTo(value, type, -1, "implicit", ctx)];
      if (offset) bound.push(int4(offset));
      if (fallback) bound.push(castTo(fallback, type, -1, "implicit", ctx));
      return plain(name, bound, type === Oid.unknown ? Oid.text : type);
    }
    case "first_value":
    case "last_value":
      if (args.length === 1) return plain(name, args, args[0].type);
      break;
    case "nth_value":
      if (args.length === 2) return plain("nth_value", [args[0], int4(args[1])], args[0].type);
      break;
  }
  const aggregate = ctx.scalars.resolveAggregate(
    name,
    args.map((a) => a.type),
    Boolean(f.agg_star),
  );
  return { kind: "aggregate", name, args, aggregate, filter, frame, type: aggregate.resolvedReturns };
}

function planFrame(over: any, orderBy: PlanSortKey[], ctx: BindContext): WindowFramePlan {
  const o: number = over.frameOptions ?? defaultFrameOptions;
  const mode = o & F.rows ? "rows" : o & F.groups ? "groups" : "range";
  let keyType: TypeOid | null = null;
  let offsetType: TypeOid = Oid.int8;
  const rangeOffsets =
    mode === "range" &&
    (o & (F.startOffsetPreceding | F.startOffsetFollowing | F.endOffsetPreceding | F.endOffsetFollowing)) !==
      0;
  if (rangeOffsets) {
    if (orderBy.length !== 1)
      throw new PgError(
        "42P20",
        "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column",
      );
    keyType = orderBy[0].expr.type === Oid.date ? Oid.timestamp : orderBy[0].expr.type;
    offsetType = rangeOffsetType(keyType);
  }
  const offset = (node: Node): BoundExpr => {
    const bound = bindExpr(node, {
      ...ctx,
      hook: undefined,
      columns: () => {
        throw new PgError("42P20", "argument of a window frame offset must not contain variables");
      },
    });
    // integer keys take integer offsets as they are; everything else is the in_range offset type
    if (rangeOffsets && isInteger(keyType!) && isInteger(bound.type)) return bound;
    return castTo(bound, offsetType, -1, "implicit", ctx);
  };
  const bound = (which: "start" | "end"): FrameBoundPlan => {
    const s = which === "start";
    if (o & (s ? F.startUnboundedPreceding : 0)) return { kind: "unbounded_preceding" };
    if (o & (s ? 0 : F.endUnboundedFollowing)) return { kind: "unbounded_following" };
    if (o & (s ? F.startCurrentRow : F.endCurrentRow)) return { kind: "current_row" };
    if (o & (s ? F.startOffsetPreceding : F.endOffsetPreceding))
      return { kind: "preceding", offset: offset(s ? over.startOffset : over.endOffset) };
    if (o & (s ? F.startOffsetFollowing : F.endOffsetFollowing))
      return { kind: "following", offset: offset(s ? over.startOffset : over.endOffset) };
    throw new PgError(SqlState.featureNotSupported, `this window frame ${which} is not supported`);
  };
  const exclude =
    o & F.excludeCurrentRow
      ? "current_row"
      : o & F.excludeGroup
        ? "group"
        : o & F.excludeTies
          ? "ties"
          : "no_others";
  return {
    mode,
    start: bound("start"),
    end: bound("end"),
    exclude,
    rangeAdd: rangeOffsets && needsRangeAdd(keyType!) ? rangeAdd(keyType!, offsetType, ctx) : null,
  };
}

function isInteger(t: TypeOid): boolean {
  return t === Oid.int2 || t === Oid.int4 || t === Oid.int8;
}

function rangeOffsetType(keyType: TypeOid): TypeOid {
  if (isInteger(keyType)) return Oid.int8;
  if (keyType === Oid.float4 || keyType === Oid.float8) return Oid.float8;
  if (keyType === Oid.numeric) return Oid.numeric;
  if (
    keyType === Oid.timestamp ||
    keyType === Oid.timestamptz ||
    keyType === Oid.time ||
    keyType === Oid.timetz ||
    keyType === Oid.interval
  )
    return Oid.interval;
  throw new PgError(
    SqlState.featureNotSupported,
    `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${keyType}`,
  );
}

/** The operator adds integers and floats itself; other key types go through the scalar library. */
function needsRangeAdd(keyType: TypeOid): boolean {
  return !isInteger(keyType) && keyType !== Oid.float4 && keyType !== Oid.float8;
}

function rangeAdd(keyType: TypeOid, offsetType: TypeOid, ctx: BindContext): WindowFramePlan["rangeAdd"] {
  const key: BoundExpr = { kind: "column", index: 0, type: keyType, typmod: -1 };
  const off: BoundExpr = { kind: "column", index: 1, type: offsetType, typmod: -1 };
  const op = (symbol: "+" | "-"): BoundExpr => {
    const fn = ctx.scalars.resolveOperator(symbol, keyType, offsetType);
    const call: BoundExpr = {
      kind: "call",
      fn,
      args: [
        castTo(key, fn.argTypes[0], -1, "implicit", ctx),
        castTo(off, fn.argTypes[1], -1, "implicit", ctx),
      ],
      type: fn.returns,
      typmod: -1,
    };
    return fn.returns === keyType ? call : castTo(call, keyType, -1, "implicit", ctx);
  };
  return { plus: op("+"), minus: op("-") };
}
