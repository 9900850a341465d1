import type { TypeOid } from "../common/pg-types.ts";
import type { SourceTable } from "../connectors/spi.ts";
import type { QueryPlan } from "./query-plan.ts";

/**
 * A table standing for rows Weft computes (a planned subquery's, an apply's columns): the
 * planner resolves and binds its columns like a service table's, but never scans it by name.
 */
export function viewTable(
  name: string,
  columns: { name: string; oid: TypeOid; typmod: number }[],
  rowEstimate = 1,
): SourceTable {
  return {
    name,
    kind: "view",
    columns: columns.map((c, i) => ({
      name: c.name,
      ordinal: i + 1,
      type: { oid: c.oid, typmod: c.typmod } as SourceTable["columns"][number]["type"],
      nativeType: "",
      nullable: true,
      defaultExpr: null,
      comment: null,
    })),
    primaryKey: null,
    uniqueKeys: [],
    foreignKeys: [],
    indexes: [],
    comment: null,
    rowEstimate,
  };
}

/** The table a planned FROM subquery is to the query around it: its columns as `names` (else the plan's). */
export function subqueryView(alias: string, plan: QueryPlan, names: string[]): SourceTable {
  return viewTable(
    alias,
    plan.columns.map((c, i) => ({ name: names[i] ?? c.name, oid: c.oid, typmod: c.typmod })),
    plan.estimate,
  );
}
