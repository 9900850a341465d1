import type { DemoFacts } from "../../support/demo-facts.ts";

/** Where a client check connects and what it must find there (Weft with the demo, or a reference Postgres). */
export interface ClientTarget {
  /** postgresql://user:password@host:port/database */
  url: string;
  facts: DemoFacts;
}

/** Checks are registered before the target exists; they read it when they run. */
export type GetTarget = () => ClientTarget;

/** A getter that fails clearly when the target's before hook did not set it up. */
export function targetGetter(read: () => ClientTarget | undefined, what: string): GetTarget {
  return () => {
    const t = read();
    if (!t) throw new Error(`${what} is not running (its before hook failed)`);
    return t;
  };
}
