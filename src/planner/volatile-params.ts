import type { PlanInput } from "./plan-select.ts";

/**
 * The parameters of a statement that take another value for each evaluation of an apply's
 * subquery (PlanInput.volatileParams). Whatever reads one is evaluated in memory: offered to a
 * service, it would make the remote scan differ from one outer row to the next.
 */

/** The reason EXPLAIN gives for a predicate kept in memory because it reads such a parameter. */
export const volatileReason =
  "reads a column of the outer query (correlated subquery): evaluated in memory, so the scan runs once for all outer rows";

/** Whether an AST reads a volatile parameter. */
export function readsVolatile(node: unknown, input: PlanInput): boolean {
  const volatile = input.volatileParams;
  if (!volatile || volatile.size === 0) return false;
  let found = false;
  const walk = (n: unknown): void => {
    if (found || n === null || typeof n !== "object") return;
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    const ref = (n as any).ParamRef;
    if (ref && volatile.has(Number(ref.number ?? 0) - 1)) {
      found = true;
      return;
    }
    for (const v of Object.values(n)) walk(v);
  };
  walk(node);
  return found;
}

/** Whether a plan is being made for an apply's subquery (its scans must not depend on the outer row). */
export function inSubplan(input: PlanInput): boolean {
  return input.volatileParams !== undefined;
}
