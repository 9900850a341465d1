import type { Node, SelectStmt } from "@pgsql/types";
import { PgError } from "../common/pg-error.ts";
import { cast, coalesce, intConst, intValue, isNull, isNullConst, opExpr, or } from "./ast-nodes.ts";
import { cannotDecorrelate } from "./subquery-correlation.ts";

/**
 * LIMIT / OFFSET of a correlated LATERAL subquery, which apply per outer row: they become a
 * condition on the row number the rewrite adds (PARTITION BY the correlation keys).
 */

export interface Limit {
  count: Node | null;
  offset: Node | null;
  withTies: boolean;
}

export function limitOf(sub: SelectStmt): Limit | null {
  const count = sub.limitCount && !isNullConst(sub.limitCount) ? (sub.limitCount as Node) : null;
  const offset = sub.limitOffset && !isNullConst(sub.limitOffset) ? (sub.limitOffset as Node) : null;
  if (!count && !offset) return null;
  const withTies = sub.limitOption === "LIMIT_OPTION_WITH_TIES";
  if (withTies && offset)
    throw cannotDecorrelate("FETCH … WITH TIES with OFFSET in a correlated LATERAL subquery");
  for (const [node, what, code] of [
    [count, "LIMIT", "2201W"],
    [offset, "OFFSET", "2201X"],
  ] as const) {
    const n = intValue(node);
    if (n !== null && n < 0) throw new PgError(code, `${what} must not be negative`);
  }
  return { count, offset, withTies };
}

/**
 * `m < rn <= m + n`, constants folded. A LIMIT or OFFSET that is not an integer literal (a
 * parameter, an outer column) is cast to bigint as PostgreSQL does, and NULL means no limit /
 * no offset.
 */
export function limitConditions(rn: Node, limit: Limit): Node[] {
  const out: Node[] = [];
  const offsetValue = limit.offset ? intValue(limit.offset) : 0;
  const countValue = limit.count ? intValue(limit.count) : null;
  const offset: Node | null =
    offsetValue !== null
      ? offsetValue > 0
        ? intConst(offsetValue)
        : null
      : coalesce([cast(limit.offset!, "int8"), intConst(0)]);
  if (offset) out.push(opExpr(">", rn, offset));
  if (!limit.count) return out;
  if (offsetValue !== null && countValue !== null) {
    out.push(opExpr("<=", rn, intConst(offsetValue + countValue)));
    return out;
  }
  const count = countValue !== null ? limit.count : cast(limit.count, "int8");
  const upper = opExpr("<=", rn, offset ? opExpr("+", offset, count) : count);
  out.push(countValue !== null ? upper : or([isNull(limit.count), upper]));
  return out;
}

/** ORDER BY 2 / ORDER BY output_name refer to the select list; in OVER (ORDER BY …) they would not. */
export function resolveSortItem(item: any, targets: any[]): Node {
  const s = item.SortBy;
  const position = intValue(s.node);
  let node = s.node as Node;
  if (position !== null) {
    if (
      targets.slice(0, position).some((t) => t.ResTarget?.val?.ColumnRef?.fields?.some((f: any) => f.A_Star))
    )
      throw cannotDecorrelate("ORDER BY a position after * in a correlated LATERAL subquery with LIMIT");
    node = targets[position - 1].ResTarget.val;
  } else {
    const fields = (s.node as any).ColumnRef?.fields;
    const name = fields?.length === 1 ? fields[0].String?.sval : undefined;
    const named = name === undefined ? undefined : targets.find((t) => t.ResTarget?.name === name);
    if (named) node = named.ResTarget.val;
  }
  return { SortBy: { ...s, node } } as unknown as Node;
}
