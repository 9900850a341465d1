/**
 * The order of an inner-join chain (docs/decisions/0005-join-order.md): start
 * from the input expected to return the fewest rows, then repeatedly join the
 * smallest input that an equality condition connects to what is joined so far
 * (an input no condition connects comes last, as a cross product). Small,
 * filtered inputs meet first, and big tables come last, where the planner can
 * reach them with bind joins keyed by the few rows gathered so far.
 */

export interface OrderUnit {
  /** rows expected after the predicates pushed into it */
  estimate: number;
  /** the scans (FROM items) it holds */
  scanIds: ReadonlySet<number>;
}

export interface OrderCondition {
  /** the scans the condition reads */
  scanIds: ReadonlySet<number>;
  /** `a = b` between two inputs: a hash or bind join key */
  equality: boolean;
}

/** Indexes of `units` in join order. Ties keep the order the query wrote. */
export function chooseJoinOrder(
  units: readonly OrderUnit[],
  conditions: readonly OrderCondition[],
): number[] {
  const remaining = units.map((_, i) => i);
  const joined = new Set<number>();
  const order: number[] = [];
  const take = (i: number) => {
    order.push(i);
    remaining.splice(remaining.indexOf(i), 1);
    for (const id of units[i].scanIds) joined.add(id);
  };
  take(smallest(remaining, units));
  while (remaining.length > 0) {
    const connected = remaining.filter((i) =>
      conditions.some(
        (c) =>
          c.equality &&
          [...c.scanIds].some((id) => units[i].scanIds.has(id)) &&
          [...c.scanIds].some((id) => joined.has(id)) &&
          [...c.scanIds].every((id) => joined.has(id) || units[i].scanIds.has(id)),
      ),
    );
    take(smallest(connected.length > 0 ? connected : remaining, units));
  }
  return order;
}

function smallest(candidates: number[], units: readonly OrderUnit[]): number {
  let best = candidates[0];
  for (const i of candidates) if (units[i].estimate < units[best].estimate) best = i;
  return best;
}
