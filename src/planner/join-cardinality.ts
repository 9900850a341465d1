/**
 * Join cardinality from declared relationships (issue 4 §4): when the equality keys of a join
 * are exactly a belongs_to/has_one relationship's field(s) ↔ ref_field(s), every row of the
 * referencing side matches at most one row of the other, so the join returns at most as many
 * rows as that side (inner join, or an outer join that keeps that side). The estimate of the
 * join then feeds the join order and the bind-join choice of what is joined after it.
 */
import type { Relationship } from "../catalog/relationships/types.ts";
import type { BoundExpr } from "./bound-expr.ts";
import type { PlannerCatalog, Scan } from "./plan-select.ts";

export interface AtMostOne {
  /** the side whose rows each match at most one row of the other */
  referencing: "left" | "right";
  relationship: Relationship;
}

/** A plain column of a table scan, seen through a cast that keeps its values. */
function columnOf(e: BoundExpr, scans: readonly Scan[]): { scan: Scan; column: string } | null {
  const c = e.kind === "cast" ? e.arg : e;
  if (c.kind !== "column") return null;
  const scan = scans.find((s) => c.index >= s.offset && c.index < s.offset + s.table.columns.length);
  if (!scan || scan.derived || scan.lateral || scan.apply) return null;
  return { scan, column: scan.table.columns[c.index - scan.offset].name };
}

/**
 * The relationship that makes the join of `leftKeys[i] = rightKeys[i]` (full-width bound
 * expressions, before any remapping) at most one match per referencing row, or null.
 */
export function atMostOneMatch(
  leftKeys: readonly BoundExpr[],
  rightKeys: readonly BoundExpr[],
  scans: readonly Scan[],
  catalog: PlannerCatalog,
): AtMostOne | null {
  if (leftKeys.length === 0 || !catalog.relationships) return null;
  const left = leftKeys.map((k) => columnOf(k, scans));
  const right = rightKeys.map((k) => columnOf(k, scans));
  if (left.some((x) => x === null) || right.some((x) => x === null)) return null;
  const l = left as { scan: Scan; column: string }[];
  const r = right as { scan: Scan; column: string }[];
  if (l.some((x) => x.scan !== l[0].scan) || r.some((x) => x.scan !== r[0].scan)) return null;
  const pairs = l.map((x, i) => [x.column, r[i].column] as const);
  const found = (from: Scan, to: Scan, keys: readonly (readonly [string, string])[]) =>
    (catalog.relationships?.(from.service, from.table.name) ?? []).find(
      (rel) =>
        (rel.type === "belongs_to" || rel.type === "has_one") &&
        rel.ref_service === to.service &&
        rel.ref_table === to.table.name &&
        sameKeys(rel, keys),
    );
  const fromLeft = found(l[0].scan, r[0].scan, pairs);
  if (fromLeft) return { referencing: "left", relationship: fromLeft };
  const fromRight = found(
    r[0].scan,
    l[0].scan,
    pairs.map(([a, b]) => [b, a] as const),
  );
  return fromRight ? { referencing: "right", relationship: fromRight } : null;
}

/** The join's key pairs are the relationship's field ↔ ref_field pairs, in any order. */
function sameKeys(rel: Relationship, pairs: readonly (readonly [string, string])[]): boolean {
  if (rel.field.length !== rel.ref_field.length) return false;
  const wanted = new Set(rel.field.map((f, i) => `${f}\u0000${rel.ref_field[i]}`));
  const got = new Set(pairs.map(([a, b]) => `${a}\u0000${b}`));
  return wanted.size === got.size && [...wanted].every((k) => got.has(k));
}

/**
 * Rows of a join whose every referencing row matches at most one row: the referencing side's
 * estimate, when the join type keeps no unmatched row of the other side; else `fallback`.
 */
export function cardinalityEstimate(
  joinType: string,
  match: AtMostOne | null,
  leftEstimate: number,
  rightEstimate: number,
  fallback: number,
): number {
  if (!match) return fallback;
  if (joinType === "inner") return Math.max(1, match.referencing === "left" ? leftEstimate : rightEstimate);
  if (joinType === "left" && match.referencing === "left") return Math.max(1, leftEstimate);
  if (joinType === "right" && match.referencing === "right") return Math.max(1, rightEstimate);
  return fallback;
}

/** What EXPLAIN says about it: `relationship "contact_by_contact_id" of my.todo`. */
export function describeAtMostOne(match: AtMostOne): string {
  const r = match.relationship;
  return `relationship "${r.alias ?? r.name}" of ${r.service}.${r.table}`;
}
