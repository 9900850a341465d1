import type { Compilation, Expr } from "./compiler.ts";
import { guardedDivision } from "./division.ts";
import { isNumeric, type Ty } from "./types.ts";

type A = any;

/** Aggregates and window functions the compiler passes through under the same name. */
const windowOnly = new Set([
  "row_number",
  "rank",
  "dense_rank",
  "percent_rank",
  "cume_dist",
  "ntile",
  "lag",
  "lead",
  "first_value",
  "last_value",
]);
const DEFAULT_FRAME = 1058;

export function compileFunction(c: Compilation, f: A, scope: A): Expr {
  const parts: string[] = f.funcname.map((n: A) => n.String.sval.toLowerCase());
  if (parts.length === 2 && parts[0] !== "pg_catalog") c.refuse(`function ${parts.join(".")}`);
  if (parts.length > 2) c.refuse(`function ${parts.join(".")}`);
  const name = parts[parts.length - 1];
  if (f.agg_filter) c.refuse("aggregate FILTER");
  if (f.agg_within_group) return withinGroup(c, f, name, scope);
  if (f.func_variadic) c.refuse("VARIADIC");
  const args: Expr[] = f.agg_star ? [] : (f.args ?? []).map((a: A) => c.expr(a, scope));
  let e: Expr;
  if (f.over) {
    e = windowCall(c, f, name, args, scope);
  } else {
    if (windowOnly.has(name)) c.refuse(`${name} without OVER`);
    e = call(c, f, name, args, scope);
  }
  return e;
}

function windowCall(c: Compilation, f: A, name: string, args: Expr[], scope: A): Expr {
  const w = f.over;
  if (w.name || w.refname) c.refuse("a named window");
  if ((w.frameOptions ?? DEFAULT_FRAME) !== DEFAULT_FRAME) c.refuse("a window frame clause");
  const base = windowOnly.has(name)
    ? {
        sql: `${name.toUpperCase()}(${args.map((a) => a.sql).join(", ")})`,
        ty:
          name.endsWith("rank") || name === "row_number" || name === "ntile"
            ? ("int" as Ty)
            : (args[0]?.ty ?? "unknown"),
      }
    : call(c, { ...f, over: undefined }, name, args, scope);
  if (["percent_rank", "cume_dist"].includes(name)) base.ty = "float";
  const spec: string[] = [];
  if (w.partitionClause)
    spec.push(`PARTITION BY ${w.partitionClause.map((p: A) => c.expr(p, scope).sql).join(", ")}`);
  if (w.orderClause)
    spec.push(`ORDER BY ${w.orderClause.map((o: A) => (c as A).sortKey(o.SortBy, scope, [])).join(", ")}`);
  return { sql: `${base.sql} OVER (${spec.join(" ")})`, ty: base.ty };
}

function constInt(e: Expr | undefined): number | null {
  const v = e?.konst?.value;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "bigint") return Number(v);
  return null;
}

function call(c: Compilation, f: A, name: string, args: Expr[], scope: A): Expr {
  const k = c.dialect.kind;
  const pg = k === "postgres";
  const mysql = k === "mysql";
  const list = (xs: Expr[] = args) => xs.map((a) => a.sql).join(", ");
  const distinct = f.agg_distinct ? "DISTINCT " : "";
  const fn = (n: string, ty: Ty, xs: Expr[] = args): Expr => ({ sql: `${n}(${list(xs)})`, ty });
  const need = (n: number) => {
    if (args.length !== n) c.refuse(`${name} with ${args.length} arguments`);
  };
  const textArg = (i: number) => args[i] && (args[i].ty === "text" || args[i].ty === "unknown");
  if (f.agg_order && name !== "string_agg") c.refuse(`ORDER BY inside ${name}`);

  switch (name) {
    // ---------------------------------------------------------------- aggregates
    case "count":
      if (f.agg_star) return { sql: "COUNT(*)", ty: "int" };
      need(1);
      return { sql: `COUNT(${distinct}${args[0].sql})`, ty: "int" };
    case "sum":
      need(1);
      if (k === "sqlite" && args[0].ty !== "int") c.refuse(`sum over ${args[0].ty}`);
      if (!isNumeric(args[0].ty) && !pg) c.refuse(`sum over ${args[0].ty}`);
      return { sql: `SUM(${distinct}${args[0].sql})`, ty: args[0].ty === "int" ? "numeric" : args[0].ty };
    case "avg":
      need(1);
      // Postgres's numeric division scale has no equivalent: only float averages match
      if (!pg && args[0].ty !== "float") c.refuse(`avg over ${args[0].ty}`);
      return {
        sql: `AVG(${distinct}${args[0].sql})`,
        ty: pg && args[0].ty !== "float" ? "numeric" : "float",
      };
    case "min":
    case "max":
      need(1);
      if (!pg && args[0].ty === "bool") c.refuse(`${name} over boolean`);
      return { sql: `${name.toUpperCase()}(${distinct}${args[0].sql})`, ty: args[0].ty };
    case "bool_and":
    case "bool_or":
    case "every":
      need(1);
      if (pg) return fn(name === "every" ? "EVERY" : name.toUpperCase(), "bool");
      return { sql: `${name === "bool_or" ? "MAX" : "MIN"}(${args[0].sql})`, ty: "bool" };
    case "string_agg": {
      need(2);
      if (distinct && !pg) c.refuse("string_agg(DISTINCT …)");
      const order = f.agg_order
        ? ` ORDER BY ${f.agg_order.map((o: A) => (c as A).sortKey(o.SortBy, scope, [])).join(", ")}`
        : "";
      if (pg) return { sql: `STRING_AGG(${distinct}${args[0].sql}, ${args[1].sql}${order})`, ty: "text" };
      if (!textArg(0)) c.refuse(`string_agg over ${args[0].ty}`);
      if (k === "sqlite") return { sql: `string_agg(${args[0].sql}, ${args[1].sql}${order})`, ty: "text" };
      // GROUP_CONCAT takes its separator only as a literal: allow a safe character set, spelled inline
      const sep = args[1].konst?.value;
      if (typeof sep !== "string" || !/^[ ,;:|/\-_.]{0,8}$/.test(sep))
        c.refuse("string_agg with this separator");
      return { sql: `GROUP_CONCAT(${args[0].sql}${order} SEPARATOR '${sep}')`, ty: "text" };
    }
    // ---------------------------------------------------------------- strings
    case "lower":
    case "upper":
      need(1);
      return fn(pg || mysql ? name.toUpperCase() : `pg_${name}`, "text");
    case "length":
    case "char_length":
    case "character_length":
      need(1);
      if (!textArg(0)) c.refuse(`${name} over ${args[0].ty}`);
      return fn(pg ? name.toUpperCase() : mysql ? "CHAR_LENGTH" : "LENGTH", "int");
    case "substring":
    case "substr": {
      if (args.length < 2 || args.length > 3) c.refuse(`${name} with ${args.length} arguments`);
      if (pg) return fn(name === "substring" ? "SUBSTRING" : "SUBSTR", "text");
      if (!textArg(1 - 1)) c.refuse(`${name} over ${args[0].ty}`);
      const start = constInt(args[1]);
      const len = args.length === 3 ? constInt(args[2]) : 0;
      // negative or zero starts and negative lengths mean other things elsewhere
      if (start === null || start < 1 || len === null || len < 0)
        c.refuse(`${name} with a non-constant or non-positive start`);
      return fn(mysql ? "SUBSTRING" : "substr", "text");
    }
    case "position":
    case "strpos": {
      need(2);
      // position(sub IN s) arrives as position(s, sub)
      const [s, sub] = args;
      if (pg)
        return fn(
          name === "position" ? "POSITION" : "STRPOS",
          "int",
          name === "position" ? [s, sub] : args,
        ).sql.startsWith("POSITION")
          ? { sql: `POSITION(${sub.sql} IN ${s.sql})`, ty: "int" }
          : fn("STRPOS", "int");
      if (mysql) return { sql: `LOCATE(${sub.sql}, ${s.sql})`, ty: "int" };
      return { sql: `INSTR(${s.sql}, ${sub.sql})`, ty: "int" };
    }
    case "btrim":
    case "ltrim":
    case "rtrim":
    case "trim": {
      if (args.length < 1 || args.length > 2) c.refuse(`${name} with ${args.length} arguments`);
      const n = name === "trim" ? "btrim" : name;
      if (pg) return fn(n.toUpperCase(), "text");
      if (k === "sqlite") return fn(n === "btrim" ? "trim" : n, "text");
      if (args.length === 1) return fn(n === "btrim" ? "TRIM" : n.toUpperCase(), "text");
      const chars = args[1].konst?.value;
      if (typeof chars !== "string" || [...chars].length !== 1) c.refuse(`${name} with a character set`);
      const side = n === "btrim" ? "BOTH" : n === "ltrim" ? "LEADING" : "TRAILING";
      return { sql: `TRIM(${side} ${args[1].sql} FROM ${args[0].sql})`, ty: "text" };
    }
    case "replace":
      need(3);
      return fn("REPLACE", "text");
    case "concat": {
      if (pg) return fn("CONCAT", "text");
      for (const a of args) if (!["text", "unknown", "int"].includes(a.ty)) c.refuse(`concat over ${a.ty}`);
      // Postgres's concat skips NULLs
      return mysql ? { sql: `CONCAT_WS('', ${list()})`, ty: "text" } : fn("concat", "text");
    }
    case "concat_ws":
      if (!pg)
        for (const a of args)
          if (!["text", "unknown", "int"].includes(a.ty)) c.refuse(`concat_ws over ${a.ty}`);
      return fn(pg ? "CONCAT_WS" : "concat_ws", "text");
    case "left":
    case "right": {
      need(2);
      if (pg) return fn(name.toUpperCase(), "text");
      const n = constInt(args[1]);
      if (n === null || n < 0) c.refuse(`${name} with a negative or non-constant count`);
      if (mysql) return fn(name.toUpperCase(), "text");
      return fn(`pg_${name}`, "text");
    }
    case "lpad":
    case "rpad":
      if (args.length < 2 || args.length > 3) c.refuse(`${name} with ${args.length} arguments`);
      if (pg) return fn(name.toUpperCase(), "text");
      if (mysql)
        return fn(
          name.toUpperCase(),
          "text",
          args.length === 2 ? [...args, c.bindLiteral(" ", "text")] : args,
        );
      return fn(`pg_${name}`, "text");
    case "repeat":
      need(2);
      return fn(pg || mysql ? "REPEAT" : "pg_repeat", "text");
    case "reverse":
      need(1);
      return fn(pg || mysql ? "REVERSE" : "pg_reverse", "text");
    case "split_part":
      need(3);
      if (mysql) c.refuse("split_part");
      return fn(pg ? "SPLIT_PART" : "pg_split_part", "text");
    // ---------------------------------------------------------------- math
    case "abs":
      need(1);
      if (k === "sqlite" && args[0].ty === "numeric") c.refuse("abs over numeric");
      return fn("ABS", args[0].ty);
    case "round":
      if (args.length < 1 || args.length > 2) c.refuse(`round with ${args.length} arguments`);
      if (!pg && args[0].ty === "float") c.refuse("round over double precision");
      if (k === "sqlite" && args[0].ty !== "int") c.refuse(`round over ${args[0].ty}`);
      return fn("ROUND", args[0].ty === "int" ? "numeric" : args[0].ty);
    case "ceil":
    case "ceiling":
    case "floor":
      need(1);
      if (k === "sqlite" && args[0].ty === "numeric") c.refuse(`${name} over numeric`);
      return fn(
        name === "ceiling" ? "CEIL" : name.toUpperCase(),
        args[0].ty === "int" ? "numeric" : args[0].ty,
      );
    case "trunc":
      if (args.length < 1 || args.length > 2) c.refuse(`trunc with ${args.length} arguments`);
      if (pg) return fn("TRUNC", args[0].ty);
      if (k === "sqlite") {
        if (args.length !== 1 || args[0].ty === "numeric") c.refuse("trunc");
        return fn("trunc", args[0].ty);
      }
      return { sql: `TRUNCATE(${args[0].sql}, ${args[1]?.sql ?? "0"})`, ty: args[0].ty };
    case "mod":
      need(2);
      if (!pg && (args[0].ty !== "int" || args[1].ty !== "int")) c.refuse("mod on non-integers");
      return k === "postgres" ? fn("MOD", "int") : guardedDivision(k, "%", args[0], args[1], "int");
    case "power":
    case "pow":
      need(2);
      if (!pg && args.some((a) => a.ty === "numeric")) c.refuse("power over numeric");
      return fn(pg ? "POWER" : mysql ? "POW" : "pg_power", "float");
    case "sqrt":
      need(1);
      if (!pg && args[0].ty === "numeric") c.refuse("sqrt over numeric");
      return fn("SQRT", "float");
    // ---------------------------------------------------------------- date/time
    case "now":
    case "current_timestamp":
      need(0);
      return { sql: pg ? "NOW()" : mysql ? "NOW(6)" : "pg_now()", ty: "timestamptz" };
    case "date_trunc": {
      need(2);
      if (pg) return fn("DATE_TRUNC", args[1].ty);
      const field = String(args[0].konst?.value ?? "").toLowerCase();
      if (
        !["year", "month", "day", "hour", "minute", "second"].includes(field) ||
        args[1].ty === "timestamptz"
      )
        c.refuse(`date_trunc('${field}', …)`);
      if (args[1].ty !== "timestamp" && args[1].ty !== "date") c.refuse(`date_trunc over ${args[1].ty}`);
      if (k === "sqlite") return { sql: `pg_date_trunc(${args[0].sql}, ${args[1].sql})`, ty: "timestamp" };
      const fmt: Record<string, string> = {
        year: "%Y-01-01 00:00:00",
        month: "%Y-%m-01 00:00:00",
        day: "%Y-%m-%d 00:00:00",
        hour: "%Y-%m-%d %H:00:00",
        minute: "%Y-%m-%d %H:%i:00",
        second: "%Y-%m-%d %H:%i:%s",
      };
      return { sql: `CAST(DATE_FORMAT(${args[1].sql}, '${fmt[field]}') AS DATETIME)`, ty: "timestamp" };
    }
    case "extract":
    case "date_part": {
      need(2);
      const ty: Ty = name === "extract" ? "numeric" : "float";
      if (pg)
        return name === "extract"
          ? { sql: `EXTRACT(${fieldName(c, args[0])} FROM ${args[1].sql})`, ty }
          : fn("DATE_PART", ty);
      const field = String(args[0].konst?.value ?? "").toLowerCase();
      if (!["date", "timestamp"].includes(args[1].ty)) c.refuse(`${name} over ${args[1].ty}`);
      if (k === "sqlite") {
        if (
          !["year", "month", "day", "hour", "minute", "second", "dow", "doy", "quarter", "epoch"].includes(
            field,
          )
        )
          c.refuse(`${name}('${field}', …)`);
        return { sql: `pg_extract(${args[0].sql}, ${args[1].sql})`, ty };
      }
      const x = args[1].sql;
      const m: Record<string, string> = {
        year: `YEAR(${x})`,
        month: `MONTH(${x})`,
        day: `DAYOFMONTH(${x})`,
        hour: `HOUR(${x})`,
        minute: `MINUTE(${x})`,
        dow: `(DAYOFWEEK(${x}) - 1)`,
        doy: `DAYOFYEAR(${x})`,
        quarter: `QUARTER(${x})`,
        isodow: `WEEKDAY(${x}) + 1`,
        week: `WEEK(${x}, 3)`,
      };
      if (field === "second") return { sql: `(SECOND(${x}) + MICROSECOND(${x}) / 1000000)`, ty };
      if (!m[field]) c.refuse(`${name}('${field}', …)`);
      return { sql: m[field], ty };
    }
    case "coalesce":
      return fn("COALESCE", args.find((a) => a.ty !== "unknown")?.ty ?? "unknown");
  }
  if (pg && !f.agg_distinct && !f.over) {
    // other functions run unchanged on a Postgres backend
    const qualified = f.funcname.map((n: A) => n.String.sval).join(".");
    if (/^[a-z_][a-z0-9_.]*$/.test(qualified)) return fn(qualified, "unknown");
  }
  return c.refuse(`function ${name}()`);
}

function fieldName(c: Compilation, e: Expr): string {
  const v = String(e.konst?.value ?? "");
  if (!/^[a-z]+$/i.test(v)) c.refuse("EXTRACT with this field");
  return v;
}

/**
 * `fn(direct args) WITHIN GROUP (ORDER BY keys)`: ordered-set and hypothetical-set aggregates
 * exist only on PostgreSQL (elsewhere Weft evaluates them in memory over the scanned rows).
 */
function withinGroup(c: Compilation, f: A, name: string, scope: A): Expr {
  if (c.dialect.kind !== "postgres" || f.over) c.refuse("WITHIN GROUP");
  const direct: Expr[] = (f.args ?? []).map((a: A) =>
    a.A_ArrayExpr
      ? {
          sql: `ARRAY[${(a.A_ArrayExpr.elements ?? []).map((e: A) => c.expr(e, scope).sql).join(", ")}]`,
          ty: "array" as Ty,
        }
      : c.expr(a, scope),
  );
  const keys = (f.agg_order ?? []).map((o: A) => {
    const sb = o.SortBy;
    if (sb.useOp) c.refuse("ORDER BY … USING");
    const e = c.expr(sb.node, scope);
    const dir = sb.sortby_dir === "SORTBY_DESC" ? " DESC" : "";
    const nulls =
      sb.sortby_nulls === "SORTBY_NULLS_FIRST"
        ? " NULLS FIRST"
        : sb.sortby_nulls === "SORTBY_NULLS_LAST"
          ? " NULLS LAST"
          : "";
    return { e, sql: `${e.sql}${dir}${nulls}` };
  });
  const qualified = f.funcname.map((n: A) => n.String.sval).join(".");
  if (!/^[a-z_][a-z0-9_.]*$/.test(qualified)) c.refuse(`function ${qualified}()`);
  const ty = withinGroupTy(name, direct[0]?.ty === "array", keys[0]?.e.ty ?? "unknown");
  const sql = `${qualified.toUpperCase()}(${direct.map((d) => d.sql).join(", ")}) WITHIN GROUP (ORDER BY ${keys.map((k: { sql: string }) => k.sql).join(", ")})`;
  return { sql, ty };
}

function withinGroupTy(name: string, arrayForm: boolean, keyTy: Ty): Ty {
  switch (name) {
    case "percentile_cont":
      return arrayForm ? "array" : keyTy === "interval" ? "interval" : "float";
    case "percentile_disc":
      return arrayForm ? "array" : keyTy;
    case "mode":
      return keyTy;
    case "rank":
    case "dense_rank":
      return "int";
    case "percent_rank":
    case "cume_dist":
      return "float";
  }
  return "unknown";
}
