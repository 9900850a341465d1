import { PgError, SqlState } from "./pg-error.ts";

/** 22P02 with Postgres's exact wording: invalid input syntax for type integer: "x" */
export function invalidInput(typeName: string, text: string): PgError {
  return new PgError(
    SqlState.invalidTextRepresentation,
    `invalid input syntax for type ${typeName}: "${text}"`,
  );
}

/** 22003 as the integer input functions word it: value "x" is out of range for type integer */
export function valueOutOfRange(typeName: string, text: string): PgError {
  return new PgError(SqlState.numericValueOutOfRange, `value "${text}" is out of range for type ${typeName}`);
}

/** 22003 as the float input functions word it: "1e400" is out of range for type double precision */
export function floatOutOfRange(typeName: string, text: string): PgError {
  return new PgError(SqlState.numericValueOutOfRange, `"${text}" is out of range for type ${typeName}`);
}

/** 22P03 for malformed binary parameters. */
export function invalidBinary(message: string): PgError {
  return new PgError(SqlState.invalidBinaryRepresentation, message);
}

/** A canonical value of the wrong JS type reached an encoder: a bug upstream, not user input. */
export function wrongValue(typeName: string, value: unknown): PgError {
  return new PgError(SqlState.datatypeMismatch, `cannot encode ${describe(value)} as ${typeName}`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Uint8Array) return "bytes";
  return typeof value;
}
