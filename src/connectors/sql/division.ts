import type { Expr } from "./compiler.ts";
import type { Ty } from "./types.ts";

/**
 * `/`, `%` and mod() for the backends that answer NULL for a zero divisor where Postgres raises
 * 22012 "division by zero". The result (value and native type) is what the plain operator gives;
 * only a zero divisor changes: it fails, and only where the operator is evaluated on a non-NULL
 * dividend (Postgres's operators are strict: `NULL / 0` is NULL).
 *
 * SQLite runs JS functions (pg_div/pg_mod, src/connectors/sqlite/arithmetic.ts) that throw.
 *
 * MySQL/MariaDB have no user functions and, in a SELECT, only warn (1365, even in
 * ERROR_FOR_DIVISION_BY_ZERO mode; DELETE … WHERE too). Reading the warning after the statement
 * would come too late for a DELETE that already removed rows, so the SQL itself fails:
 *
 *   COALESCE(l OP r, CASE WHEN EXP(1000 + 0 * l + r) THEN NULL END)
 *
 * `l OP r` is NULL with non-NULL operands only when r is zero (DIV and `/` overflow raise 1690,
 * `%` cannot overflow), and then the probe computes EXP(1000), which always raises 1690 "DOUBLE
 * value is out of range in 'exp(…)'" — an error, not a warning, in every sql_mode. With a NULL
 * operand the probe is EXP(NULL): NULL, no error. COALESCE evaluates the probe only for a NULL
 * result, so l and r are computed once for every other row; the probe depends on l and r, so
 * MariaDB cannot fold it ahead of time unless both are constants (where Postgres folds `1/0` at
 * plan time too). `CASE … THEN NULL` keeps the native result type (BIGINT stays BIGINT). The
 * compiler emits EXP nowhere else, so the connector maps 1690 on `exp(` to 22012.
 */
export function guardedDivision(kind: "mysql" | "sqlite", op: "/" | "%", l: Expr, r: Expr, ty: Ty): Expr {
  const native = kind === "mysql" && op === "/" && l.ty === "int" && r.ty === "int" ? "DIV" : op;
  const plain = `(${l.sql} ${native} ${r.sql})`;
  if (nonZeroConstant(r)) return { sql: plain, ty };
  if (kind === "sqlite") return { sql: `${op === "/" ? "pg_div" : "pg_mod"}(${l.sql}, ${r.sql})`, ty };
  return { sql: `COALESCE(${plain}, CASE WHEN EXP(1000 + 0 * ${l.sql} + ${r.sql}) THEN NULL END)`, ty };
}

/** A divisor known at compile time never to be zero needs no guard. */
function nonZeroConstant(e: Expr): boolean {
  const v = e.konst?.value;
  if (typeof v === "bigint") return v !== 0n;
  return typeof v === "number" && v !== 0 && !Number.isNaN(v);
}

/** The MySQL error the guard raises: 1690 out of range, in the EXP only the guard emits. */
export function isMysqlDivisionByZero(errno: number | undefined, message: string): boolean {
  return errno === 1690 && /value is out of range in 'exp\(/i.test(message);
}
