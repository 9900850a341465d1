import type { Node, SelectStmt } from "@pgsql/types";
import {
  boolConst,
  caseExpr,
  containsAggregate,
  funcCall,
  isNull,
  not,
  nullConst,
  opExpr,
  operatorName,
  or,
  str,
} from "./ast-nodes.ts";
import { cannotDecorrelate, lookupSubquery, refuseShape, splitCorrelation } from "./subquery-correlation.ts";
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

/**
 * A correlated `x IN (SELECT y … WHERE inner_k = outer_k …)`, `x op ANY (…)` or `x op ALL (…)`
 * anywhere in a query, with PostgreSQL's three-valued result over the rows the subquery
 * gives for the outer row's keys (its "group").
 *
 * IN (and NOT IN, `<> ALL`, its negation) joins two lookups, both hash joins:
 *   m: (SELECT DISTINCT k…, y AS v, true AS m …) ON keys AND x = m.v   — some y equals x
 *   c: (SELECT k…, bool_or(y IS NULL) AS hn … GROUP BY k…) ON keys       — the group is not
 *      empty (hn is not NULL) and whether it holds a NULL
 * and becomes CASE WHEN m.m IS NOT NULL THEN true WHEN c.hn IS NULL THEN false
 *                  WHEN x IS NULL OR c.hn THEN NULL ELSE false END.
 * Other operators, and an x over aggregates (in HAVING), compare x with the group's array
 * (`array_agg(y)`): `x op ANY (a.a)`, the empty group (no lookup row) giving false for ANY
 * and true for ALL.
 */
export function decorrelateIn(link: any, env: DecorrelateEnv): Decorrelated {
  const all = link.subLinkType === "ALL_SUBLINK";
  const operName = (link.operName as Node[] | undefined) ?? [str("=")];
  const op = operatorName(operName);
  const what = `a correlated ${all ? `${op} ALL` : link.operName ? `${op} ANY` : "IN"} (subquery)`;
  if (link.testexpr?.RowExpr)
    throw cannotDecorrelate(`a row comparison (…) ${all ? "ALL" : "IN"} (correlated subquery)`);
  const select = link.subselect.SelectStmt as SelectStmt;
  refuseShape(select, what);
  const corr = splitCorrelation(select, env.catalog, what);
  const empty = boolConst(all);
  if (corr.keys.length === 0)
    return { joins: [], replacement: uncorrelatedRest(link, corr, empty, env, what) };
  const y = (select.targetList as any[])[0].ResTarget.val as Node;
  const x = env.outerExpr(link.testexpr as Node);
  const keys = keyTargets(corr);
  const groupKeys = corr.keys.map((k) => k.inner);

  // x joins the matches on `x = y`, read row by row: not when it is an aggregate (HAVING)
  const hashed = !containsAggregate(link.testexpr);
  if (hashed && operName.length === 1 && ((op === "=" && !all) || (op === "<>" && all))) {
    const m = env.alias();
    const c = env.alias();
    const matches = lookupSubquery(
      select,
      corr,
      [...keys, lookupTarget(y, "v"), lookupTarget(boolConst(true), "m")],
      [...groupKeys, y],
      env.catalog,
      what,
    );
    const counts = lookupSubquery(
      select,
      corr,
      [...keys, lookupTarget(funcCall("bool_or", [isNull(y)]), "hn")],
      groupKeys,
      env.catalog,
      what,
    );
    const mj = keyJoin(corr, m);
    const cj = keyJoin(corr, c);
    const hn = lookupRef(c, "hn");
    const found = caseExpr(
      [
        [isNull(lookupRef(m, "m"), true), boolConst(true)],
        [isNull(hn), boolConst(false)],
        [or([isNull(x), hn]), nullConst()],
      ],
      boolConst(false),
    );
    return {
      joins: [
        {
          subquery: matches,
          alias: m,
          on: [...mj.on, opExpr("=", x, lookupRef(m, "v"))],
          outer: [...mj.outer, x],
        },
        { subquery: counts, alias: c, ...cj },
      ],
      replacement: guarded(corr, all ? not(found) : found, empty),
    };
  }

  const a = env.alias();
  const arrays = lookupSubquery(
    select,
    corr,
    [...keys, lookupTarget(funcCall("array_agg", [y]), "a")],
    groupKeys,
    env.catalog,
    what,
  );
  const arr = lookupRef(a, "a");
  const compare = {
    A_Expr: { kind: all ? "AEXPR_OP_ALL" : "AEXPR_OP_ANY", name: operName, lexpr: x, rexpr: arr },
  } as unknown as Node;
  return {
    joins: [{ subquery: arrays, alias: a, ...keyJoin(corr, a) }],
    replacement: guarded(corr, caseExpr([[isNull(arr), empty]], compare), empty),
  };
}
