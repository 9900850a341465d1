import { PgError, SqlState } from "../../common/pg-error.ts";
import { serviceUnavailable, withService } from "../shared/source-errors.ts";
import { DivisionByZeroError } from "./arithmetic.ts";

const byCode = new Map<string, string>([
  ["SQLITE_CONSTRAINT_UNIQUE", "23505"],
  ["SQLITE_CONSTRAINT_PRIMARYKEY", "23505"],
  ["SQLITE_CONSTRAINT_FOREIGNKEY", "23503"],
  ["SQLITE_CONSTRAINT_NOTNULL", "23502"],
  ["SQLITE_CONSTRAINT_CHECK", "23514"],
  ["SQLITE_CONSTRAINT", "23000"],
  ["SQLITE_BUSY", "55P03"],
  ["SQLITE_BUSY_SNAPSHOT", "40001"],
  ["SQLITE_LOCKED", "55P03"],
  ["SQLITE_READONLY", "25006"],
  ["SQLITE_TOOBIG", "54000"],
  ["SQLITE_NOMEM", "53200"],
  ["SQLITE_FULL", "53100"],
  ["SQLITE_INTERRUPT", "57014"],
  ["SQLITE_MISMATCH", "42804"],
  ["SQLITE_RANGE", "42P02"],
]);

/** SQLITE_ERROR covers every compile error; the message says which. */
const byMessage: [RegExp, string][] = [
  [/^no such table/, SqlState.undefinedTable],
  [/^no such column/, SqlState.undefinedColumn],
  [/^no such function/, SqlState.undefinedFunction],
  [/^ambiguous column name/, SqlState.ambiguousColumn],
  [/syntax error|incomplete input|unrecognized token/, SqlState.syntaxError],
  [/^table .* already exists/, "42P07"],
  [/^integer overflow/, SqlState.numericValueOutOfRange],
  [/too many SQL variables/, "54023"],
];

interface SqliteDriverError {
  code?: string;
  message?: string;
}

export function mapSqliteError(err: unknown, service: string): PgError {
  if (err instanceof PgError) return err;
  // thrown by pg_div/pg_mod; better-sqlite3 rethrows a user function's own error
  if (err instanceof DivisionByZeroError)
    return new PgError(SqlState.divisionByZero, "division by zero", { cause: err });
  const e = (err ?? {}) as SqliteDriverError;
  const message = e.message ?? String(err);
  if (e.code === "SQLITE_CANTOPEN" || e.code === "SQLITE_NOTADB")
    return serviceUnavailable(service, message, err);
  const mapped = (e.code && byCode.get(e.code)) ?? byMessage.find(([re]) => re.test(message))?.[1];
  if (mapped) return new PgError(mapped, withService(service, message), { cause: err });
  return new PgError(SqlState.internalError, withService(service, message), { kind: "external", cause: err });
}
