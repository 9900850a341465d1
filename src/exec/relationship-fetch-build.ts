import { arrayOf } from "../common/pg-types.ts";
import { withKeyFilters } from "../planner/fragment-key-filter-many.ts";
import type { QueryPlan, RelationshipFetchPlan, RemoteScanPlan } from "../planner/query-plan.ts";
import type { BuildEnv } from "./build-plan.ts";
import { compileExpr } from "./compile-expr.ts";
import { type FetchSpec, relationshipFetch } from "./relationship-fetch.ts";
import type { RowSource } from "./row-source.ts";

/** The operator of a relationship-fetch node; each step's batches go through the scan opener. */
export function buildRelationshipFetch(
  plan: RelationshipFetchPlan,
  env: BuildEnv,
  build: (p: QueryPlan, env: BuildEnv) => RowSource,
): RowSource {
  const expr = (e: Parameters<typeof compileExpr>[0]) => compileExpr(e, env.params);
  const fetches = plan.fetches.map(
    (f): FetchSpec => ({
      column: f.column,
      relationship: f.relationship,
      many: f.type === "has_many" || f.type === "many_many",
      parentKeys: f.parentKeys.map(expr),
      targetNames: f.targetColumns.map((c) => c.name),
      targetTypes: f.targetColumns.map((c) => c.oid),
      orderBy: [...f.orderBy],
      steps: f.steps.map((s) => {
        // the keyed copy shares the scan's columns, so EXPLAIN ANALYZE counts its queries as the scan's
        const keyed: RemoteScanPlan = {
          ...s.scan,
          fragment: withKeyFilters(s.scan.fragment, s.remoteKeys, env.params.length + 1),
        };
        const types = s.remoteKeyTypes.map((t) => arrayOf(t));
        return {
          keyed: s.remoteKeys.length > 0,
          open: (keys) =>
            s.remoteKeys.length > 0 ? env.scans.open(keyed, { values: keys, types }) : env.scans.open(s.scan),
          toRemote: s.toRemote.map(expr),
          rowKeys: s.rowKeys.map(expr),
          keyTypes: [...s.keyTypes],
          nextKeys: s.nextKeys?.map(expr),
          batchSize: s.batchSize,
          concurrency: s.concurrency,
        };
      }),
    }),
  );
  return relationshipFetch(build(plan.input, env), fetches, env);
}
