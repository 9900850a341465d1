import type { TypeOid } from "./pg-types.ts";

/** An interval as Postgres stores it: months, days and microseconds kept apart. */
export interface PgInterval {
  months: number;
  days: number;
  micros: bigint;
}

/**
 * The in-memory value of one cell whose Postgres type is known from its column.
 * Which JS type holds which Postgres type (the canonical form, produced by
 * `coerceValue` and the decoders, consumed by the encoders):
 *
 * - bool → boolean
 * - int2, int4, oid → number;  int8 → bigint;  float4, float8 → number (NaN/±Infinity allowed)
 * - numeric → string, exact decimal text as Postgres prints it ("12.50", "NaN", "Infinity")
 * - text, varchar, bpchar, name, char, json, jsonb, xml, uuid (lower case) → string
 * - bytea → Uint8Array
 * - date → string "YYYY-MM-DD" ("infinity", "-infinity", "YYYY-MM-DD BC" allowed)
 * - time → string "HH:MM:SS[.ffffff]"
 * - timestamp → string "YYYY-MM-DD HH:MM:SS[.ffffff]"
 * - timestamptz → string "YYYY-MM-DD HH:MM:SS[.ffffff]+00" (always UTC; the encoder
 *   renders it in the session's TimeZone)
 * - interval → PgInterval
 * - one-dimensional arrays → Value[] of the element type's form
 * - NULL → null
 */
export type Value = null | boolean | number | bigint | string | Uint8Array | PgInterval | Value[];

/** Session settings that change how values print. Names follow Postgres GUCs. */
export interface EncodeContext {
  /** IANA zone or "UTC"; used for timestamptz output. */
  timeZone: string;
  /** e.g. "ISO, MDY" */
  dateStyle: string;
  /** postgres | postgres_verbose | sql_standard | iso_8601 */
  intervalStyle: string;
  /** -15..3; 1 (the Postgres 12+ default) means shortest exact float output */
  extraFloatDigits: number;
  /** hex | escape */
  byteaOutput: string;
}

export const defaultEncodeContext: EncodeContext = {
  timeZone: "UTC",
  dateStyle: "ISO, MDY",
  intervalStyle: "postgres",
  extraFloatDigits: 1,
  byteaOutput: "hex",
};

/** Format code of the wire protocol: 0 text, 1 binary. */
export type FormatCode = 0 | 1;

/** Signature of a typed cell encoder; the implementations live in value-codec.ts. */
export type CellEncoder = (value: Value, oid: TypeOid, ctx: EncodeContext) => Uint8Array;
