import { PgError } from "../common/pg-error.ts";
import type { Value } from "../common/values.ts";

/**
 * What an apply's column holds for a row whose subquery evaluation failed on the data (more
 * than one row for a scalar subquery, a division by zero …): the error, raised only when an
 * expression reads the column (the `apply-value` expression), as PostgreSQL raises it only for
 * the subqueries it evaluates (a CASE branch not taken, a row filtered out first).
 */
export class ApplyFailure {
  constructor(readonly error: PgError) {}

  /** the marker stored in a row in place of a value */
  asValue(): Value {
    return this as unknown as Value;
  }
}

/** Errors of the data (cardinality 21xxx, data exceptions 22xxx) wait until the value is read. */
export function deferrable(err: unknown): err is PgError {
  return err instanceof PgError && (err.code.startsWith("21") || err.code.startsWith("22"));
}
