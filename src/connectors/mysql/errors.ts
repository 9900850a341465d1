import { PgError, SqlState } from "../../common/pg-error.ts";
import { connectionLost, queryCanceled, serviceUnavailable, withService } from "../shared/source-errors.ts";
import { isMysqlDivisionByZero } from "../sql/division.ts";

/** MySQL/MariaDB errno → the SQLSTATE Postgres raises for the same failure. */
const byErrno = new Map<number, string>([
  [1062, "23505"], // ER_DUP_ENTRY
  [1586, "23505"], // ER_DUP_ENTRY_WITH_KEY_NAME
  [1451, "23503"], // ER_ROW_IS_REFERENCED_2
  [1452, "23503"], // ER_NO_REFERENCED_ROW_2
  [1216, "23503"], // ER_NO_REFERENCED_ROW
  [1217, "23503"], // ER_ROW_IS_REFERENCED
  [1048, "23502"], // ER_BAD_NULL_ERROR
  [1364, "23502"], // ER_NO_DEFAULT_FOR_FIELD
  [4025, "23514"], // ER_CONSTRAINT_FAILED (MariaDB CHECK)
  [3819, "23514"], // ER_CHECK_CONSTRAINT_VIOLATED (MySQL 8)
  [1054, "42703"], // ER_BAD_FIELD_ERROR
  [1146, "42P01"], // ER_NO_SUCH_TABLE
  [1051, "42P01"], // ER_BAD_TABLE_ERROR
  [1049, "3D000"], // ER_BAD_DB_ERROR
  [1050, "42P07"], // ER_TABLE_EXISTS_ERROR
  [1060, "42701"], // ER_DUP_FIELDNAME
  [1064, "42601"], // ER_PARSE_ERROR
  [1149, "42601"], // ER_SYNTAX_ERROR
  [1052, "42702"], // ER_NON_UNIQ_ERROR (ambiguous column)
  [1305, "42883"], // ER_SP_DOES_NOT_EXIST (function)
  [1406, "22001"], // ER_DATA_TOO_LONG
  [1264, "22003"], // ER_WARN_DATA_OUT_OF_RANGE
  [1690, "22003"], // ER_DATA_OUT_OF_RANGE
  [1292, "22007"], // ER_TRUNCATED_WRONG_VALUE (bad date/number text)
  [1366, "22P02"], // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
  [1205, "55P03"], // ER_LOCK_WAIT_TIMEOUT
  [1213, "40P01"], // ER_LOCK_DEADLOCK
  [1317, "57014"], // ER_QUERY_INTERRUPTED
  [3024, "57014"], // ER_QUERY_TIMEOUT (MySQL 8 max_execution_time)
  [1969, "57014"], // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
  [1044, "42501"], // ER_DBACCESS_DENIED_ERROR
  [1142, "42501"], // ER_TABLEACCESS_DENIED_ERROR
  [1143, "42501"], // ER_COLUMNACCESS_DENIED_ERROR
  [1045, "28000"], // ER_ACCESS_DENIED_ERROR
  [1792, "25006"], // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
  [1040, "53300"], // ER_CON_COUNT_ERROR
  [1203, "53300"], // ER_TOO_MANY_USER_CONNECTIONS
]);

/** Driver codes meaning the connection itself failed. */
const connectionCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_SERVER_SHUTDOWN",
]);

interface MysqlDriverError {
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  message?: string;
  fatal?: boolean;
}

export function mapMysqlError(err: unknown, service: string): PgError {
  if (err instanceof PgError) return err;
  const e = (err ?? {}) as MysqlDriverError;
  const message = e.sqlMessage ?? e.message ?? String(err);
  if ((e.code && connectionCodes.has(e.code)) || e.errno === 2006 || e.errno === 2013) {
    return e.code === "ECONNREFUSED" || e.code === "ENOTFOUND"
      ? serviceUnavailable(service, message, err)
      : connectionLost(service, message, err);
  }
  // the compiler's zero-divisor guard (1690 in its EXP probe), or strict mode's own 1365 in DML
  if (e.errno === 1365 || isMysqlDivisionByZero(e.errno, message))
    return new PgError(SqlState.divisionByZero, "division by zero", { cause: err });
  const mapped = e.errno === undefined ? undefined : byErrno.get(e.errno);
  if (mapped === "57014") return queryCanceled();
  if (mapped) return new PgError(mapped, withService(service, message), { cause: err });
  if (e.sqlState && /^[0-9A-Z]{5}$/.test(e.sqlState) && e.sqlState !== "HY000") {
    // MySQL's SQLSTATEs share the standard classes (23xxx, 42Sxx …); keep the class, not the MySQL-only subclass
    const code = e.sqlState.startsWith("42S") ? "42000" : e.sqlState;
    return new PgError(code, withService(service, message), { cause: err });
  }
  if (e.fatal) return connectionLost(service, message, err);
  return new PgError(SqlState.internalError, withService(service, message), { kind: "external", cause: err });
}
