import type { Node, SelectStmt } from "@pgsql/types";
import type { Value } from "../common/values.ts";
import type { SourceTable } from "../connectors/spi.ts";
import { aggregateNames } from "./aggregate-names.ts";
import {
  and,
  astKey,
  astText,
  caseExpr,
  cast,
  coalesce,
  columnRef,
  columnRefs,
  conjuncts,
  containsSubLink,
  funcCall,
  funcName,
  intConst,
  mapTree,
  nullIf,
  opExpr,
  rangeSubselect,
  replaceNodes,
  resTarget,
  selectStmt,
} from "./ast-nodes.ts";
import { estimateRows } from "./estimate.ts";
import type { ScopeCatalog } from "./subquery-scope.ts";

/**
 * Partial aggregation below a join ("eager aggregation"), as an AST rewrite before planning.
 *
 *   SELECT p.name, count(*), sum(a.hours) FROM ops.assignment a JOIN crm.project p ON p.id = a.project_id
 *   GROUP BY p.name
 * becomes
 *   SELECT p.name, coalesce(sum(a.weft_pa_0), 0)::int8 AS count, sum(a.weft_pa_1)::int8 AS sum
 *   FROM (SELECT project_id, count(*) AS weft_pa_0, sum(hours) AS weft_pa_1 FROM ops.assignment a
 *         GROUP BY project_id) a JOIN crm.project p ON p.id = a.project_id GROUP BY p.name
 *
 * The derived table lives in one service, so it is pushed down whole and the big table crosses the
 * network as one row per join key instead of one row per row. It is exact because every column of
 * the aggregated table the rest of the query reads is a key of the partial grouping: each partial
 * row stands for rows that the join and the final grouping treat alike, so summing partial counts
 * and sums (and taking min of mins …) over the final groups gives what the aggregates give over the
 * original rows. avg is sum/count divided the way PostgreSQL's avg divides (numeric_div), so the
 * result has the same scale. Applied only when the table, after its own WHERE conditions, is
 * expected at least four times larger than every other table of the query (the join key then
 * repeats and the partial result is smaller); float sums and averages
 * are left alone, because adding in another order changes their last digits.
 */
export function eagerAggregate(
  stmt: SelectStmt,
  catalog: ScopeCatalog,
  params: readonly Value[] = [],
): SelectStmt {
  if (!plainAggregateQuery(stmt)) return stmt;
  const tables: FromTable[] = [];
  for (const item of stmt.fromClause as Node[]) if (!collectTables(item, false, catalog, tables)) return stmt;
  if (tables.length < 2) return stmt;
  const aggregates = collectAggregateCalls(stmt);
  if (aggregates === null || aggregates.length === 0) return stmt;

  const resolve = resolver(tables);
  // each table's rows after the WHERE conditions over it alone, as the planner estimates a scan
  const where = conjuncts(stmt.whereClause);
  const rows = new Map(
    tables.map((t) => {
      const own = where.filter((c) => {
        const refs = columnRefs(c, allRefs);
        return refs.length > 0 && refs.every((r) => resolve(r) === t);
      });
      return [t, estimateRows(t.table, own, params)] as const;
    }),
  );
  let best: { table: FromTable; rewrite: Rewrite } | null = null;
  for (const table of tables) {
    if (table.nullable || tables.some((t) => t !== table && t.service === table.service)) continue;
    const others = Math.max(...tables.filter((t) => t !== table).map((t) => rows.get(t)!));
    if (rows.get(table)! < 4 * others) continue;
    const rewrite = planRewrite(stmt, table, aggregates, resolve);
    if (rewrite && (!best || rows.get(table)! > rows.get(best.table)!)) best = { table, rewrite };
  }
  return best ? applyRewrite(stmt, best.table, best.rewrite) : stmt;
}

interface FromTable {
  alias: string;
  service: string;
  table: SourceTable;
  rangeVar: Record<string, any>;
  nullable: boolean;
}

type Resolve = (ref: Node) => FromTable | null;

interface Partial {
  name: string;
  call: Node;
}

interface Rewrite {
  keys: string[];
  pushedWhere: Node[];
  keptWhere: Node[];
  partials: Partial[];
  /** each aggregate call of the query (by identity) and what replaces it */
  replace: Map<Node, Node>;
}

/** Every column reference, `t.*` too: a star over the aggregated table is not a key of its grouping. */
const allRefs = { stars: true, subqueries: true };

const combinable = new Set(["count", "sum", "avg", "min", "max", "bool_and", "bool_or", "every"]);
/** int2, int4, int8, numeric: sums and averages of these are exact in any order */
const exactSumTypes = new Set([21, 23, 20, 1700]);
const maxKeys = 4;

function plainAggregateQuery(stmt: SelectStmt): boolean {
  if (stmt.op && stmt.op !== "SETOP_NONE") return false;
  if (!stmt.fromClause?.length || stmt.valuesLists || stmt.windowClause?.length) return false;
  if (containsSubLink(stmt)) return false;
  if (((stmt.groupClause ?? []) as any[]).some((g) => !g.ColumnRef)) return false;
  return !astText(stmt).includes('"over"');
}

function collectTables(node: Node, nullable: boolean, catalog: ScopeCatalog, out: FromTable[]): boolean {
  const rv = (node as any).RangeVar;
  if (rv) {
    if (rv.alias?.colnames) return false;
    const service = rv.schemaname ?? catalog.serviceForUnqualified(rv.relname);
    if (!service || !catalog.isService(service)) return false;
    const table = catalog.table(service, rv.relname);
    if (!table) return false;
    out.push({ alias: rv.alias?.aliasname ?? rv.relname, service, table, rangeVar: rv, nullable });
    return true;
  }
  const j = (node as any).JoinExpr;
  if (!j || j.isNatural || j.usingClause) return false;
  const type = j.jointype as string;
  if (!["JOIN_INNER", "JOIN_LEFT", "JOIN_RIGHT", "JOIN_FULL"].includes(type)) return false;
  const leftNullable = nullable || type === "JOIN_RIGHT" || type === "JOIN_FULL";
  const rightNullable = nullable || type === "JOIN_LEFT" || type === "JOIN_FULL";
  return (
    collectTables(j.larg, leftNullable, catalog, out) && collectTables(j.rarg, rightNullable, catalog, out)
  );
}

/** Every aggregate call in the select list, HAVING and ORDER BY; null when one cannot be split. */
function collectAggregateCalls(stmt: SelectStmt): Node[] | null {
  const found: Node[] = [];
  let splittable = true;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const f = (node as any).FuncCall;
    if (f) {
      const name = funcName(f);
      if (aggregateNames.has(name) || f.agg_star) {
        if (!combinable.has(name) || f.agg_order || f.agg_within_group || f.over || f.funcname.length > 1)
          splittable = false;
        found.push(node as Node);
        return;
      }
    }
    for (const v of Object.values(node)) walk(v);
  };
  walk(stmt.targetList);
  walk(stmt.havingClause);
  walk(stmt.sortClause);
  return splittable ? found : null;
}

function resolver(tables: FromTable[]): Resolve {
  return (ref) => {
    const fields = ((ref as any).ColumnRef.fields as any[]).map((f) => f.String?.sval as string | undefined);
    if (fields.some((f) => f === undefined)) return null;
    const column = fields[fields.length - 1]!;
    const has = (t: FromTable) => t.table.columns.some((c) => c.name === column);
    if (fields.length === 1) {
      const matches = tables.filter(has);
      return matches.length === 1 ? matches[0] : null;
    }
    const alias = fields[fields.length - 2];
    const schema = fields.length === 3 ? fields[0] : undefined;
    const match = tables.find(
      (t) => t.alias === alias && (schema === undefined || (t.service === schema && !t.rangeVar.alias)),
    );
    return match && has(match) ? match : null;
  };
}

function planRewrite(
  stmt: SelectStmt,
  table: FromTable,
  aggregates: Node[],
  resolve: Resolve,
): Rewrite | null {
  const keys = new Set<string>();
  const partials: Partial[] = [];
  const replace = new Map<Node, Node>();
  const ownColumn = (ref: Node): string | null => {
    const fields = (ref as any).ColumnRef.fields as any[];
    return resolve(ref) === table ? String(fields[fields.length - 1].String.sval) : null;
  };
  const refsOnlyTable = (node: unknown): boolean =>
    columnRefs(node, allRefs).every((r) => resolve(r) === table);

  for (const agg of aggregates) {
    const f = (agg as any).FuncCall;
    const name = funcName(f);
    const args = (f.args ?? []) as Node[];
    if (args.length > 1 || !refsOnlyTable(args) || !refsOnlyTable(f.agg_filter)) return null;
    if (f.agg_distinct) {
      // the distinct values survive the partial grouping when they are part of its key
      const column = args[0] && (args[0] as any).ColumnRef ? ownColumn(args[0]) : null;
      if (!column) return null;
      keys.add(column);
      continue;
    }
    const argType = args[0] && (args[0] as any).ColumnRef ? columnType(table, ownColumn(args[0])) : null;
    const partial = (fn: string): Node => {
      const call = filtered(fn, args, f.agg_star, f.agg_filter);
      const key = astKey(call);
      let found = partials.find((p) => astKey(p.call) === key);
      if (!found) {
        found = { name: `weft_pa_${partials.length}`, call };
        partials.push(found);
      }
      return columnRef([table.alias, found.name]);
    };
    if (name === "count") {
      replace.set(agg, cast(coalesce([funcCall("sum", [partial("count")]), intConst(0)]), "int8"));
    } else if (name === "sum") {
      if (argType === null || !exactSumTypes.has(argType)) return null;
      const sum = funcCall("sum", [partial("sum")]);
      replace.set(agg, argType === 21 || argType === 23 ? cast(sum, "int8") : sum);
    } else if (name === "avg") {
      if (argType === null || !exactSumTypes.has(argType)) return null;
      const total = cast(funcCall("sum", [partial("sum")]), "numeric");
      const count = cast(nullIf(funcCall("sum", [partial("count")]), intConst(0)), "numeric");
      replace.set(agg, opExpr("/", total, count));
    } else {
      replace.set(agg, funcCall(name, [partial(name)]));
    }
  }

  // every other reference to the table's columns must be a key of the partial grouping
  const pushedWhere: Node[] = [];
  const keptWhere: Node[] = [];
  for (const c of conjuncts(stmt.whereClause)) {
    const refs = columnRefs(c, allRefs);
    if (refs.length > 0 && refs.every((r) => resolve(r) === table)) pushedWhere.push(c);
    else keptWhere.push(c);
  }
  const outside: unknown[] = [
    keptWhere,
    stmt.groupClause,
    stmt.distinctClause,
    joinQuals(stmt.fromClause as Node[]),
    withoutAggregates(stmt.targetList, replace),
    withoutAggregates(stmt.havingClause, replace),
    withoutAggregates(sortInputs(stmt), replace),
  ];
  for (const ref of columnRefs(outside, allRefs)) {
    const column = ownColumn(ref);
    if (column) keys.add(column);
  }
  if (keys.size === 0 || keys.size > maxKeys) return null;
  return { keys: [...keys], pushedWhere, keptWhere, partials, replace };
}

/** ORDER BY items that read input columns: a bare name of an output column means that output. */
function sortInputs(stmt: SelectStmt): unknown[] {
  const outputs = new Set(((stmt.targetList ?? []) as any[]).map((t) => t.ResTarget?.name).filter(Boolean));
  return ((stmt.sortClause ?? []) as any[]).filter((s) => {
    const fields = s.SortBy?.node?.ColumnRef?.fields;
    return !(fields?.length === 1 && outputs.has(fields[0].String?.sval));
  });
}

function applyRewrite(stmt: SelectStmt, table: FromTable, rewrite: Rewrite): SelectStmt {
  const alias = table.alias;
  const derived = selectStmt({
    targetList: [
      ...rewrite.keys.map((k) => resTarget(columnRef([alias, k]), k)),
      ...rewrite.partials.map((p) => resTarget(p.call, p.name)),
    ],
    fromClause: [{ RangeVar: table.rangeVar }],
    whereClause: and(rewrite.pushedWhere),
    groupClause: rewrite.keys.map((k) => columnRef([alias, k])),
  });
  const subselect = rangeSubselect(derived, alias);
  const replaceTable = (node: Node): Node => {
    if ((node as any).RangeVar === table.rangeVar) return subselect;
    const j = (node as any).JoinExpr;
    if (!j) return node;
    return { JoinExpr: { ...j, larg: replaceTable(j.larg), rarg: replaceTable(j.rarg) } } as Node;
  };
  const swap = (node: unknown): any => replaceNodes(node, rewrite.replace);
  // an unnamed aggregate column keeps the name PostgreSQL gives it (the function's)
  const targetList = ((stmt.targetList ?? []) as any[]).map((t) => {
    const val = t.ResTarget?.val;
    if (!val || !rewrite.replace.has(val)) return swap(t);
    return {
      ResTarget: { ...t.ResTarget, name: t.ResTarget.name ?? funcName(val.FuncCall), val: swap(val) },
    };
  });
  return {
    ...stmt,
    fromClause: (stmt.fromClause as Node[]).map(replaceTable),
    whereClause: and(rewrite.keptWhere),
    targetList,
    havingClause: swap(stmt.havingClause),
    sortClause: swap(stmt.sortClause),
  } as SelectStmt;
}

// ---------------------------------------------------------------- helpers

function columnType(table: FromTable, column: string | null): number | null {
  return table.table.columns.find((c) => c.name === column)?.type.oid ?? null;
}

/** The node with its aggregate calls cut out (their arguments are not read outside them). */
function withoutAggregates(node: unknown, replace: Map<Node, Node>): unknown {
  return mapTree(node, (n) =>
    replace.has(n as Node) || (n.FuncCall?.agg_distinct && isAggregate(n)) ? null : undefined,
  );
}

function isAggregate(node: unknown): boolean {
  const f = (node as any).FuncCall;
  return Boolean(f) && (aggregateNames.has(funcName(f)) || f.agg_star);
}

function joinQuals(from: Node[]): Node[] {
  const out: Node[] = [];
  const walk = (n: Node) => {
    const j = (n as any).JoinExpr;
    if (!j) return;
    if (j.quals) out.push(j.quals);
    walk(j.larg);
    walk(j.rarg);
  };
  for (const n of from) walk(n);
  return out;
}

/**
 * `agg(x) FILTER (WHERE c)` as `agg(CASE WHEN c THEN x END)`: the same rows count (aggregates skip
 * NULLs; a NULL condition is not true) and every dialect can run it, where FILTER is PostgreSQL's.
 */
function filtered(name: string, args: Node[], star: boolean, filter: Node | undefined): Node {
  if (!filter) return funcCall(name, args, { agg_star: star });
  const value = star ? intConst(1) : args[0];
  return funcCall(name, [caseExpr([[filter, value]], null)]);
}
