import { PgError } from "../../common/pg-error.ts";
import { connectionLost, serviceUnavailable } from "../shared/source-errors.ts";

/** Node socket errors and pg's own messages that mean the connection is gone. */
const connectionCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
]);

interface PgDriverError {
  code?: string;
  message?: string;
  detail?: string;
  hint?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  dataType?: string;
  where?: string;
  severity?: string;
}

/**
 * Postgres errors keep their SQLSTATE, message, detail and hint (the position refers to the
 * native statement text, not the client's, so it is dropped). Connection failures become 08006.
 */
export function mapPgError(err: unknown, service: string): PgError {
  if (err instanceof PgError) return err;
  const e = (err ?? {}) as PgDriverError;
  const message = e.message ?? String(err);
  if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && !connectionCodes.has(e.code)) {
    if (e.code.startsWith("08")) return connectionLost(service, message, err);
    return new PgError(e.code, message, {
      detail: e.detail,
      hint: e.hint,
      schema: e.schema,
      table: e.table,
      column: e.column,
      constraint: e.constraint,
      dataType: e.dataType,
      where: e.where,
      severity: e.severity === "FATAL" || e.severity === "PANIC" ? "ERROR" : undefined,
      cause: err,
    });
  }
  if (e.code && connectionCodes.has(e.code)) return serviceUnavailable(service, message, err);
  if (
    /Connection terminated|Client has encountered a connection error|not queryable|timeout/i.test(message)
  ) {
    return connectionLost(service, message, err);
  }
  return new PgError("XX000", `service "${service}": ${message}`, { kind: "external", cause: err });
}
