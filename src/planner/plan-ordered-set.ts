import type { Node } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import { arrayOf, Oid, type TypeOid, typeFacts } from "../common/pg-types.ts";
import { decodeText } from "../common/value-codec.ts";
import type { Value } from "../common/values.ts";
import { hypotheticalSetAggregateNames, orderedSetAggregateNames } from "./aggregate-names.ts";
import { type BindContext, castTo } from "./bind-expr.ts";
import {
  type BoundAggregate,
  type BoundExpr,
  boolOid,
  withinGroupDescending,
  withinGroupNullsFirst,
} from "./bound-expr.ts";
import type { PlanInput } from "./plan-select.ts";
import { sortKey } from "./plan-window.ts";

/**
 * Binds `name(direct args) WITHIN GROUP (ORDER BY keys)` (and the misuses PostgreSQL rejects:
 * an ordered-set aggregate without WITHIN GROUP, WITHIN GROUP on another aggregate) the way
 * parse_agg.c does: direct arguments then sort keys resolve one signature; a hypothetical-set
 * aggregate first brings each hypothetical argument and its sort key to their common type.
 */
export function bindWithinGroupAggregate(
  f: any,
  name: string,
  bind: (n: Node) => BoundExpr,
  input: PlanInput,
): BoundAggregate {
  const ordered = orderedSetAggregateNames.has(name);
  const hypothetical = hypotheticalSetAggregateNames.has(name);
  if (!f.agg_within_group)
    throw new PgError("42809", `WITHIN GROUP is required for ordered-set aggregate ${name}`);
  const ctx: BindContext = {
    scalars: input.scalars,
    paramTypes: input.paramTypes,
    columns: () => {
      throw new PgError(SqlState.internalError, "ordered-set aggregate arguments are already bound");
    },
  };
  let direct = ((f.args ?? []) as Node[]).map((a) => bindDirect(a, bind));
  const keys = ((f.agg_order ?? []) as any[]).map((s) => sortKey(s.SortBy, bind));
  let keyExprs = keys.map((k) => k.expr);
  if (!ordered && !hypothetical) {
    // PostgreSQL looks the whole argument list up, finds a plain aggregate or nothing
    input.scalars.resolveAggregate(name, [...direct, ...keyExprs].map(typeOf), false);
    throw new PgError("42809", `${name} is not an ordered-set aggregate, so it cannot have WITHIN GROUP`);
  }
  if (hypothetical) {
    if (direct.length !== keys.length) {
      const types = [...direct, ...keyExprs].map((e) => typeFacts(e.type)?.name ?? String(e.type));
      throw new PgError(SqlState.undefinedFunction, `function ${name}(${types.join(", ")}) does not exist`, {
        hint: `To use the hypothetical-set aggregate ${name}, the number of hypothetical direct arguments (here ${direct.length}) must match the number of ordering columns (here ${keys.length}).`,
      });
    }
    // unify_hypothetical_args: each pair compares as one type
    const common = direct.map((d, i) => input.scalars.commonType([d.type, keyExprs[i].type], "WITHIN GROUP"));
    direct = direct.map((d, i) => castTo(d, common[i], -1, "implicit", ctx));
    keyExprs = keyExprs.map((k, i) => castTo(k, common[i], -1, "implicit", ctx));
  }
  const fn = input.scalars.resolveAggregate(name, [...direct, ...keyExprs].map(typeOf), false);
  // the resolver's result carries the types each argument is coerced to
  const declared = (fn as { args?: TypeOid[] }).args ?? [];
  const bound = [...direct, ...keyExprs].map((e, i) =>
    declared[i] !== undefined ? castTo(e, declared[i], -1, "implicit", ctx) : e,
  );
  const flags: BoundExpr[] = keys.map((k) => ({
    kind: "const",
    value: (k.descending ? withinGroupDescending : 0) | (k.nullsFirst ? withinGroupNullsFirst : 0),
    type: Oid.int4,
    typmod: -1,
  }));
  const filter = f.agg_filter ? castTo(bind(f.agg_filter as Node), boolOid, -1, "implicit", ctx) : null;
  const args = [...bound, ...flags];
  return {
    fn,
    args,
    argTypes: args.map((a) => a.type),
    distinct: false,
    filter,
    type: fn.resolvedReturns,
    withinGroup: {
      direct: direct.length,
      keys: keys.map((k) => ({ descending: k.descending, nullsFirst: k.nullsFirst })),
    },
  };
}

function typeOf(e: BoundExpr): TypeOid {
  return e.type;
}

/**
 * A direct argument. `ARRAY[0.25, 0.5, NULL]` (percentile_cont's array form) becomes an array
 * constant: the binder has no ARRAY constructor, and a list of numeric literals needs none.
 */
function bindDirect(node: Node, bind: (n: Node) => BoundExpr): BoundExpr {
  const array = (node as any).A_ArrayExpr;
  if (!array) return bind(node);
  const elements = (array.elements ?? []) as any[];
  const values: Value[] = [];
  let numeric = false;
  for (const e of elements) {
    const c = e.A_Const;
    if (c?.isnull) values.push(null);
    else if (c?.ival !== undefined) values.push(Number(c.ival.ival ?? 0));
    else if (c?.fval !== undefined) {
      numeric = true;
      values.push(decodeText(String(c.fval.fval), Oid.numeric));
    } else
      throw new PgError(
        SqlState.featureNotSupported,
        "ARRAY constructors other than a list of numbers cannot be evaluated by Weft yet",
      );
  }
  if (elements.length === 0)
    throw new PgError("42P18", "cannot determine type of empty array", {
      hint: "Explicitly cast to the desired type, for example ARRAY[]::integer[].",
    });
  const elem = numeric ? Oid.numeric : Oid.int4;
  return {
    kind: "const",
    value: numeric ? values.map((v) => (v === null ? null : String(v))) : values,
    type: arrayOf(elem),
    typmod: -1,
  };
}
