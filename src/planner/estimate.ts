import type { Node } from "@pgsql/types";
import type { Value } from "../common/values.ts";
import type { SourceTable } from "../connectors/spi.ts";

/**
 * Rows a scan of `table` returns after its pushed predicates: an equality on a primary or
 * unique key finds at most one, another equality keeps a tenth, a range a third.
 */
export function estimateRows(
  table: SourceTable,
  accepted: readonly Node[],
  params: readonly Value[] = [],
): number {
  let rows = Math.max(table.rowEstimate, 1);
  const keys = [table.primaryKey, ...table.uniqueKeys].filter((k) => k !== null && k.columns.length === 1);
  for (const c of accepted) {
    const e = (c as any).A_Expr;
    const op = e?.name?.[0]?.String?.sval;
    const ref = e?.lexpr?.ColumnRef ?? e?.rexpr?.ColumnRef;
    const column = ref?.fields?.[ref.fields.length - 1]?.String?.sval;
    const isKey = column !== undefined && keys.some((k) => k?.columns[0] === column);
    if (e?.kind === "AEXPR_OP" && op === "=" && isKey) return 1;
    // a range of a unique integer key holds at most as many rows as it has values
    const span = e?.kind === "AEXPR_BETWEEN" && isKey ? integerSpan(e.rexpr, params) : null;
    if (span !== null) {
      rows = Math.min(rows, span);
      continue;
    }
    rows /= e?.kind === "AEXPR_OP" && op === "=" ? 10 : e?.kind === "AEXPR_IN" ? 5 : 3;
  }
  return Math.max(1, Math.round(rows));
}

/** `lo AND hi` of a BETWEEN over integer constants or parameters: how many integers it spans. */
function integerSpan(bounds: any, params: readonly Value[]): number | null {
  const list = bounds?.List?.items ?? bounds;
  if (!Array.isArray(list) || list.length !== 2) return null;
  const [lo, hi] = list.map((b: any): number | null => {
    if (b?.A_Const?.ival) return Number(b.A_Const.ival.ival ?? 0);
    const v = b?.ParamRef ? params[b.ParamRef.number - 1] : undefined;
    return typeof v === "number" && Number.isInteger(v) ? v : typeof v === "bigint" ? Number(v) : null;
  });
  if (lo === null || hi === null) return null;
  return Math.max(1, hi - lo + 1);
}
