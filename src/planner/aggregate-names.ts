/**
 * Ordered-set aggregates: called as `name(direct args) WITHIN GROUP (ORDER BY …)`.
 * The result depends on the sorted values (percentile_cont, percentile_disc, mode).
 */
export const orderedSetAggregateNames: ReadonlySet<string> = new Set([
  "percentile_cont",
  "percentile_disc",
  "mode",
]);

/**
 * Hypothetical-set aggregates: `rank(1000) WITHIN GROUP (ORDER BY salary)` ranks a
 * hypothetical row among the group's rows. Their names are window functions too, but
 * only a call with OVER is one: without OVER these names can only be the aggregate
 * (PostgreSQL requires WITHIN GROUP then).
 */
export const hypotheticalSetAggregateNames: ReadonlySet<string> = new Set([
  "rank",
  "dense_rank",
  "percent_rank",
  "cume_dist",
]);

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
  ...orderedSetAggregateNames,
  ...hypotheticalSetAggregateNames,
]);
