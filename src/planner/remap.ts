import type { BoundExpr } from "./bound-expr.ts";

/** Rewrites column indexes through `f` (e.g. full-width → compact layout, or into a join's local row). */
export function mapColumns(expr: BoundExpr, f: (index: number) => number): BoundExpr {
  switch (expr.kind) {
    case "column":
      return { ...expr, index: f(expr.index) };
    case "const":
    case "param":
      return expr;
    case "call":
    case "and":
    case "or":
    case "coalesce":
    case "greatest":
    case "least":
      return { ...expr, args: expr.args.map((a) => mapColumns(a, f)) };
    case "cast":
    case "not":
    case "is-null":
    case "is-bool":
      return { ...expr, arg: mapColumns(expr.arg, f) };
    case "distinct-from":
    case "nullif":
      return { ...expr, left: mapColumns(expr.left, f), right: mapColumns(expr.right, f) };
    case "case":
      return {
        ...expr,
        whens: expr.whens.map((w) => ({
          condition: mapColumns(w.condition, f),
          result: mapColumns(w.result, f),
        })),
        otherwise: expr.otherwise ? mapColumns(expr.otherwise, f) : null,
      };
    case "in-list":
      return { ...expr, arg: mapColumns(expr.arg, f), list: expr.list.map((a) => mapColumns(a, f)) };
    case "any-all":
      return { ...expr, arg: mapColumns(expr.arg, f), array: mapColumns(expr.array, f) };
    case "subquery-value":
    case "apply-value":
      return { ...expr, arg: mapColumns(expr.arg, f) };
  }
}

export function remapColumns(expr: BoundExpr, map: Map<number, number>): BoundExpr {
  return mapColumns(expr, (i) => {
    const to = map.get(i);
    if (to === undefined) throw new Error(`column ${i} is not in the layout`);
    return to;
  });
}

export function shift(expr: BoundExpr, by: number): BoundExpr {
  return by === 0 ? expr : mapColumns(expr, (i) => i + by);
}
