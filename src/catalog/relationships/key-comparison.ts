/**
 * Which comparison a relationship's keys use. PostgreSQL's `=` is the default whenever it
 * resolves between the two column types; otherwise both sides are compared as text, so a
 * relationship between an integer and a text column still matches "42" with 42.
 */
import type { PgType } from "../../common/pg-types.ts";
import { Oid } from "../../common/pg-types.ts";
import type { KeyComparison } from "./types.ts";

/** True when PostgreSQL's `left = right` resolves (after its implicit casts); injected from the executor. */
export type ComparableTypes = (left: PgType, right: PgType) => boolean;

const stringTypes = new Set<number>([Oid.text, Oid.varchar, Oid.name]);

/**
 * CHAR(n) pads with spaces and its cast to text drops them, but a VARCHAR or TEXT key keeps
 * trailing spaces: only `trim` gives the same answer from both sides.
 */
function paddedAgainstUnpadded(left: PgType, right: PgType): boolean {
  return (
    (left.oid === Oid.bpchar && stringTypes.has(right.oid)) ||
    (right.oid === Oid.bpchar && stringTypes.has(left.oid))
  );
}

export function inferKeyComparison(
  pairs: readonly [PgType, PgType][],
  comparable: ComparableTypes,
): KeyComparison {
  let result: KeyComparison = "exact";
  for (const [left, right] of pairs) {
    if (!comparable(left, right)) return "text";
    if (paddedAgainstUnpadded(left, right)) result = "trim";
  }
  return result;
}

/** The first pair `exact` cannot compare, or null when every pair can. */
export function incomparablePair(
  pairs: readonly [PgType, PgType][],
  comparable: ComparableTypes,
): number | null {
  const index = pairs.findIndex(([left, right]) => !comparable(left, right));
  return index === -1 ? null : index;
}
