/**
 * The bytes one operator holds in the query's budget. Operators grow it as they keep rows
 * and release all of it at once when they finish or are closed.
 */
import type { MemoryBudget } from "../row-source.ts";

export class Reservation {
  private held = 0;

  constructor(
    private readonly budget: MemoryBudget,
    readonly operator: string,
  ) {}

  /** throws 53200 naming the operator when the budget is exceeded */
  grow(bytes: number): void {
    if (bytes <= 0) return;
    this.budget.reserve(bytes, this.operator);
    this.held += bytes;
  }

  shrink(bytes: number): void {
    const n = Math.min(bytes, this.held);
    if (n <= 0) return;
    this.budget.release(n);
    this.held -= n;
  }

  releaseAll(): void {
    if (this.held > 0) this.budget.release(this.held);
    this.held = 0;
  }

  get bytes(): number {
    return this.held;
  }
}
