import type { PgNotice } from "../common/pg-error.ts";
import { PgError, SqlState } from "../common/pg-error.ts";
import type { WireErrorFields } from "./codec/backend-writer.ts";

export function errorFields(err: PgError): WireErrorFields {
  return {
    severity: err.severity,
    code: err.code,
    message: err.message,
    detail: err.detail,
    hint: err.hint,
    position: err.position,
    where: err.where,
    schema: err.schema,
    table: err.table,
    column: err.column,
    dataType: err.dataType,
    constraint: err.constraint,
  };
}

export function noticeFields(n: PgNotice): WireErrorFields {
  return { severity: n.severity, code: n.code, message: n.message, detail: n.detail, hint: n.hint };
}

/** The same error, but ending the connection. */
export function asFatal(err: PgError): PgError {
  if (err.severity === "FATAL" || err.severity === "PANIC") return err;
  return new PgError(err.code, err.message, { ...err.fields(), severity: "FATAL" });
}

export function fatal(code: string, message: string): PgError {
  return new PgError(code, message, { severity: "FATAL" });
}

export function protocolViolation(message: string, severity: "ERROR" | "FATAL" = "ERROR"): PgError {
  return new PgError(SqlState.protocolViolation, message, { severity });
}

/** Thrown inside a connection when the peer went away; ends it silently. */
export class ConnectionGone extends Error {
  constructor() {
    super("connection closed");
    this.name = "ConnectionGone";
  }
}
