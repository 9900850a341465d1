import type { TypeOid } from "./pg-types.ts";
import type { FormatCode, Value } from "./values.ts";

/** One column of a result as RowDescription carries it. */
export interface FieldDescription {
  name: string;
  /** pg_class OID of the base table in the mirror, 0 for computed columns. */
  tableOid: number;
  /** attnum of the base column, 0 for computed columns. */
  columnAttr: number;
  typeOid: TypeOid;
  /** pg_type.typlen */
  typeSize: number;
  typeModifier: number;
  format: FormatCode;
}

/**
 * A row already encoded for the wire, one cell per column: the cell's bytes, or a string for a
 * text-format cell (the wire writes it as UTF-8 straight into its output, sparing a buffer per
 * cell), or null for SQL NULL.
 */
export type EncodedRow = (Uint8Array | string | null)[];

/** A row of canonical values (see values.ts). */
export type Row = Value[];

/** Rows move between operators and out of connectors in batches. */
export type RowBatch = Row[];
