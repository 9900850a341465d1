/**
 * `*` and `t.*` over a table with relationship columns. The mirror holds every relationship as a
 * column of its table, so PostgreSQL would expand `*` to all of them; only always_fetch ones belong
 * there. Before a statement is described or planned, each such star is replaced in the text by the
 * explicit column list and the text is parsed again, so Describe, routing and planning all see the
 * same list.
 */
import type { Mirror } from "../catalog/mirror.ts";
import { PgError, SqlState } from "../common/pg-error.ts";
import { type ParsedStatement, parseSql } from "../sql/parse.ts";
import { referencedRelations } from "../sql/relations.ts";
import type { RelationResolver } from "./route.ts";

export interface StarColumns {
  /** what `*` means over the table; `hidden` when it leaves relationship columns out */
  columns: string[];
  hidden: boolean;
}

/** Resolves a table reference to what `*` means over it; null when it is not a service table. */
export type StarTables = (schema: string | null, table: string) => StarColumns | null;

export function mirrorStarTables(mirror: Mirror, resolver: RelationResolver): StarTables {
  return (schema, table) => {
    const service =
      schema !== null ? (resolver.isService(schema) ? schema : null) : resolver.serviceForUnqualified(table);
    return service === null ? null : (mirror.starColumns(service, table) ?? null);
  };
}

/** The statement with its stars expanded, or null when none of them needs it. */
export function expandStars(parsed: ParsedStatement, tables: StarTables): ParsedStatement | null {
  if (!parsed.text.includes("*")) return null;
  const relations = referencedRelations(parsed.ast);
  if (!relations.some((r) => tables(r.schema, r.name)?.hidden)) return null;
  // Locations of a fresh parse of the statement's own text index into that text.
  const [own] = parseSql(parsed.text);
  if (!own) return null;
  const ctes = new Set<string>();
  collectCtes(own.ast, ctes);
  const lookup: StarTables = (schema, table) =>
    schema === null && ctes.has(table) ? null : tables(schema, table);
  const edits: Edit[] = [];
  visit(own.ast, (scope, targets) => expandTargets(parsed.text, scope, targets, lookup, edits));
  if (edits.length === 0) return null;
  let text = parsed.text;
  for (const e of edits.sort((a, b) => b.start - a.start)) {
    text = text.slice(0, e.start) + e.replacement + text.slice(e.end);
  }
  const [expanded] = parseSql(text);
  return { ast: expanded.ast, text, location: parsed.location };
}

interface Edit {
  start: number;
  end: number;
  replacement: string;
}

/** Calls `onTargets` for every target list (SELECT list, RETURNING) with the FROM items it sees. */
function visit(node: unknown, onTargets: (scope: any[], targets: any[]) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, onTargets);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const rec = node as Record<string, any>;
  if (rec.SelectStmt?.targetList) onTargets(rec.SelectStmt.fromClause ?? [], rec.SelectStmt.targetList);
  for (const kind of ["InsertStmt", "UpdateStmt", "DeleteStmt"]) {
    const stmt = rec[kind];
    const returning = stmt?.returningClause?.exprs ?? stmt?.returningList;
    if (returning) {
      const extra = stmt.fromClause ?? stmt.usingClause ?? [];
      onTargets([{ RangeVar: stmt.relation }, ...extra], returning);
    }
  }
  for (const key of Object.keys(rec)) visit(rec[key], onTargets);
}

function collectCtes(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectCtes(item, out);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const rec = node as Record<string, any>;
  if (rec.CommonTableExpr?.ctename) out.add(rec.CommonTableExpr.ctename);
  for (const key of Object.keys(rec)) collectCtes(rec[key], out);
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function refused(message: string): PgError {
  return new PgError(SqlState.featureNotSupported, message, {
    hint: "List the columns; relationship columns are selected by name.",
  });
}

/** A FROM item's columns as `*` lists them: known one by one, or only as `x.*`. */
type Expansion = { known: true; cols: { expr: string; name: string }[] } | { known: false; exprs: string[] };

function expandTargets(text: string, scope: any[], targets: any[], tables: StarTables, edits: Edit[]): void {
  for (const target of targets) {
    const ref = target.ResTarget?.val?.ColumnRef;
    const fields: any[] | undefined = ref?.fields;
    if (!fields?.[fields.length - 1]?.A_Star) continue;
    const start: number = ref.location;
    const star = starIndex(text, start);
    if (fields.length === 1) {
      if (!scope.some((item) => hidesColumns(item, tables))) continue;
      const exprs = scope.flatMap((item) => exprsOf(expandItem(item, tables)));
      edits.push({ start, end: star + 1, replacement: exprs.join(", ") });
      continue;
    }
    const names = fields.slice(0, -1).map((f) => String(f.String?.sval ?? ""));
    const item = findItem(scope, names);
    if (!item) continue;
    if (item.JoinExpr) {
      if (hidesColumns(item, tables))
        throw refused(`cannot expand ${names.join(".")}.* over a join of tables with relationship columns`);
      continue;
    }
    const rv = item.RangeVar;
    const info = rv ? tables(rv.schemaname ?? null, rv.relname) : null;
    if (!info?.hidden) continue;
    if (rv.alias?.colnames?.length)
      throw refused(`cannot expand ${names.join(".")}.* over a table alias with column names`);
    const prefix = text.slice(start, star);
    edits.push({
      start,
      end: star + 1,
      replacement: info.columns.map((c) => `${prefix}${quote(c)}`).join(", "),
    });
  }
}

/** The index of the `*` that ends a column reference starting at `from` (quoted names may hold one). */
function starIndex(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "*") return i;
    if (ch === '"') {
      i++;
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) i += text[i] === '"' ? 2 : 1;
    }
    i++;
  }
  throw new PgError(SqlState.internalError, "could not find the * of a column reference", {
    kind: "internal",
  });
}

function hidesColumns(item: any, tables: StarTables): boolean {
  if (item.RangeVar) return tables(item.RangeVar.schemaname ?? null, item.RangeVar.relname)?.hidden === true;
  if (item.JoinExpr)
    return hidesColumns(item.JoinExpr.larg, tables) || hidesColumns(item.JoinExpr.rarg, tables);
  return false;
}

/** The FROM item a qualified star names: a table by alias or name, or an aliased join. */
function findItem(scope: any[], names: string[]): any | null {
  const name = names[names.length - 1];
  const schema = names.length > 1 ? names[names.length - 2] : null;
  for (const item of scope) {
    if (item.RangeVar) {
      const rv = item.RangeVar;
      const matches = rv.alias
        ? schema === null && rv.alias.aliasname === name
        : rv.relname === name && (schema === null || rv.schemaname === schema);
      if (matches) return item;
    } else if (item.JoinExpr) {
      if (item.JoinExpr.alias?.aliasname === name && schema === null) return item;
      const inner = findItem([item.JoinExpr.larg, item.JoinExpr.rarg], names);
      if (inner) return inner;
    }
  }
  return null;
}

function exprsOf(e: Expansion): string[] {
  return e.known ? e.cols.map((c) => c.expr) : e.exprs;
}

function expandItem(item: any, tables: StarTables): Expansion {
  if (item.RangeVar) {
    const rv = item.RangeVar;
    const qualifier = rv.alias
      ? quote(rv.alias.aliasname)
      : rv.schemaname
        ? `${quote(rv.schemaname)}.${quote(rv.relname)}`
        : quote(rv.relname);
    const info = tables(rv.schemaname ?? null, rv.relname);
    if (!info || rv.alias?.colnames?.length) {
      if (info?.hidden) throw refused("cannot expand * over a table alias with column names");
      return { known: false, exprs: [`${qualifier}.*`] };
    }
    return { known: true, cols: info.columns.map((c) => ({ expr: `${qualifier}.${quote(c)}`, name: c })) };
  }
  if (item.JoinExpr) return expandJoin(item.JoinExpr, tables);
  const alias = item.RangeSubselect?.alias ?? item.RangeFunction?.alias ?? item.RangeTableSample?.alias;
  if (!alias?.aliasname) throw refused("cannot expand * over a FROM item without an alias");
  return { known: false, exprs: [`${quote(alias.aliasname)}.*`] };
}

function expandJoin(join: any, tables: StarTables): Expansion {
  if (join.alias) {
    if (hidesColumns({ JoinExpr: join }, tables))
      throw refused("cannot expand * over an aliased join of tables with relationship columns");
    return { known: false, exprs: [`${quote(join.alias.aliasname)}.*`] };
  }
  const left = expandItem(join.larg, tables);
  const right = expandItem(join.rarg, tables);
  const using: string[] | null = join.usingClause
    ? join.usingClause.map((u: any) => String(u.String?.sval ?? ""))
    : join.isNatural
      ? null
      : [];
  if (using !== null && using.length === 0) {
    if (left.known && right.known) return { known: true, cols: [...left.cols, ...right.cols] };
    return { known: false, exprs: [...exprsOf(left), ...exprsOf(right)] };
  }
  if (!left.known || !right.known) {
    throw refused("cannot expand * over a USING or NATURAL join whose sides Weft cannot list");
  }
  const merged = using ?? left.cols.map((c) => c.name).filter((n) => right.cols.some((r) => r.name === n));
  // A merged column is referenced unqualified (or through the join's USING alias), as `*` shows it once.
  const usingAlias = join.join_using_alias?.aliasname;
  const mergedCols = merged.map((name) => ({
    expr: usingAlias ? `${quote(usingAlias)}.${quote(name)}` : quote(name),
    name,
  }));
  const rest = (cols: { expr: string; name: string }[]) => cols.filter((c) => !merged.includes(c.name));
  return { known: true, cols: [...mergedCols, ...rest(left.cols), ...rest(right.cols)] };
}
