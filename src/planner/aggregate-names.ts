/**
 * Names of PostgreSQL's built-in aggregates: a call to one of these (without
 * OVER) makes a query grouped, and a subquery using one is not a plain filter.
 */
export const aggregateNames: ReadonlySet<string> = new Set([
  "count",
  "sum",
  "avg",
  "min",
  "max",
  "string_agg",
  "array_agg",
  "json_agg",
  "jsonb_agg",
  "json_object_agg",
  "jsonb_object_agg",
  "bool_and",
  "bool_or",
  "every",
  "stddev",
  "stddev_samp",
  "stddev_pop",
  "variance",
  "var_samp",
  "var_pop",
  "bit_and",
  "bit_or",
  "percentile_cont",
  "percentile_disc",
  "mode",
]);
