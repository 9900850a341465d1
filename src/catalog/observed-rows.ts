/**
 * Row counts observed when remote fragments ran to the end, so the planner's next estimate for
 * the same fragment is a measurement instead of a guess from table statistics. The key is the
 * fragment's shape with its parameter slots, not their values: `dept_no = $1` observed for one
 * department stands for the others, which is what a dashboard's repeated query needs.
 * Bounded: the least recently used entries go first.
 */
export class ObservedRows {
  readonly #entries = new Map<string, number>();

  constructor(readonly capacity = 10_000) {}

  get(service: string, fragment: unknown): number | undefined {
    const key = keyOf(service, fragment);
    const rows = this.#entries.get(key);
    if (rows === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, rows);
    return rows;
  }

  record(service: string, fragment: unknown, rows: number): void {
    const key = keyOf(service, fragment);
    this.#entries.delete(key);
    this.#entries.set(key, rows);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /** after a schema refresh the service's tables may be other tables */
  forget(service: string): void {
    const prefix = `${service}\u0000`;
    for (const key of [...this.#entries.keys()]) if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}

function keyOf(service: string, fragment: unknown): string {
  return `${service}\u0000${JSON.stringify(fragment, (k, v) =>
    k === "location" ? undefined : typeof v === "bigint" ? `${v}n` : v,
  )}`;
}
