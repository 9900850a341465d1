import type { ColumnRef, Node, SelectStmt } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import { aggregateNames } from "./aggregate-names.ts";

/**
 * Builders and readers of libpg-query nodes, shared by the planner's AST rewrites (decisions
 * 0006, 0007) and the fragments it offers to services. Every builder makes its node in the
 * shape libpg-query's parser gives the SQL it stands for, locations aside (`0` is
 * `{ ival: {} }`, `false` is `{ boolval: {} }`, an absent list is left out), so a rewritten
 * statement equals the parse of that SQL and compares by astKey with nodes the client wrote.
 * Where callers need different semantics, the difference is a parameter or a second name.
 */

export type ColumnRefNode = { ColumnRef: ColumnRef };

// ---------------------------------------------------------------- comparing

/** The AST as JSON text (bigints as digits), locations included. */
export function astText(node: unknown): string {
  return JSON.stringify(node, (_key, value) => (typeof value === "bigint" ? String(value) : value));
}

/** An AST as text without parse locations: equal texts are the same expression. */
export function astKey(node: unknown): string {
  return JSON.stringify(node, (key, value) =>
    key === "location" ? undefined : typeof value === "bigint" ? String(value) : value,
  );
}

export function sameNode(a: unknown, b: unknown): boolean {
  return astKey(a) === astKey(b);
}

/** The nodes without repeats (by astKey), first occurrences in order. */
export function uniqueNodes(nodes: Node[]): Node[] {
  const out: Node[] = [];
  for (const n of nodes) if (!out.some((o) => sameNode(o, n))) out.push(n);
  return out;
}

// ---------------------------------------------------------------- reading

/** The name parts of a ColumnRef body (not the node), `*` for a star. */
export function refFields(ref: any): string[] {
  return (ref.fields ?? []).map((f: any) => (f.String ? String(f.String.sval) : "*"));
}

/** A column reference (or its body, or any `{ fields }` name list) as written: `t.x`, `t.*`. */
export function refName(ref: any): string {
  return ((ref.ColumnRef ?? ref).fields ?? []).map((f: any) => f.String?.sval ?? "*").join(".");
}

/** Whether a node is `*` or `t.*`. */
export function isStarRef(node: unknown): boolean {
  const fields = (node as any)?.ColumnRef?.fields;
  return Boolean(fields?.[fields.length - 1]?.A_Star);
}

/** What columnRefs collects. */
export interface RefWalk {
  /** whether `*` and `t.*` count */
  stars: boolean;
  /** whether the references inside subqueries' bodies count (else only their left operands') */
  subqueries: boolean;
}

/** The column reference nodes of an expression, in order, as they sit in it. */
export function columnRefs(node: unknown, walk: RefWalk): ColumnRefNode[] {
  const out: ColumnRefNode[] = [];
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) {
      for (const x of n) visit(x);
      return;
    }
    if (n === null || typeof n !== "object") return;
    const rec = n as Record<string, any>;
    if (rec.ColumnRef) {
      if (walk.stars || !isStarRef(rec)) out.push(rec as ColumnRefNode);
      return;
    }
    if (rec.SubLink && !walk.subqueries) {
      visit(rec.SubLink.testexpr);
      return;
    }
    for (const v of Object.values(rec)) visit(v);
  };
  visit(node);
  return out;
}

/** The top-level AND conditions of an expression (none for none). */
export function conjuncts(node: unknown): Node[] {
  if (!node) return [];
  const b = (node as any).BoolExpr;
  if (b?.boolop === "AND_EXPR") return (b.args as Node[]).flatMap((a) => conjuncts(a));
  return [node as Node];
}

/** The value of an integer literal (`2`, `-1`), or null for anything else. */
export function intValue(node: unknown): number | null {
  const c = (node as any)?.A_Const;
  if (c?.ival === undefined) return null;
  return Number(c.ival.ival ?? 0);
}

export function isNullConst(node: unknown): boolean {
  return (node as any)?.A_Const?.isnull === true;
}

export function isTrueConst(node: unknown): boolean {
  return (node as any)?.A_Const?.boolval?.boolval === true;
}

/** The function a FuncCall body calls, without its schema. */
export function funcName(call: any): string {
  const names = call.funcname ?? [];
  return String(names[names.length - 1]?.String?.sval);
}

/** The operator of a SubLink's or A_Expr's name list, without its schema (`=` when absent). */
export function operatorName(operName: any[] | undefined): string {
  if (!operName || operName.length === 0) return "=";
  return String(operName[operName.length - 1].String?.sval ?? "=");
}

/** A call of a built-in aggregate (not a window call: no OVER). */
export function isAggregateCall(node: unknown): boolean {
  const f = (node as any)?.FuncCall;
  if (!f || f.over) return false;
  return aggregateNames.has(funcName(f));
}

/** Whether an expression calls an aggregate (outside nested subqueries, window calls aside). */
export function containsAggregate(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(containsAggregate);
  if (node === null || typeof node !== "object") return false;
  const rec = node as Record<string, any>;
  if (rec.SubLink) return containsAggregate(rec.SubLink.testexpr);
  if (isAggregateCall(rec)) return true;
  return Object.values(rec).some(containsAggregate);
}

/** Whether a subquery sits anywhere in the tree. */
export function containsSubLink(node: unknown): boolean {
  return astText(node).includes('"SubLink"');
}

/** Whether a window function is called in these expressions (not counting nested subqueries). */
export function hasWindowCall(nodes: unknown[]): boolean {
  let found = false;
  mapTree(nodes, (n) => {
    if (n.SubLink) return n;
    if (n.FuncCall?.over) found = true;
    return undefined;
  });
  return found;
}

/**
 * What a GROUP BY or ORDER BY item names in the select list: `1` the first entry's
 * expression, a bare output name its entry's expression; the item itself otherwise.
 */
export function selectListExpr(node: Node, targets: any[]): Node {
  const ordinal = intValue(node);
  if (ordinal !== null) return targets[ordinal - 1]?.ResTarget?.val ?? node;
  const fields = (node as any).ColumnRef?.fields;
  if (fields?.length === 1) {
    const named = targets.find((t) => t.ResTarget?.name && t.ResTarget.name === fields[0].String?.sval);
    if (named) return named.ResTarget.val;
  }
  return node;
}

/** The name of the first clause present (a node, or a list that is not empty); null for none. */
export function presentClause(clauses: [unknown, string][]): string | null {
  for (const [clause, name] of clauses) {
    if (clause && (!Array.isArray(clause) || clause.length > 0)) return name;
  }
  return null;
}

/** The alias of a FROM subquery (PostgreSQL names an unaliased one `unnamed_subquery`). */
export function subqueryAlias(body: any): string {
  return String(body.alias?.aliasname ?? "unnamed_subquery");
}

// ---------------------------------------------------------------- rewriting

/** Maps a tree bottom-up: `visit` returns a replacement, or undefined to keep walking into the node. */
export function mapTree(node: unknown, visit: (n: Record<string, any>) => unknown): unknown {
  if (Array.isArray(node)) return node.map((n) => mapTree(n, visit));
  if (node === null || typeof node !== "object") return node;
  const replaced = visit(node as Record<string, any>);
  if (replaced !== undefined) return replaced;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = mapTree(v, visit);
  return out;
}

/** A copy of a tree with some nodes (by identity) replaced. */
export function replaceNodes(node: unknown, replacements: ReadonlyMap<object, unknown>): unknown {
  return mapTree(node, (n) => replacements.get(n));
}

// ---------------------------------------------------------------- building

export function str(sval: string): Node {
  return { String: { sval } } as unknown as Node;
}

export function columnRef(fields: string[]): Node {
  return { ColumnRef: { fields: fields.map(str) } } as unknown as Node;
}

/** The reference refFields read: a `*` part is a star again. */
export function columnRefOfFields(fields: string[]): Node {
  return {
    ColumnRef: { fields: fields.map((f) => (f === "*" ? { A_Star: {} } : str(f))) },
  } as unknown as Node;
}

export function intConst(value: number): Node {
  return { A_Const: { ival: value === 0 ? {} : { ival: value } } } as unknown as Node;
}

export function boolConst(value: boolean): Node {
  return { A_Const: { boolval: value ? { boolval: true } : {} } } as unknown as Node;
}

export function nullConst(): Node {
  return { A_Const: { isnull: true } } as unknown as Node;
}

/** `arg IS NULL`, or `arg IS NOT NULL` when negated. */
export function isNull(arg: Node, negated = false): Node {
  return { NullTest: { arg, nulltesttype: negated ? "IS_NOT_NULL" : "IS_NULL" } } as unknown as Node;
}

/** `lexpr op rexpr`; `kind` AEXPR_OP_ANY / AEXPR_OP_ALL for `op ANY (…)` / `op ALL (…)`. */
export function opExpr(op: string, lexpr: Node, rexpr: Node, kind = "AEXPR_OP"): Node {
  return { A_Expr: { kind, name: [str(op)], lexpr, rexpr } } as unknown as Node;
}

export function nullIf(a: Node, b: Node): Node {
  return opExpr("=", a, b, "AEXPR_NULLIF");
}

/** The conjunction of conditions: undefined for none, the condition itself for one. */
export function and(nodes: Node[]): Node | undefined {
  if (nodes.length === 0) return undefined;
  return nodes.length === 1
    ? nodes[0]
    : ({ BoolExpr: { boolop: "AND_EXPR", args: nodes } } as unknown as Node);
}

/** The conjunction of at least one condition (the condition itself for one). */
export function andAll(nodes: Node[]): Node {
  const all = and(nodes);
  if (!all) throw new PgError(SqlState.internalError, "an AND of no conditions");
  return all;
}

/** The disjunction of at least one condition (the condition itself for one). */
export function or(nodes: Node[]): Node {
  return nodes.length === 1
    ? nodes[0]
    : ({ BoolExpr: { boolop: "OR_EXPR", args: nodes } } as unknown as Node);
}

export function not(arg: Node): Node {
  return { BoolExpr: { boolop: "NOT_EXPR", args: [arg] } } as unknown as Node;
}

/** A searched CASE: the first `when` whose condition is true gives its `then`. */
export function caseExpr(whens: [Node, Node][], otherwise: Node | null): Node {
  return {
    CaseExpr: {
      args: whens.map(([expr, result]) => ({ CaseWhen: { expr, result } })),
      ...(otherwise ? { defresult: otherwise } : {}),
    },
  } as unknown as Node;
}

export function coalesce(args: Node[]): Node {
  return { CoalesceExpr: { args } } as unknown as Node;
}

/** `arg::type` for a type of pg_catalog named as the parser names it (`int8`, `numeric`). */
export function cast(arg: Node, type: string): Node {
  return {
    TypeCast: { arg, typeName: { names: [str("pg_catalog"), str(type)], typemod: -1 } },
  } as unknown as Node;
}

/** The optional parts of a call, as FuncCall names them. */
export interface CallParts {
  agg_order?: Node[];
  agg_filter?: Node;
  over?: unknown;
  agg_star?: boolean;
  agg_distinct?: boolean;
}

/** `name(args …)`: `count(*)` is `funcCall("count", [], { agg_star: true })`. */
export function funcCall(name: string, args: Node[], parts: CallParts = {}): Node {
  return {
    FuncCall: {
      funcname: [str(name)],
      ...(args.length > 0 ? { args } : {}),
      ...(parts.agg_order ? { agg_order: parts.agg_order } : {}),
      ...(parts.agg_filter ? { agg_filter: parts.agg_filter } : {}),
      ...(parts.over ? { over: parts.over } : {}),
      ...(parts.agg_star ? { agg_star: true } : {}),
      ...(parts.agg_distinct ? { agg_distinct: true } : {}),
      funcformat: "COERCE_EXPLICIT_CALL",
    },
  } as unknown as Node;
}

/** A select-list entry, `val AS name` when named. */
export function resTarget(val: Node, name?: string): Node {
  return { ResTarget: name === undefined ? { val } : { name, val } } as unknown as Node;
}

/** An ORDER BY item; without a direction it is ASC NULLS LAST, as written without one. */
export function sortBy(node: Node, dir = "SORTBY_DEFAULT", nulls = "SORTBY_NULLS_DEFAULT"): Node {
  return { SortBy: { node, sortby_dir: dir, sortby_nulls: nulls } } as unknown as Node;
}

/** `schema.table AS alias` as a FROM item. */
export function rangeVar(schema: string, table: string, alias: string): Node {
  return {
    RangeVar: {
      schemaname: schema,
      relname: table,
      inh: true,
      relpersistence: "p",
      alias: { aliasname: alias },
    },
  } as unknown as Node;
}

/** `(select) AS alias` as a FROM item. */
export function rangeSubselect(select: unknown, alias: string): Node {
  return {
    RangeSubselect: { subquery: { SelectStmt: select }, alias: { aliasname: alias } },
  } as unknown as Node;
}

/** `larg <jointype> JOIN rarg ON on…`; without conditions, what the parser makes of a CROSS JOIN. */
export function joinExpr(jointype: string, larg: Node, rarg: Node, on: Node[]): Node {
  const quals = and(on);
  return { JoinExpr: { jointype, larg, rarg, ...(quals ? { quals } : {}) } } as unknown as Node;
}

/** FROM items side by side (a comma list) as one cross-joined tree. */
export function crossJoined(items: Node[]): Node {
  return items.reduce((l, r) => joinExpr("JOIN_INNER", l, r, []));
}

/** A plain SELECT (no set operation, no LIMIT option) of the given clauses. */
export function selectStmt(clauses: Record<string, unknown>): SelectStmt {
  return { ...clauses, limitOption: "LIMIT_OPTION_DEFAULT", op: "SETOP_NONE" } as unknown as SelectStmt;
}
