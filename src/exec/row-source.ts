/**
 * The executor's contract: operators pull row batches from their inputs and are
 * closed when the consumer stops early. Rows hold canonical values (common/values.ts);
 * a column's Postgres type is known from the plan, not from the value.
 */
import type { TypeOid } from "../common/pg-types.ts";
import type { Row, RowBatch } from "../common/row.ts";
import type { EncodeContext, Value } from "../common/values.ts";

export interface RowSource {
  /** the next batch, or null when exhausted; never an empty batch */
  next(): Promise<RowBatch | null>;
  /** stops early and releases what the source holds; safe to call twice */
  close(): Promise<void>;
}

/** Settings an expression may depend on (TimeZone for timestamptz, DateStyle for casts to text …). */
export interface EvalContext {
  settings: EncodeContext;
  /** transaction start, as canonical timestamptz text ("YYYY-MM-DD HH:MM:SS.ffffff+00"): now() */
  transactionTimestamp: string;
  /** statement start: statement_timestamp() */
  statementTimestamp: string;
}

/** A compiled scalar expression over one input row. */
export type Evaluator = (row: Row, ctx: EvalContext) => Value;

/** A column of an operator's output. */
export interface ColumnType {
  name: string;
  oid: TypeOid;
  typmod: number;
}

/**
 * Memory accounting per query. Operators that hold rows (hash tables, sorts,
 * aggregates, windows) reserve what they keep; past the limit the query fails
 * with 53200 naming the operator, and the process never runs out of memory.
 */
export interface MemoryBudget {
  reserve(bytes: number, operator: string): void;
  release(bytes: number): void;
  readonly used: number;
  readonly peak: number;
}
