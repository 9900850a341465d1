import type { Node } from "@pgsql/types";
import { andAll, columnRef, intConst, isNull } from "./ast-nodes.ts";

/**
 * The probes a bind NOT IN sends to the subquery's service besides its key batches: does
 * the subquery hold a row whose key is NULL (`… AND key IS NULL LIMIT 1`), and does it hold
 * any row at all (`… LIMIT 1`). NOT IN needs both answers and no key set gives them.
 */
export function withNullKeyProbe(fragment: Node, alias: string, column: string): Node {
  const select = (fragment as any).SelectStmt;
  const nullKey = isNull(columnRef([alias, column]));
  const where = select.whereClause ? andAll([select.whereClause, nullKey]) : nullKey;
  return withLimitOne({ SelectStmt: { ...select, whereClause: where } } as unknown as Node);
}

/** The fragment reading one row at most (it must have no LIMIT of its own). */
export function withLimitOne(fragment: Node): Node {
  const select = (fragment as any).SelectStmt;
  return {
    SelectStmt: {
      ...select,
      sortClause: undefined,
      limitCount: intConst(1),
      limitOption: "LIMIT_OPTION_COUNT",
    },
  } as unknown as Node;
}
