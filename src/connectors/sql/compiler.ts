import type { Node } from "@pgsql/types";
import { PgError, SqlState } from "../../common/pg-error.ts";
import type { Value } from "../../common/values.ts";
import type { CompileTarget, NativeQuery, SqlCompiler } from "../spi.ts";
import { Binder } from "./binder.ts";
import { type Dialect, mysqlTextCollation } from "./dialect.ts";
import { guardedDivision } from "./division.ts";
import { compileFunction } from "./functions.ts";
import { type Ty, tyOfOid, tyOfTypeName } from "./types.ts";

/** A compiled expression: its native text, coarse type, and value when it is a known constant. */
export interface Expr {
  sql: string;
  ty: Ty;
  konst?: { value: Value };
}

interface Column {
  name: string;
  ty: Ty;
}

interface Rel {
  alias: string;
  columns: Column[];
}

interface Scope {
  rels: Rel[];
  parent: Scope | null;
  ctes: Map<string, Column[]>;
  /** a USING/NATURAL join makes `*` expansion ambiguous for the other dialects */
  hasUsing?: boolean;
}

interface Output {
  sql: string;
  columns: Column[];
}

type A = any;

export function makeCompiler(dialect: Dialect): SqlCompiler {
  return {
    compile(stmt: Node, target: CompileTarget, params: Value[], paramTypes: number[]): NativeQuery {
      const c = new Compilation(dialect, target, params, paramTypes);
      const { sql, returnsRows } = c.statement(stmt as A);
      const { text, params: bound } = c.binder.finish(sql);
      return { text, params: bound, returnsRows };
    },
  };
}

export class Compilation {
  readonly binder: Binder;

  constructor(
    readonly dialect: Dialect,
    readonly target: CompileTarget,
    readonly params: Value[],
    readonly paramTypes: number[],
  ) {
    this.binder = new Binder(dialect);
  }

  get kind(): string {
    return this.dialect.kind;
  }

  refuse(construct: string): never {
    throw new PgError(
      SqlState.featureNotSupported,
      `${construct} cannot be pushed down to ${this.dialect.kind} service "${this.target.service}"`,
    );
  }

  q(name: string): string {
    return this.dialect.quoteIdent(name);
  }

  // ------------------------------------------------------------------ statements

  statement(node: A): { sql: string; returnsRows: boolean } {
    const key = Object.keys(node)[0];
    const body = node[key];
    const root: Scope = { rels: [], parent: null, ctes: new Map() };
    switch (key) {
      case "SelectStmt":
        return { sql: this.select(body, root).sql, returnsRows: true };
      case "InsertStmt":
        return this.insert(body, root);
      case "UpdateStmt":
        return this.update(body, root);
      case "DeleteStmt":
        return this.delete(body, root);
      default:
        return this.refuse(key);
    }
  }

  private withClause(wc: A, scope: Scope): string {
    if (!wc) return "";
    const parts: string[] = [];
    for (const item of wc.ctes ?? []) {
      const cte = item.CommonTableExpr;
      if (cte.cterecursive && wc.recursive && this.kind === "postgres") {
        // fine
      }
      const colnames: string[] = (cte.aliascolnames ?? []).map((n: A) => n.String.sval);
      if (wc.recursive) {
        // a recursive CTE's columns are those of its non-recursive term
        const q = cte.ctequery.SelectStmt;
        const seed = q.op === "SETOP_UNION" ? unwrap(q.larg) : q;
        const pre = this.select(seed, { ...scope, rels: [] });
        scope.ctes.set(cte.ctename, rename(pre.columns, colnames));
      }
      const out = this.select(cte.ctequery.SelectStmt, { ...scope, rels: [], parent: scope.parent });
      scope.ctes.set(cte.ctename, rename(out.columns, colnames));
      const cols = colnames.length ? `(${colnames.map((n) => this.q(n)).join(", ")})` : "";
      const mat =
        this.kind === "postgres" && cte.ctematerialized === "CTEMaterializeAlways"
          ? "MATERIALIZED "
          : this.kind === "postgres" && cte.ctematerialized === "CTEMaterializeNever"
            ? "NOT MATERIALIZED "
            : "";
      parts.push(`${this.q(cte.ctename)}${cols} AS ${mat}(${out.sql})`);
    }
    return `WITH ${wc.recursive ? "RECURSIVE " : ""}${parts.join(", ")} `;
  }

  select(s: A, outer: Scope, names?: string[]): Output {
    const scope: Scope = { rels: [], parent: outer.parent, ctes: new Map(outer.ctes) };
    // outer.rels are visible for correlation: the caller passes its scope as parent
    if (outer.rels.length) scope.parent = outer;
    const withSql = this.withClause(s.withClause, scope);
    let core: Output;
    if (s.valuesLists) core = this.values(s.valuesLists, scope, names);
    else if (s.op && s.op !== "SETOP_NONE") core = this.setOp(s, scope, names);
    else core = this.simpleSelect(s, scope, names);
    const isSetOp = (s.op && s.op !== "SETOP_NONE") || s.valuesLists;
    let sql = core.sql;
    const tail = this.orderAndLimit(s, scope, core, !!isSetOp);
    if (tail.wrap) {
      sql = `SELECT * FROM (${sql}) AS ${this.q("_w")}${tail.sql}`;
    } else sql += tail.sql;
    return { sql: withSql + sql, columns: core.columns };
  }

  private simpleSelect(s: A, scope: Scope, names?: string[]): Output {
    const from = (s.fromClause ?? []).map((f: A) => this.fromItem(f, scope));
    const parts: string[] = ["SELECT"];
    if (s.distinctClause) {
      if (s.distinctClause.length === 1 && Object.keys(s.distinctClause[0]).length === 0)
        parts.push("DISTINCT");
      else this.refuse("DISTINCT ON");
    }
    const targets = this.targetList(s.targetList ?? [], scope, names);
    parts.push(targets.sql);
    if (from.length) parts.push(`FROM ${from.join(", ")}`);
    if (s.whereClause) parts.push(`WHERE ${this.predicate(s.whereClause, scope)}`);
    if (s.groupClause) {
      const groups = s.groupClause.map((g: A) => this.sortOrGroupKey(g, scope, targets.exprs).sql);
      parts.push(`GROUP BY ${groups.join(", ")}`);
    }
    if (s.havingClause) parts.push(`HAVING ${this.predicate(s.havingClause, scope)}`);
    if (s.windowClause) this.refuse("WINDOW clause");
    if (s.lockingClause) this.refuse("FOR UPDATE/SHARE");
    if (s.intoClause) this.refuse("SELECT INTO");
    (scope as A).targets = targets.exprs;
    return { sql: parts.join(" "), columns: targets.columns };
  }

  private targetList(
    list: A[],
    scope: Scope,
    names?: string[],
  ): { sql: string; columns: Column[]; exprs: { name: string; expr: Expr; node: A }[] } {
    const items: string[] = [];
    const columns: Column[] = [];
    const exprs: { name: string; expr: Expr; node: A }[] = [];
    for (const item of list) {
      const rt = item.ResTarget;
      const val = rt.val;
      const fields = val.ColumnRef?.fields;
      if (fields?.[fields.length - 1].A_Star) {
        const rels =
          fields.length === 1 ? scope.rels : [this.findRel(scope, fields[fields.length - 2].String.sval)];
        if (this.kind === "postgres") {
          items.push(fields.length === 1 ? "*" : `${this.q(fields[fields.length - 2].String.sval)}.*`);
          for (const r of rels)
            for (const c of r.columns) {
              columns.push(c);
              exprs.push({ name: c.name, expr: { sql: this.colSql(r.alias, c), ty: c.ty }, node: null });
            }
          continue;
        }
        if (scope.hasUsing && fields.length === 1) this.refuse("SELECT * over JOIN … USING");
        for (const r of rels)
          for (const c of r.columns) {
            const name = names?.[columns.length] ?? c.name;
            const expr = { sql: this.colSql(r.alias, c), ty: c.ty };
            items.push(`${expr.sql} AS ${this.q(name)}`);
            columns.push({ name, ty: c.ty });
            exprs.push({ name, expr, node: null });
          }
        continue;
      }
      const expr = this.expr(val, scope);
      const name = names?.[columns.length] ?? rt.name ?? figureName(val);
      columns.push({ name, ty: expr.ty });
      exprs.push({ name, expr, node: val });
      // always alias outside Postgres so derived tables expose Postgres's column names
      items.push(rt.name || this.kind !== "postgres" || names ? `${expr.sql} AS ${this.q(name)}` : expr.sql);
    }
    return { sql: items.join(", "), columns, exprs };
  }

  private values(lists: A[], scope: Scope, names?: string[]): Output {
    const rows = lists.map((l: A) => l.List.items.map((e: A) => this.expr(e, scope)));
    const columns: Column[] = rows[0].map((_e: Expr, i: number) => ({
      name: names?.[i] ?? `column${i + 1}`,
      ty: rows.map((r: Expr[]) => r[i].ty).find((t: Ty) => t !== "unknown") ?? "unknown",
    }));
    if (this.kind === "postgres") {
      return {
        sql: `VALUES ${rows.map((r: Expr[]) => `(${r.map((e) => e.sql).join(", ")})`).join(", ")}`,
        columns,
      };
    }
    // neither backend names VALUES columns like Postgres: spell it as a UNION ALL of SELECTs
    const sql = rows
      .map((r: Expr[]) => `SELECT ${r.map((e, i) => `${e.sql} AS ${this.q(columns[i].name)}`).join(", ")}`)
      .join(" UNION ALL ");
    return { sql, columns };
  }

  private setOp(s: A, scope: Scope, names?: string[]): Output {
    const op = { SETOP_UNION: "UNION", SETOP_INTERSECT: "INTERSECT", SETOP_EXCEPT: "EXCEPT" }[s.op as string];
    if (!op) this.refuse(s.op);
    if (s.all && op !== "UNION" && !this.dialect.intersectExceptAll) this.refuse(`${op} ALL`);
    const sub: Scope = { rels: [], parent: scope.parent, ctes: scope.ctes };
    const left = this.select(unwrap(s.larg), sub, names);
    const right = this.select(unwrap(s.rarg), sub);
    if (left.columns.length !== right.columns.length)
      throw new PgError(SqlState.syntaxError, `each ${op} query must have the same number of columns`);
    const operand = (stmt: A, o: Output): string => {
      const complex =
        (stmt.op && stmt.op !== "SETOP_NONE") || stmt.sortClause || stmt.limitCount || stmt.limitOffset;
      if (!complex && !stmt.withClause) return o.sql;
      if (this.kind === "sqlite") return `SELECT * FROM (${o.sql})`;
      return `(${o.sql})`;
    };
    const columns = left.columns.map((c, i) => ({
      name: c.name,
      ty: c.ty === "unknown" ? right.columns[i].ty : c.ty,
    }));
    const sql = `${operand(unwrap(s.larg), left)} ${op}${s.all ? " ALL" : ""} ${operand(unwrap(s.rarg), right)}`;
    return { sql, columns };
  }

  private orderAndLimit(s: A, scope: Scope, core: Output, isSetOp: boolean): { sql: string; wrap: boolean } {
    let sql = "";
    let wrap = false;
    if (s.sortClause) {
      let keys: string[];
      if (isSetOp) {
        // ORDER BY of a set operation sees only its output columns
        const rel: Rel = { alias: "_w", columns: core.columns };
        const outScope: Scope = { rels: [rel], parent: null, ctes: new Map() };
        const exprs = core.columns.map((c) => ({ name: c.name, expr: this.colExpr("_w", c), node: null }));
        keys = s.sortClause.map((sb: A) => this.sortKey(sb.SortBy, outScope, exprs));
        wrap = this.kind !== "postgres";
        if (!wrap) {
          // Postgres: refer to output columns by position
          keys = s.sortClause.map((sb: A) => {
            const e = this.sortOrGroupKey(sb.SortBy.node, outScope, exprs);
            const idx = exprs.findIndex((x) => x.expr.sql === e.sql);
            if (idx < 0) this.refuse("ORDER BY expression over a set operation");
            return this.sortSuffix(String(idx + 1), e, sb.SortBy);
          });
        }
      } else {
        const exprs = (scope as A).targets ?? [];
        keys = s.sortClause.map((sb: A) => this.sortKey(sb.SortBy, scope, exprs));
      }
      sql += ` ORDER BY ${keys.join(", ")}`;
    }
    if (s.limitOption === "LIMIT_OPTION_WITH_TIES") this.refuse("FETCH … WITH TIES");
    const count = s.limitCount ? this.limitValue(s.limitCount, scope) : null;
    const offset = s.limitOffset ? this.limitValue(s.limitOffset, scope) : null;
    if (count !== null) sql += ` LIMIT ${count}`;
    else if (offset !== null && this.kind === "mysql") sql += " LIMIT 18446744073709551615";
    else if (offset !== null && this.kind === "sqlite") sql += " LIMIT -1";
    if (offset !== null) sql += ` OFFSET ${offset}`;
    return { sql, wrap };
  }

  /** LIMIT/OFFSET operand: null for LIMIT ALL/NULL; a bound non-negative integer otherwise. */
  private limitValue(node: A, scope: Scope): string | null {
    if (node.A_Const?.isnull) return null;
    const e = this.expr(node, scope);
    if (this.kind === "postgres") return e.sql;
    if (!e.konst) this.refuse("LIMIT/OFFSET with a non-constant expression");
    const v = e.konst.value;
    if (v === null) return null;
    const n = typeof v === "bigint" ? v : BigInt(Math.trunc(Number(v)));
    if (n < 0n) throw new PgError("2201W", "LIMIT must not be negative");
    return this.binder.literal(n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n, null, true);
  }

  private sortKey(sb: A, scope: Scope, targets: { name: string; expr: Expr; node: A }[]): string {
    if (sb.useOp) this.refuse("ORDER BY … USING");
    const e = this.sortOrGroupKey(sb.node, scope, targets);
    return this.sortSuffix(e.sql, e, sb);
  }

  private sortSuffix(sql: string, e: Expr, sb: A): string {
    const desc = sb.sortby_dir === "SORTBY_DESC";
    // Postgres: NULLs sort as larger than every value unless told otherwise
    const nullsFirst =
      sb.sortby_nulls === "SORTBY_NULLS_FIRST"
        ? true
        : sb.sortby_nulls === "SORTBY_NULLS_LAST"
          ? false
          : desc;
    const dir = desc ? " DESC" : "";
    if (this.kind === "postgres") {
      const explicit =
        sb.sortby_nulls === "SORTBY_NULLS_FIRST"
          ? " NULLS FIRST"
          : sb.sortby_nulls === "SORTBY_NULLS_LAST"
            ? " NULLS LAST"
            : "";
      return `${sql}${dir}${explicit}`;
    }
    if (this.dialect.nullsOrdering) return `${sql}${dir} NULLS ${nullsFirst ? "FIRST" : "LAST"}`;
    // MySQL puts NULLs first ascending and last descending
    if (nullsFirst === desc) return `${e.sql} IS NULL${nullsFirst ? " DESC" : ""}, ${sql}${dir}`;
    return `${sql}${dir}`;
  }

  /** An ORDER BY / GROUP BY item: an output column number, an output column name, or an expression. */
  private sortOrGroupKey(node: A, scope: Scope, targets: { name: string; expr: Expr; node: A }[]): Expr {
    const ival = node.A_Const?.ival;
    if (ival) {
      const n = ival.ival ?? 0;
      const t = targets[n - 1];
      if (!t) throw new PgError(SqlState.undefinedColumn, `position ${n} is not in select list`);
      return t.expr;
    }
    const f = node.ColumnRef?.fields;
    if (f && f.length === 1 && f[0].String) {
      const name = f[0].String.sval;
      const inScope = this.tryColumn(scope, null, name);
      const t = targets.filter((x) => x.name === name);
      if (t.length === 1 && (!inScope || t[0].node === null || t[0].node.ColumnRef === undefined))
        return t[0].expr;
    }
    return this.expr(node, scope);
  }

  // ------------------------------------------------------------------ FROM

  private tableName(rv: A): { sql: string; name: string } {
    if (rv.catalogname) this.refuse(`relation "${rv.catalogname}.${rv.schemaname}.${rv.relname}"`);
    if (rv.schemaname && rv.schemaname !== this.target.service)
      this.refuse(`relation "${rv.schemaname}.${rv.relname}" of another schema`);
    const ns = this.target.nativeSchema;
    return { sql: ns ? `${this.q(ns)}.${this.q(rv.relname)}` : this.q(rv.relname), name: rv.relname };
  }

  private tableColumns(name: string): Column[] {
    const cols = this.target.columnsOf(name);
    if (!cols)
      throw new PgError(SqlState.undefinedTable, `relation "${this.target.service}.${name}" does not exist`);
    return cols.map((c) => ({ name: c.name, ty: tyOfOid(c.type.oid) }));
  }

  private fromItem(node: A, scope: Scope): string {
    if (node.RangeVar) {
      const rv = node.RangeVar;
      const alias = rv.alias?.aliasname;
      const colnames: string[] = (rv.alias?.colnames ?? []).map((n: A) => n.String.sval);
      if (!rv.schemaname && scope.ctes.has(rv.relname)) {
        scope.rels.push({
          alias: alias ?? rv.relname,
          columns: rename(scope.ctes.get(rv.relname)!, colnames),
        });
        if (colnames.length && this.kind !== "postgres") this.refuse("column aliases on a CTE reference");
        return alias ? `${this.q(rv.relname)} AS ${this.q(alias)}` : this.q(rv.relname);
      }
      if (rv.inh === false) this.refuse("ONLY");
      const t = this.tableName(rv);
      const cols = this.tableColumns(t.name);
      if (colnames.length && this.kind !== "postgres") this.refuse("column aliases on a table");
      scope.rels.push({ alias: alias ?? t.name, columns: rename(cols, colnames) });
      const colSql = colnames.length ? `(${colnames.map((n) => this.q(n)).join(", ")})` : "";
      return alias ? `${t.sql} AS ${this.q(alias)}${colSql}` : t.sql;
    }
    if (node.RangeSubselect) {
      const rs = node.RangeSubselect;
      if (rs.lateral && this.kind !== "postgres") this.refuse("LATERAL");
      if (!rs.alias) throw new PgError(SqlState.syntaxError, "subquery in FROM must have an alias");
      const colnames: string[] = (rs.alias.colnames ?? []).map((n: A) => n.String.sval);
      const sub: Scope = rs.lateral ? scope : { rels: [], parent: scope.parent, ctes: scope.ctes };
      // Postgres takes the column aliases as written; the others get them as output names
      const pg = this.kind === "postgres";
      const out = this.select(rs.subquery.SelectStmt, sub, colnames.length && !pg ? colnames : undefined);
      scope.rels.push({ alias: rs.alias.aliasname, columns: rename(out.columns, colnames) });
      const cols = pg && colnames.length ? `(${colnames.map((n) => this.q(n)).join(", ")})` : "";
      return `${rs.lateral ? "LATERAL " : ""}(${out.sql}) AS ${this.q(rs.alias.aliasname)}${cols}`;
    }
    if (node.JoinExpr) {
      const j = node.JoinExpr;
      if (j.alias) this.refuse("an aliased JOIN");
      const left = this.fromItem(j.larg, scope);
      const right = this.fromItem(j.rarg, scope);
      const type = {
        JOIN_INNER: j.quals || j.usingClause || j.isNatural ? "JOIN" : "CROSS JOIN",
        JOIN_LEFT: "LEFT JOIN",
        JOIN_RIGHT: "RIGHT JOIN",
        JOIN_FULL: "FULL JOIN",
      }[j.jointype as string];
      if (!type) this.refuse(j.jointype);
      if (j.jointype === "JOIN_FULL" && !this.dialect.fullJoin) this.refuse("FULL JOIN");
      if (j.isNatural) this.refuse("NATURAL JOIN");
      let cond = "";
      if (j.usingClause) {
        scope.hasUsing = true;
        cond = ` USING (${j.usingClause.map((n: A) => this.q(n.String.sval)).join(", ")})`;
        if (this.kind === "mysql" && j.jointype !== "JOIN_INNER") this.refuse("outer JOIN … USING");
      } else if (j.quals) cond = ` ON ${this.predicate(j.quals, scope)}`;
      return `${left} ${type} ${right}${cond}`;
    }
    return this.refuse(`FROM item ${Object.keys(node)[0]}`);
  }

  // ------------------------------------------------------------------ DML

  private insert(s: A, scope: Scope): { sql: string; returnsRows: boolean } {
    const withSql = this.withClause(s.withClause, scope);
    const t = this.tableName(s.relation);
    const tableCols = this.tableColumns(t.name);
    const alias = s.relation.alias?.aliasname;
    if (alias && this.kind === "mysql") this.refuse("INSERT … AS alias");
    scope.rels.push({ alias: alias ?? t.name, columns: tableCols });
    let cols: string[] = (s.cols ?? []).map((c: A) => c.ResTarget.name);
    for (const c of cols)
      if (!tableCols.some((x) => x.name === c))
        throw new PgError(SqlState.undefinedColumn, `column "${c}" of relation "${t.name}" does not exist`);
    if (s.override && s.override !== "OVERRIDING_NOT_SET") this.refuse("OVERRIDING");
    let source: string;
    const sel = s.selectStmt?.SelectStmt;
    if (!sel) source = this.kind === "mysql" ? "() VALUES ()" : "DEFAULT VALUES";
    else if (sel.valuesLists && !sel.sortClause && !sel.limitCount && !sel.withClause) {
      let rows: A[][] = sel.valuesLists.map((l: A) => l.List.items);
      const width = cols.length || tableCols.length;
      if (!cols.length) cols = tableCols.map((c) => c.name).slice(0, rows[0].length);
      if (rows.some((r) => r.length > width))
        throw new PgError(SqlState.syntaxError, "INSERT has more expressions than target columns");
      if (this.kind === "sqlite") {
        // SQLite has no DEFAULT in VALUES: drop columns that are DEFAULT in every row
        const isDef = (r: A[], i: number) => !!r[i]?.SetToDefault;
        const keep = cols.map((_c, i) => !rows.every((r) => isDef(r, i)));
        if (rows.some((r) => r.some((v: A, i: number) => v.SetToDefault && keep[i])))
          this.refuse("DEFAULT mixed with values in one column");
        cols = cols.filter((_c, i) => keep[i]);
        rows = rows.map((r) => r.filter((_v, i) => keep[i]));
      }
      const typeOf = (i: number) => tableCols.find((c) => c.name === cols[i])?.ty ?? "unknown";
      const rowSql = rows.map(
        (r) =>
          `(${r.map((v: A, i: number) => (v.SetToDefault ? "DEFAULT" : this.valueFor(this.expr(v, scope), typeOf(i)))).join(", ")})`,
      );
      source = cols.length || this.kind !== "sqlite" ? `VALUES ${rowSql.join(", ")}` : "DEFAULT VALUES";
    } else {
      const out = this.select(sel, { rels: [], parent: null, ctes: scope.ctes });
      source = out.sql;
      if (this.kind === "sqlite" && s.onConflictClause) this.refuse("INSERT … SELECT … ON CONFLICT");
    }
    const colSql = cols.length ? ` (${cols.map((c) => this.q(c)).join(", ")})` : "";
    const aliasSql = alias ? ` AS ${this.q(alias)}` : "";
    let sql = `${withSql}INSERT INTO ${t.sql}${aliasSql}${colSql} ${source}`;
    if (s.onConflictClause) sql += this.onConflict(s.onConflictClause, scope, tableCols, !!s.returningClause);
    const ret = this.returning(s.returningClause, scope, "insert");
    return { sql: sql + ret, returnsRows: ret !== "" };
  }

  /** Text bound into a typed column keeps its type; other values pass through. */
  private valueFor(e: Expr, _ty: Ty): string {
    return e.sql;
  }

  private onConflict(oc: A, scope: Scope, tableCols: Column[], hasReturning: boolean): string {
    if (oc.infer?.whereClause || oc.whereClause) this.refuse("ON CONFLICT … WHERE");
    if (oc.infer?.conname) this.refuse("ON CONFLICT ON CONSTRAINT");
    const target = (oc.infer?.indexElems ?? []).map((e: A) => {
      if (!e.IndexElem.name) this.refuse("ON CONFLICT on an expression");
      return this.q(e.IndexElem.name);
    });
    const excluded: Rel = { alias: "excluded", columns: tableCols };
    const setScope: Scope = { ...scope, rels: [...scope.rels, excluded] };
    if (this.kind === "mysql") {
      // MySQL reacts to any unique key; only exact when the statement names no narrower target
      if (hasReturning) this.refuse("ON CONFLICT with RETURNING");
      if (oc.action === "ONCONFLICT_NOTHING") {
        const c = this.q(tableCols[0].name);
        return ` ON DUPLICATE KEY UPDATE ${c} = ${c}`;
      }
      const sets = (oc.targetList ?? []).map((rt: A) => {
        const r = rt.ResTarget;
        const f = r.val.ColumnRef?.fields;
        if (f && f.length === 2 && f[0].String?.sval === "excluded" && f[1].String)
          return `${this.q(r.name)} = VALUES(${this.q(f[1].String.sval)})`;
        if (JSON.stringify(r.val).includes('"excluded"')) this.refuse("EXCLUDED inside an expression");
        return `${this.q(r.name)} = ${this.expr(r.val, scope).sql}`;
      });
      return ` ON DUPLICATE KEY UPDATE ${sets.join(", ")}`;
    }
    const tgt = target.length ? ` (${target.join(", ")})` : "";
    if (oc.action === "ONCONFLICT_NOTHING") return ` ON CONFLICT${tgt} DO NOTHING`;
    if (!target.length)
      throw new PgError(
        SqlState.syntaxError,
        "ON CONFLICT DO UPDATE requires inference specification or constraint name",
      );
    const sets = (oc.targetList ?? []).map(
      (rt: A) => `${this.q(rt.ResTarget.name)} = ${this.expr(rt.ResTarget.val, setScope).sql}`,
    );
    return ` ON CONFLICT${tgt} DO UPDATE SET ${sets.join(", ")}`;
  }

  private returning(rc: A, scope: Scope, stmt: "insert" | "update" | "delete"): string {
    const list = rc?.exprs;
    if (!list?.length) return "";
    if (!this.dialect.returning[stmt]) this.refuse(`${stmt.toUpperCase()} … RETURNING`);
    return ` RETURNING ${this.targetList(list, scope).sql}`;
  }

  private update(s: A, scope: Scope): { sql: string; returnsRows: boolean } {
    const withSql = this.withClause(s.withClause, scope);
    const t = this.tableName(s.relation);
    const alias = s.relation.alias?.aliasname;
    const tableCols = this.tableColumns(t.name);
    scope.rels.push({ alias: alias ?? t.name, columns: tableCols });
    const from = (s.fromClause ?? []).map((f: A) => this.fromItem(f, scope));
    const aliasSql = alias ? ` AS ${this.q(alias)}` : "";
    const sets = (s.targetList ?? []).map((rt: A) => {
      const r = rt.ResTarget;
      if (r.indirection) this.refuse("UPDATE of a subfield");
      if (r.val.MultiAssignRef) this.refuse("UPDATE SET (…) = (…)");
      const colTy = tableCols.find((c) => c.name === r.name)?.ty;
      if (!colTy)
        throw new PgError(
          SqlState.undefinedColumn,
          `column "${r.name}" of relation "${t.name}" does not exist`,
        );
      const value = r.val.SetToDefault ? "DEFAULT" : this.expr(r.val, scope).sql;
      // MySQL multi-table UPDATE needs qualified targets; single-table qualifies harmlessly
      const lhs =
        this.kind === "mysql" && from.length
          ? `${this.q(alias ?? t.name)}.${this.q(r.name)}`
          : this.q(r.name);
      return `${lhs} = ${value}`;
    });
    const where = s.whereClause ? ` WHERE ${this.predicate(s.whereClause, scope)}` : "";
    if (s.whereClause?.CurrentOfExpr) this.refuse("WHERE CURRENT OF");
    let sql: string;
    if (this.kind === "mysql" && from.length) {
      sql = `${withSql}UPDATE ${t.sql}${aliasSql}, ${from.join(", ")} SET ${sets.join(", ")}${where}`;
    } else {
      const fromSql = from.length ? ` FROM ${from.join(", ")}` : "";
      sql = `${withSql}UPDATE ${t.sql}${aliasSql} SET ${sets.join(", ")}${fromSql}${where}`;
    }
    const ret = this.returning(s.returningClause, scope, "update");
    return { sql: sql + ret, returnsRows: ret !== "" };
  }

  private delete(s: A, scope: Scope): { sql: string; returnsRows: boolean } {
    const withSql = this.withClause(s.withClause, scope);
    const t = this.tableName(s.relation);
    const alias = s.relation.alias?.aliasname;
    scope.rels.push({ alias: alias ?? t.name, columns: this.tableColumns(t.name) });
    const using = (s.usingClause ?? []).map((f: A) => this.fromItem(f, scope));
    const aliasSql = alias ? ` AS ${this.q(alias)}` : "";
    const where = s.whereClause ? ` WHERE ${this.predicate(s.whereClause, scope)}` : "";
    let sql: string;
    if (using.length && this.kind === "mysql") {
      if (s.returningClause) this.refuse("DELETE … USING … RETURNING");
      sql = `${withSql}DELETE ${this.q(alias ?? t.name)} FROM ${t.sql}${aliasSql}, ${using.join(", ")}${where}`;
    } else if (using.length && this.kind === "sqlite") {
      return this.refuse("DELETE … USING");
    } else {
      const usingSql = using.length ? ` USING ${using.join(", ")}` : "";
      sql = `${withSql}DELETE FROM ${t.sql}${aliasSql}${usingSql}${where}`;
    }
    const ret = this.returning(s.returningClause, scope, "delete");
    return { sql: sql + ret, returnsRows: ret !== "" };
  }

  // ------------------------------------------------------------------ columns

  private findRel(scope: Scope, alias: string): Rel {
    for (let s: Scope | null = scope; s; s = s.parent) {
      const r = s.rels.find((x) => x.alias === alias);
      if (r) return r;
    }
    throw new PgError(SqlState.undefinedTable, `missing FROM-clause entry for table "${alias}"`);
  }

  private tryColumn(scope: Scope, alias: string | null, name: string): { rel: Rel; col: Column } | null {
    for (let s: Scope | null = scope; s; s = s.parent) {
      const hits: { rel: Rel; col: Column }[] = [];
      for (const rel of s.rels) {
        if (alias !== null && rel.alias !== alias) continue;
        const col = rel.columns.find((c) => c.name === name);
        if (col) hits.push({ rel, col });
      }
      if (hits.length > 1 && !s.hasUsing)
        throw new PgError(SqlState.ambiguousColumn, `column reference "${name}" is ambiguous`);
      if (hits.length) return hits[0];
    }
    return null;
  }

  colSql(alias: string, c: Column): string {
    const ref = `${this.q(alias)}.${this.q(c.name)}`;
    // MySQL's default collations ignore case and trailing spaces; Postgres compares bytes
    if (this.kind === "mysql" && c.ty === "text") return `(${ref} COLLATE ${mysqlTextCollation})`;
    return ref;
  }

  private colExpr(alias: string, c: Column): Expr {
    return { sql: this.colSql(alias, c), ty: c.ty };
  }

  private columnRef(cr: A, scope: Scope): Expr {
    const fields: string[] = cr.fields.map((f: A) => {
      if (!f.String) this.refuse("this column reference");
      return f.String.sval;
    });
    if (fields.length > 3) this.refuse("this column reference");
    if (fields.length === 3 && fields[0] !== this.target.service) this.refuse(`column "${fields.join(".")}"`);
    const name = fields[fields.length - 1];
    const alias = fields.length >= 2 ? fields[fields.length - 2] : null;
    const hit = this.tryColumn(scope, alias, name);
    if (!hit) {
      const shown = fields.join(".");
      if (alias !== null) this.findRel(scope, alias);
      throw new PgError(SqlState.undefinedColumn, `column ${shown} does not exist`);
    }
    if (scope.hasUsing && alias === null && this.kind !== "postgres")
      return {
        sql:
          this.kind === "mysql" && hit.col.ty === "text"
            ? `(${this.q(name)} COLLATE ${mysqlTextCollation})`
            : this.q(name),
        ty: hit.col.ty,
      };
    return this.colExpr(hit.rel.alias, hit.col);
  }

  // ------------------------------------------------------------------ expressions

  predicate(node: A, scope: Scope): string {
    return this.expr(node, scope).sql;
  }

  bindLiteral(value: Value, ty: Ty): Expr {
    let pgType: string | null = null;
    if (this.kind === "postgres") {
      if (ty === "int")
        pgType = typeof value === "bigint" || Math.abs(Number(value)) > 2147483647 ? "int8" : "int4";
      else if (ty === "numeric") pgType = "numeric";
      else if (ty === "bool") pgType = "boolean";
      // an explicit text literal stays text (an untyped $n would be unknown: pg_typeof($1) fails)
      else if (ty === "text") pgType = "text";
      else if (
        ty === "date" ||
        ty === "timestamp" ||
        ty === "timestamptz" ||
        ty === "interval" ||
        ty === "time"
      )
        pgType = ty;
    }
    let sql = this.binder.literal(value, pgType, ty === "int");
    if (this.kind === "mysql") {
      if (ty === "numeric") sql = `CAST(${sql} AS DECIMAL(65,${decimalScale(String(value))}))`;
      else if (ty === "date") sql = `CAST(${sql} AS DATE)`;
      else if (ty === "timestamp" || ty === "timestamptz") sql = `CAST(${sql} AS DATETIME(6))`;
    }
    return { sql, ty, konst: { value } };
  }

  expr(node: A, scope: Scope): Expr {
    const key = Object.keys(node)[0];
    const n = node[key];
    switch (key) {
      case "A_Const":
        return this.constant(n);
      case "ParamRef": {
        const idx = n.number;
        if (idx < 1 || idx > this.params.length)
          throw new PgError(SqlState.undefinedParameter, `there is no parameter $${idx}`);
        const value = this.params[idx - 1];
        const oid = this.paramTypes[idx - 1] ?? 0;
        let ty = tyOfOid(oid);
        if (ty === "unknown" && typeof value === "number") ty = Number.isInteger(value) ? "int" : "float";
        if (ty === "unknown" && typeof value === "bigint") ty = "int";
        if (ty === "unknown" && typeof value === "boolean") ty = "bool";
        if (ty === "array" && this.kind !== "postgres") this.refuse("an array parameter outside = ANY(…)");
        if (ty === "interval" && this.kind !== "postgres") this.refuse("an interval parameter");
        let sql = this.binder.client(idx, value, oid, ty === "int");
        if (this.kind === "mysql") {
          if (ty === "numeric") sql = `CAST(${sql} AS DECIMAL(65,${decimalScale(String(value))}))`;
          else if (ty === "date") sql = `CAST(${sql} AS DATE)`;
          else if (ty === "timestamp" || ty === "timestamptz") sql = `CAST(${sql} AS DATETIME(6))`;
        }
        return { sql, ty, konst: { value } };
      }
      case "ColumnRef":
        return this.columnRef(n, scope);
      case "A_Expr":
        return this.aExpr(n, scope);
      case "BoolExpr": {
        const args = n.args.map((a: A) => this.predicate(a, scope));
        if (n.boolop === "NOT_EXPR") return { sql: `(NOT ${args[0]})`, ty: "bool" };
        return { sql: `(${args.join(n.boolop === "AND_EXPR" ? " AND " : " OR ")})`, ty: "bool" };
      }
      case "NullTest": {
        const arg = this.expr(n.arg, scope);
        if (n.argisrow) this.refuse("IS NULL on a row");
        return { sql: `(${arg.sql} IS ${n.nulltesttype === "IS_NOT_NULL" ? "NOT " : ""}NULL)`, ty: "bool" };
      }
      case "BooleanTest": {
        const arg = this.expr(n.arg, scope).sql;
        const t = n.booltesttype as string;
        if (this.kind !== "postgres" && (t === "IS_UNKNOWN" || t === "IS_NOT_UNKNOWN"))
          return { sql: `(${arg} IS ${t === "IS_NOT_UNKNOWN" ? "NOT " : ""}NULL)`, ty: "bool" };
        const text = t.replace(/_/g, " ").replace("IS NOT", "IS NOT");
        return { sql: `(${arg} ${text})`, ty: "bool" };
      }
      case "CaseExpr": {
        const arg = n.arg ? ` ${this.expr(n.arg, scope).sql}` : "";
        let ty: Ty = "unknown";
        const whens = n.args.map((w: A) => {
          const cond = this.expr(w.CaseWhen.expr, scope).sql;
          const r = this.expr(w.CaseWhen.result, scope);
          if (ty === "unknown") ty = r.ty;
          return ` WHEN ${cond} THEN ${r.sql}`;
        });
        let def = "";
        if (n.defresult) {
          const d = this.expr(n.defresult, scope);
          if (ty === "unknown") ty = d.ty;
          def = ` ELSE ${d.sql}`;
        }
        return { sql: `(CASE${arg}${whens.join("")}${def} END)`, ty };
      }
      case "CoalesceExpr": {
        const args = n.args.map((a: A) => this.expr(a, scope));
        return { sql: `COALESCE(${args.map((a: Expr) => a.sql).join(", ")})`, ty: firstTy(args) };
      }
      case "MinMaxExpr":
        return this.minMax(n, scope);
      case "NullIfExpr":
        break;
      case "TypeCast":
        return this.typeCast(n, scope);
      case "FuncCall":
        return compileFunction(this, n, scope);
      case "SQLValueFunction":
        return this.sqlValueFunction(n);
      case "SubLink":
        return this.subLink(n, scope);
      case "CollateClause":
        if (this.kind === "postgres") {
          const arg = this.expr(n.arg, scope);
          const coll = n.collname.map((c: A) => this.q(c.String.sval)).join(".");
          return { sql: `(${arg.sql} COLLATE ${coll})`, ty: arg.ty };
        }
        return this.refuse("COLLATE");
    }
    return this.refuse(`expression ${key}`);
  }

  private constant(c: A): Expr {
    if (c.isnull) return { sql: "NULL", ty: "unknown", konst: { value: null } };
    if (c.ival) return this.bindLiteral(c.ival.ival ?? 0, "int");
    if (c.fval) {
      const text: string = c.fval.fval;
      // integers too large for int4 arrive as fval; Postgres types them int8 then numeric
      if (/^-?\d+$/.test(text)) {
        const big = BigInt(text);
        if (big >= -(2n ** 63n) && big < 2n ** 63n) return this.bindLiteral(big, "int");
      }
      return this.bindLiteral(plainDecimal(text), "numeric");
    }
    if (c.boolval) return this.bindLiteral(c.boolval.boolval === true, "bool");
    if (c.sval) return { ...this.bindLiteral(c.sval.sval ?? "", "unknown"), ty: "unknown" };
    if (c.bsval) return this.refuse("a bit-string literal");
    return this.refuse("this constant");
  }

  private aExpr(e: A, scope: Scope): Expr {
    const op: string = e.name?.map((x: A) => x.String.sval).join(".") ?? "";
    switch (e.kind) {
      case "AEXPR_OP": {
        if (!e.lexpr) {
          const r = this.expr(e.rexpr, scope);
          if (op === "-") {
            if (r.konst && typeof r.konst.value === "number") return this.bindLiteral(-r.konst.value, r.ty);
            return { sql: `(- ${r.sql})`, ty: r.ty };
          }
          if (op === "+") return r;
          return this.refuse(`prefix operator ${op}`);
        }
        const l = this.expr(e.lexpr, scope);
        const r = this.expr(e.rexpr, scope);
        return this.binaryOp(op, l, r);
      }
      case "AEXPR_DISTINCT":
      case "AEXPR_NOT_DISTINCT": {
        const l = this.expr(e.lexpr, scope).sql;
        const r = this.expr(e.rexpr, scope).sql;
        const not = e.kind === "AEXPR_DISTINCT";
        if (this.kind === "mysql")
          return { sql: not ? `(NOT (${l} <=> ${r}))` : `(${l} <=> ${r})`, ty: "bool" };
        if (this.kind === "sqlite") return { sql: `(${l} IS ${not ? "NOT " : ""}${r})`, ty: "bool" };
        return { sql: `(${l} IS ${not ? "" : "NOT "}DISTINCT FROM ${r})`, ty: "bool" };
      }
      case "AEXPR_NULLIF": {
        const l = this.expr(e.lexpr, scope);
        const r = this.expr(e.rexpr, scope);
        return { sql: `NULLIF(${l.sql}, ${r.sql})`, ty: l.ty };
      }
      case "AEXPR_IN": {
        const l = this.expr(e.lexpr, scope).sql;
        const items = e.rexpr.List.items.map((x: A) => this.expr(x, scope).sql);
        return { sql: `(${l} ${op === "<>" ? "NOT IN" : "IN"} (${items.join(", ")}))`, ty: "bool" };
      }
      case "AEXPR_LIKE":
      case "AEXPR_ILIKE":
        return this.like(e, op, scope);
      case "AEXPR_BETWEEN":
      case "AEXPR_NOT_BETWEEN":
      case "AEXPR_BETWEEN_SYM":
      case "AEXPR_NOT_BETWEEN_SYM": {
        const x = this.expr(e.lexpr, scope).sql;
        const [a, b] = e.rexpr.List.items.map((i: A) => this.expr(i, scope).sql);
        const not = e.kind.includes("NOT");
        let sql: string;
        if (e.kind.endsWith("SYM")) {
          const [a2, b2] = e.rexpr.List.items.map((i: A) => this.expr(i, scope).sql);
          const x2 = this.expr(e.lexpr, scope).sql;
          sql = `((${x} BETWEEN ${a} AND ${b}) OR (${x2} BETWEEN ${b2} AND ${a2}))`;
        } else sql = `(${x} BETWEEN ${a} AND ${b})`;
        return { sql: not ? `(NOT ${sql})` : sql, ty: "bool" };
      }
      case "AEXPR_OP_ANY":
      case "AEXPR_OP_ALL":
        return this.anyAll(e, op, scope);
      case "AEXPR_SIMILAR":
        return this.refuse("SIMILAR TO");
    }
    return this.refuse(`operator ${op}`);
  }

  binaryOp(op: string, l: Expr, r: Expr): Expr {
    const cmp = ["=", "<>", "!=", "<", ">", "<=", ">="];
    if (cmp.includes(op)) return { sql: `(${l.sql} ${op === "!=" ? "<>" : op} ${r.sql})`, ty: "bool" };
    const ty = arithTy(l.ty, r.ty);
    if (op === "||") {
      if (this.kind === "mysql") return { sql: `CONCAT(${l.sql}, ${r.sql})`, ty: "text" };
      return { sql: `(${l.sql} || ${r.sql})`, ty: "text" };
    }
    if (["+", "-", "*", "/", "%"].includes(op)) {
      if (isDateLike(l.ty) || isDateLike(r.ty) || l.ty === "interval" || r.ty === "interval") {
        if (this.kind !== "postgres") this.refuse(`date/time arithmetic (${op})`);
        return { sql: `(${l.sql} ${op} ${r.sql})`, ty: l.ty === "date" && r.ty === "date" ? "int" : l.ty };
      }
      if (this.kind === "sqlite" && (l.ty === "numeric" || r.ty === "numeric"))
        this.refuse(`numeric arithmetic (${op})`);
      if (op === "/") {
        if (l.ty === "int" && r.ty === "int") {
          const kind = this.dialect.kind;
          if (kind === "postgres") return { sql: `(${l.sql} / ${r.sql})`, ty: "int" };
          return guardedDivision(kind, "/", l, r, "int");
        }
        if (this.kind !== "postgres" && ty !== "float") this.refuse("numeric division");
      }
      if (op === "%" && this.kind !== "postgres" && ty !== "int") this.refuse("% on non-integers");
      if (this.kind !== "postgres" && ty === "unknown") this.refuse(`${op} on untyped operands`);
      const kind = this.dialect.kind;
      if (kind !== "postgres" && (op === "/" || op === "%")) return guardedDivision(kind, op, l, r, ty);
      return { sql: `(${l.sql} ${op} ${r.sql})`, ty };
    }
    if (op === "~" || op === "!~" || op === "~*" || op === "!~*") return this.regex(op, l, r);
    if (this.kind === "postgres") return { sql: `(${l.sql} ${op} ${r.sql})`, ty: "unknown" };
    return this.refuse(`operator ${op}`);
  }

  private regex(op: string, l: Expr, r: Expr): Expr {
    const not = op.startsWith("!");
    const ci = op.endsWith("*");
    let sql: string;
    if (this.kind === "postgres") sql = `(${l.sql} ${op} ${r.sql})`;
    else if (this.kind === "mysql")
      sql = `(${l.sql} ${not ? "NOT " : ""}REGEXP ${ci ? `CONCAT('(?i)', ${r.sql})` : r.sql})`;
    else sql = `(${not ? "NOT " : ""}pg_regex_match(${l.sql}, ${r.sql}, ${ci ? 1 : 0}))`;
    return { sql, ty: "bool" };
  }

  private like(e: A, op: string, scope: Scope): Expr {
    const l = this.expr(e.lexpr, scope);
    if (e.rexpr.FuncCall) this.refuse("LIKE … ESCAPE");
    const r = this.expr(e.rexpr, scope);
    const not = op.startsWith("!");
    const ci = e.kind === "AEXPR_ILIKE";
    if (this.kind === "postgres")
      return { sql: `(${l.sql} ${not ? "NOT " : ""}${ci ? "ILIKE" : "LIKE"} ${r.sql})`, ty: "bool" };
    if (this.kind === "mysql") {
      const [a, b] = ci ? [`LOWER(${l.sql})`, `LOWER(${r.sql})`] : [l.sql, r.sql];
      return { sql: `(${a} ${not ? "NOT " : ""}LIKE ${b})`, ty: "bool" };
    }
    // SQLite: the connection runs with case_sensitive_like; Postgres's default escape is backslash
    if (ci) return { sql: `(${not ? "NOT " : ""}pg_ilike(${l.sql}, ${r.sql}))`, ty: "bool" };
    return { sql: `(${l.sql} ${not ? "NOT " : ""}LIKE ${r.sql} ESCAPE '\\')`, ty: "bool" };
  }

  private anyAll(e: A, op: string, scope: Scope): Expr {
    const all = e.kind === "AEXPR_OP_ALL";
    const l = this.expr(e.lexpr, scope);
    if (this.kind === "postgres") {
      const r = this.expr(e.rexpr, scope);
      return { sql: `(${l.sql} ${op} ${all ? "ALL" : "ANY"} (${r.sql}))`, ty: "bool" };
    }
    let items: Expr[];
    if (e.rexpr.ParamRef) {
      const idx = e.rexpr.ParamRef.number;
      const value = this.params[idx - 1];
      if (idx < 1 || idx > this.params.length)
        throw new PgError(SqlState.undefinedParameter, `there is no parameter $${idx}`);
      if (value === null) return { sql: "NULL", ty: "bool" };
      if (!Array.isArray(value)) this.refuse("= ANY with a non-array parameter");
      const elemTy = tyOfOid(this.paramTypes[idx - 1] ? arrayElem(this.paramTypes[idx - 1]) : 0);
      items = value.map((v) => this.bindLiteral(v, elemTy === "unknown" ? guessTy(v) : elemTy));
    } else if (e.rexpr.A_ArrayExpr) {
      items = (e.rexpr.A_ArrayExpr.elements ?? []).map((x: A) => this.expr(x, scope));
    } else return this.refuse(`${op} ${all ? "ALL" : "ANY"} over this expression`);
    if (op === "=" && !all) {
      if (!items.length) return { sql: "(1 = 0)", ty: "bool" };
      return { sql: `(${l.sql} IN (${items.map((i) => i.sql).join(", ")}))`, ty: "bool" };
    }
    if ((op === "<>" || op === "!=") && all) {
      if (!items.length) return { sql: "(1 = 1)", ty: "bool" };
      return { sql: `(${l.sql} NOT IN (${items.map((i) => i.sql).join(", ")}))`, ty: "bool" };
    }
    return this.refuse(`${op} ${all ? "ALL" : "ANY"} (array)`);
  }

  private minMax(n: A, scope: Scope): Expr {
    const args: Expr[] = n.args.map((a: A) => this.expr(a, scope));
    const fn = n.op === "IS_GREATEST" ? "GREATEST" : "LEAST";
    const ty = firstTy(args);
    if (this.kind === "postgres") return { sql: `${fn}(${args.map((a) => a.sql).join(", ")})`, ty };
    // Postgres ignores NULL arguments; the others return NULL. Replace each argument by the
    // first non-null of itself and the rest: NULL only when all are, never changes the extreme.
    const name = this.kind === "mysql" ? fn : fn === "GREATEST" ? "MAX" : "MIN";
    if (args.length === 1) return args[0];
    const parts = args.map(
      (a, i) => `COALESCE(${[a, ...args.filter((_x, j) => j !== i)].map((x) => x.sql).join(", ")})`,
    );
    return { sql: `${name}(${parts.join(", ")})`, ty };
  }

  private sqlValueFunction(n: A): Expr {
    const op: string = n.op;
    if (this.kind === "postgres") {
      const text: Record<string, string> = {
        SVFOP_CURRENT_DATE: "CURRENT_DATE",
        SVFOP_CURRENT_TIMESTAMP: "CURRENT_TIMESTAMP",
        SVFOP_LOCALTIMESTAMP: "LOCALTIMESTAMP",
      };
      if (!text[op]) this.refuse(op);
      return {
        sql: text[op],
        ty:
          op === "SVFOP_CURRENT_DATE" ? "date" : op === "SVFOP_LOCALTIMESTAMP" ? "timestamp" : "timestamptz",
      };
    }
    switch (op) {
      case "SVFOP_CURRENT_DATE":
        return { sql: this.kind === "mysql" ? "CURRENT_DATE" : "pg_current_date()", ty: "date" };
      case "SVFOP_CURRENT_TIMESTAMP":
        return { sql: this.kind === "mysql" ? "NOW(6)" : "pg_now()", ty: "timestamptz" };
      case "SVFOP_LOCALTIMESTAMP":
        return { sql: this.kind === "mysql" ? "NOW(6)" : "pg_now()", ty: "timestamp" };
    }
    return this.refuse(op);
  }

  private subLink(n: A, scope: Scope): Expr {
    const sub = this.select(n.subselect.SelectStmt, { rels: [], parent: scope, ctes: scope.ctes });
    switch (n.subLinkType) {
      case "EXISTS_SUBLINK":
        return { sql: `(EXISTS (${sub.sql}))`, ty: "bool" };
      case "EXPR_SUBLINK":
        return { sql: `(${sub.sql})`, ty: sub.columns[0]?.ty ?? "unknown" };
      case "ANY_SUBLINK":
      case "ALL_SUBLINK": {
        const op = n.operName ? n.operName.map((x: A) => x.String.sval).join(".") : "=";
        const l = this.expr(n.testexpr, scope).sql;
        const q = n.subLinkType === "ALL_SUBLINK" ? "ALL" : "ANY";
        if (this.kind === "sqlite") {
          if (op === "=" && q === "ANY") return { sql: `(${l} IN (${sub.sql}))`, ty: "bool" };
          if (op === "<>" && q === "ALL") return { sql: `(${l} NOT IN (${sub.sql}))`, ty: "bool" };
          return this.refuse(`${op} ${q} (subquery)`);
        }
        if (op === "=" && q === "ANY") return { sql: `(${l} IN (${sub.sql}))`, ty: "bool" };
        return { sql: `(${l} ${op} ${q} (${sub.sql}))`, ty: "bool" };
      }
    }
    return this.refuse(`${n.subLinkType} subquery`);
  }

  private typeCast(n: A, scope: Scope): Expr {
    const names: string[] = n.typeName.names.map((x: A) => x.String.sval);
    const tname = names[names.length - 1];
    if (n.typeName.arrayBounds) {
      if (this.kind === "postgres") {
        const arg = this.expr(n.arg, scope);
        return { sql: `(${arg.sql})::${tname}[]`, ty: "array" };
      }
      return this.refuse("an array cast");
    }
    const ty = tyOfTypeName(tname);
    const typmods: number[] = (n.typeName.typmods ?? []).map((m: A) => m.A_Const?.ival?.ival ?? 0);
    const arg = n.arg;
    // a typed literal: validate the text here and bind the value with its type
    if (arg.A_Const?.sval && ty !== "unknown" && typmods.length === 0) {
      return this.typedLiteral(arg.A_Const.sval.sval ?? "", ty, tname);
    }
    const inner = this.expr(arg, scope);
    if (this.kind === "postgres") {
      const mods = typmods.length ? `(${typmods.join(",")})` : "";
      const typeSql = names
        .map((x) => (x === "pg_catalog" ? x : /^[a-z_][a-z0-9_]*$/.test(x) ? x : this.q(x)))
        .join(".");
      return { sql: `CAST(${inner.sql} AS ${typeSql}${mods})`, ty: ty === "unknown" ? "unknown" : ty };
    }
    return this.nativeCast(inner, ty, tname, typmods);
  }

  private typedLiteral(text: string, ty: Ty, tname: string): Expr {
    const bad = () => {
      throw new PgError(
        SqlState.invalidTextRepresentation,
        `invalid input syntax for type ${tname}: "${text}"`,
      );
    };
    switch (ty) {
      case "int": {
        const t = text.trim();
        if (!/^[+-]?\d+$/.test(t)) bad();
        const big = BigInt(t);
        return this.bindLiteral(big >= -(2n ** 31n) && big < 2n ** 31n ? Number(big) : big, "int");
      }
      case "numeric": {
        const t = text.trim();
        if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) bad();
        return this.bindLiteral(t, "numeric");
      }
      case "float": {
        const v = Number(text.trim());
        if (Number.isNaN(v) && text.trim().toLowerCase() !== "nan") bad();
        return this.bindLiteral(v, "float");
      }
      case "bool": {
        const t = text.trim().toLowerCase();
        if (["t", "true", "y", "yes", "on", "1"].includes(t)) return this.bindLiteral(true, "bool");
        if (["f", "false", "n", "no", "off", "0"].includes(t)) return this.bindLiteral(false, "bool");
        return bad();
      }
      case "text":
        return { ...this.bindLiteral(text, "text"), ty: "text" };
      case "date": {
        const m = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text);
        if (!m || !validDate(+m[1], +m[2], +m[3]))
          return this.kind === "postgres" ? this.bindLiteral(text, "date") : bad();
        return this.bindLiteral(`${m[1]}-${m[2]}-${m[3]}`, "date");
      }
      case "timestamp":
      case "timestamptz": {
        const m = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?\s*$/.exec(
          text,
        );
        if (!m || !validDate(+m[1], +m[2], +m[3]) || (ty === "timestamptz" && this.kind !== "postgres")) {
          if (this.kind === "postgres") return this.bindLiteral(text, ty);
          return this.refuse(`${tname} literal '${text}'`);
        }
        const frac = m[7] ? m[7].replace(/0+$/, "") : "";
        const v = `${m[1]}-${m[2]}-${m[3]} ${m[4] ?? "00"}:${m[5] ?? "00"}:${m[6] ?? "00"}${frac === "." ? "" : frac}`;
        return this.bindLiteral(v, ty);
      }
    }
    if (this.kind === "postgres") return this.bindLiteral(text, ty);
    return this.refuse(`${tname} literal`);
  }

  private nativeCast(e: Expr, ty: Ty, tname: string, typmods: number[]): Expr {
    const mysql = this.kind === "mysql";
    switch (ty) {
      case "int":
        if (e.ty === "int") return { ...e, ty };
        if (e.ty === "numeric" || e.ty === "float") {
          if (mysql && e.ty === "numeric") return { sql: `CAST(${e.sql} AS SIGNED)`, ty };
          if (!mysql && e.ty === "numeric") return { sql: `CAST(ROUND(${e.sql}) AS INTEGER)`, ty };
        }
        if (e.ty === "bool") return { sql: `(CASE WHEN ${e.sql} THEN 1 WHEN NOT ${e.sql} THEN 0 END)`, ty };
        break;
      case "numeric":
        if (e.ty === "int" && !typmods.length) return { ...e, ty };
        if (mysql && typmods.length && (e.ty === "int" || e.ty === "numeric"))
          return { sql: `CAST(${e.sql} AS DECIMAL(${typmods[0]},${typmods[1] ?? 0}))`, ty };
        break;
      case "float":
        if (e.ty === "int" || e.ty === "float")
          return { sql: mysql ? `CAST(${e.sql} AS DOUBLE)` : `CAST(${e.sql} AS REAL)`, ty };
        break;
      case "text":
        if (typmods.length) break;
        if (e.ty === "text" || e.ty === "unknown") return { ...e, ty };
        if (e.ty === "int" || e.ty === "date")
          return { sql: mysql ? `CAST(${e.sql} AS CHAR)` : `CAST(${e.sql} AS TEXT)`, ty };
        break;
      case "date":
        if (e.ty === "date") return e;
        if (e.ty === "timestamp") return { sql: mysql ? `CAST(${e.sql} AS DATE)` : `date(${e.sql})`, ty };
        break;
      case "timestamp":
        if (e.ty === "timestamp") return e;
        if (e.ty === "date")
          return { sql: mysql ? `CAST(${e.sql} AS DATETIME(6))` : `datetime(${e.sql})`, ty };
        break;
      case "bool":
        if (e.ty === "bool") return e;
        if (e.ty === "int") return { sql: `(${e.sql} <> 0)`, ty };
        break;
    }
    return this.refuse(`CAST from ${e.ty} to ${tname}`);
  }
}

/** Set-operation arms are bare SelectStmt bodies; elsewhere they are wrapped. */
function unwrap(n: A): A {
  return n.SelectStmt ?? n;
}

function rename(cols: Column[], names: string[]): Column[] {
  return cols.map((c, i) => ({ name: names[i] ?? c.name, ty: c.ty }));
}

function firstTy(args: Expr[]): Ty {
  return args.find((a) => a.ty !== "unknown")?.ty ?? "unknown";
}

function isDateLike(t: Ty): boolean {
  return t === "date" || t === "timestamp" || t === "timestamptz" || t === "time";
}

function arithTy(a: Ty, b: Ty): Ty {
  if (a === "unknown") return b;
  if (b === "unknown") return a;
  if (a === "float" || b === "float") return "float";
  if (a === "numeric" || b === "numeric") return "numeric";
  if (a === "int" && b === "int") return "int";
  return "unknown";
}

/** "1.5e-3" → "0.0015": the value Postgres's numeric literal has, without an exponent. */
function plainDecimal(text: string): string {
  const m = /^(-?)(\d*)\.?(\d*)e([+-]?\d+)$/i.exec(text);
  if (!m) return text;
  const [, sign, int, frac, expText] = m;
  const exp = Number(expText);
  const digits = (int + frac).replace(/^0+(?=\d)/, "");
  let point = int.replace(/^0+(?=\d)/, "").length + exp;
  let body = digits;
  if (point <= 0) {
    body = "0".repeat(1 - point) + body;
    point = 1;
  }
  if (point > body.length) body += "0".repeat(point - body.length);
  const head = body.slice(0, point).replace(/^0+(?=\d)/, "");
  const tail = body.slice(point);
  return `${sign}${head || "0"}${tail ? `.${tail}` : ""}`;
}

function decimalScale(text: string): number {
  const m = /\.(\d+)/.exec(text);
  return Math.min(30, m ? m[1].length : 0);
}

function guessTy(v: Value): Ty {
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "bigint") return "int";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "text";
  return "unknown";
}

function arrayElem(oid: number): number {
  const map: Record<number, number> = {
    1000: 16,
    1005: 21,
    1007: 23,
    1016: 20,
    1009: 25,
    1015: 1043,
    1014: 1042,
    1231: 1700,
    1021: 700,
    1022: 701,
    1182: 1082,
    1115: 1114,
    1185: 1184,
    2951: 2950,
  };
  return map[oid] ?? 0;
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [
    31,
    y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  return d <= days[m - 1];
}

/** The output column name Postgres gives an expression (FigureColname). */
export function figureName(node: A): string {
  const key = Object.keys(node)[0];
  const n = node[key];
  switch (key) {
    case "ColumnRef": {
      const last = n.fields[n.fields.length - 1];
      return last.String?.sval ?? "?column?";
    }
    case "FuncCall": {
      const name = n.funcname[n.funcname.length - 1].String.sval;
      if (n.funcformat === "COERCE_SQL_SYNTAX") {
        const sqlNames: Record<string, string> = {
          btrim: "btrim",
          ltrim: "ltrim",
          rtrim: "rtrim",
          extract: "extract",
        };
        return sqlNames[name] ?? name;
      }
      return name;
    }
    case "TypeCast": {
      const inner = figureName(n.arg);
      if (inner !== "?column?") return inner;
      const names = n.typeName.names;
      const t = names[names.length - 1].String.sval;
      const pretty: Record<string, string> = {
        int4: "int4",
        int8: "int8",
        bool: "bool",
        varchar: "varchar",
        bpchar: "bpchar",
        float8: "float8",
        timestamptz: "timestamptz",
      };
      return pretty[t] ?? t;
    }
    case "CaseExpr":
      return n.defresult
        ? figureName(n.defresult) === "?column?"
          ? "case"
          : figureName(n.defresult)
        : "case";
    case "CoalesceExpr":
      return "coalesce";
    case "MinMaxExpr":
      return n.op === "IS_GREATEST" ? "greatest" : "least";
    case "A_Expr":
      return n.kind === "AEXPR_NULLIF" ? "nullif" : "?column?";
    case "SubLink":
      if (n.subLinkType === "EXISTS_SUBLINK") return "exists";
      if (n.subLinkType === "EXPR_SUBLINK") {
        const t = n.subselect.SelectStmt.targetList?.[0]?.ResTarget;
        return t ? (t.name ?? figureName(t.val)) : "?column?";
      }
      return "?column?";
    case "SQLValueFunction": {
      const m: Record<string, string> = {
        SVFOP_CURRENT_DATE: "current_date",
        SVFOP_CURRENT_TIMESTAMP: "current_timestamp",
        SVFOP_LOCALTIMESTAMP: "localtimestamp",
      };
      return m[n.op] ?? "?column?";
    }
    case "A_Const":
      return "?column?";
  }
  return "?column?";
}
