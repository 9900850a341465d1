import type { SelectStmt } from "@pgsql/types";
import { boolConst, isNull } from "./ast-nodes.ts";
import { lookupSubquery, refuseShape, splitCorrelation } from "./subquery-correlation.ts";
import {
  type Decorrelated,
  type DecorrelateEnv,
  guarded,
  keyJoin,
  keyTargets,
  lookupRef,
  lookupTarget,
  uncorrelatedRest,
} from "./subquery-lookup.ts";

const what = "a correlated EXISTS (subquery)";

/**
 * A correlated `EXISTS (SELECT … WHERE inner_k = outer_k AND …)` anywhere in a query:
 *   LEFT JOIN (SELECT inner_k AS k0, true AS m FROM … WHERE … GROUP BY inner_k) sq ON sq.k0 = outer_k
 * and the EXISTS becomes `sq.m IS NOT NULL`: a group exists exactly for the key values the
 * subquery finds rows for (a NULL key finds none, as `inner_k = NULL` holds for no row).
 */
export function decorrelateExists(link: any, env: DecorrelateEnv): Decorrelated {
  const select = link.subselect.SelectStmt as SelectStmt;
  refuseShape(select, what, { limit: "positive" });
  const corr = splitCorrelation(select, env.catalog, what);
  if (corr.keys.length === 0)
    return { joins: [], replacement: uncorrelatedRest(link, corr, boolConst(false), env, what) };
  const alias = env.alias();
  const keys = keyTargets(corr);
  const subquery = lookupSubquery(
    select,
    corr,
    [...keys, lookupTarget(boolConst(true), "m")],
    corr.keys.map((k) => k.inner),
    env.catalog,
    what,
  );
  return {
    joins: [{ subquery, alias, ...keyJoin(corr, alias) }],
    replacement: guarded(corr, isNull(lookupRef(alias, "m"), true), boolConst(false)),
  };
}
