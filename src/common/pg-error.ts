/**
 * The one error type that crosses the wire. Every failure a client can see is a
 * PgError with a real SQLSTATE; anything else is logged and sent as XX000.
 */
export type PgErrorKind = "user" | "internal" | "external" | "resource";
export type PgSeverity = "ERROR" | "FATAL" | "PANIC";
export type NoticeSeverity = "WARNING" | "NOTICE" | "DEBUG" | "INFO" | "LOG";

export interface PgErrorFields {
  detail?: string;
  hint?: string;
  /** 1-based character position in the statement text, as Postgres reports it. */
  position?: number;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  dataType?: string;
  where?: string;
  severity?: PgSeverity;
  kind?: PgErrorKind;
  cause?: unknown;
}

export class PgError extends Error {
  readonly code: string;
  readonly severity: PgSeverity;
  readonly kind: PgErrorKind;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: number;
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;
  readonly dataType?: string;
  readonly where?: string;

  constructor(code: string, message: string, fields: PgErrorFields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = "PgError";
    this.code = code;
    this.severity = fields.severity ?? "ERROR";
    this.kind = fields.kind ?? kindOf(code);
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.position = fields.position;
    this.schema = fields.schema;
    this.table = fields.table;
    this.column = fields.column;
    this.constraint = fields.constraint;
    this.dataType = fields.dataType;
    this.where = fields.where;
  }

  withPosition(position: number | undefined): PgError {
    if (position === undefined) return this;
    return new PgError(this.code, this.message, { ...this.fields(), position });
  }

  fields(): PgErrorFields {
    return {
      detail: this.detail,
      hint: this.hint,
      position: this.position,
      schema: this.schema,
      table: this.table,
      column: this.column,
      constraint: this.constraint,
      dataType: this.dataType,
      where: this.where,
      severity: this.severity,
      kind: this.kind,
    };
  }
}

function kindOf(code: string): PgErrorKind {
  if (code === "XX000") return "internal";
  if (code.startsWith("08")) return "external";
  if (code.startsWith("53") || code === "57014") return "resource";
  return "user";
}

/** SQLSTATEs Weft raises itself. Backend errors keep the backend's code. */
export const SqlState = {
  successfulCompletion: "00000",
  connectionException: "08000",
  connectionFailure: "08006",
  protocolViolation: "08P01",
  featureNotSupported: "0A000",
  invalidTransactionState: "25000",
  activeSqlTransaction: "25001",
  readOnlySqlTransaction: "25006",
  inFailedSqlTransaction: "25P02",
  noActiveSqlTransaction: "25P01",
  invalidAuthorizationSpecification: "28000",
  invalidPassword: "28P01",
  invalidCatalogName: "3D000",
  invalidCursorName: "34000",
  invalidSqlStatementName: "26000",
  syntaxError: "42601",
  undefinedTable: "42P01",
  undefinedColumn: "42703",
  undefinedFunction: "42883",
  undefinedObject: "42704",
  undefinedParameter: "42P02",
  duplicatePreparedStatement: "42P05",
  duplicateCursor: "42P03",
  datatypeMismatch: "42804",
  ambiguousColumn: "42702",
  invalidColumnReference: "42P10",
  groupingError: "42803",
  insufficientPrivilege: "42501",
  invalidParameterValue: "22023",
  invalidTextRepresentation: "22P02",
  invalidBinaryRepresentation: "22P03",
  numericValueOutOfRange: "22003",
  divisionByZero: "22012",
  datetimeFieldOverflow: "22008",
  stringDataRightTruncation: "22001",
  characterNotInRepertoire: "22021",
  queryCanceled: "57014",
  adminShutdown: "57P01",
  outOfMemory: "53200",
  tooManyConnections: "53300",
  configurationLimitExceeded: "53400",
  internalError: "XX000",
} as const;

/** Turns anything thrown into a PgError; non-PgErrors become XX000 without internals. */
export function toPgError(err: unknown): PgError {
  if (err instanceof PgError) return err;
  return new PgError(SqlState.internalError, "internal error", { kind: "internal", cause: err });
}

export interface PgNotice {
  severity: NoticeSeverity;
  code: string;
  message: string;
  detail?: string;
  hint?: string;
}
