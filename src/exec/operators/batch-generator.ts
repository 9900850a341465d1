/**
 * Turns an async generator of row batches into a RowSource. Operators with per-row fan-out
 * (joins, windows …) are easiest to write as generators that push rows into a batch and
 * yield it when full; this wrapper drops empty batches and runs `cleanup` (release memory,
 * close inputs) exactly once: at exhaustion, on error, or when the consumer closes early.
 */
import type { Row, RowBatch } from "../../common/row.ts";
import type { RowSource } from "../row-source.ts";

export type BatchGenerator = AsyncGenerator<RowBatch, void, undefined>;

export function fromBatchGenerator(make: () => BatchGenerator, cleanup: () => Promise<void>): RowSource {
  let gen: BatchGenerator | null = null;
  let finished = false;
  const finish = async () => {
    if (finished) return;
    finished = true;
    await cleanup();
  };
  return {
    async next() {
      if (finished) return null;
      gen ??= make();
      try {
        for (;;) {
          const r = await gen.next();
          if (r.done) {
            await finish();
            return null;
          }
          if (r.value.length > 0) return r.value;
        }
      } catch (err) {
        await finish().catch(() => {});
        throw err;
      }
    },
    async close() {
      if (gen && !finished) {
        const g = gen;
        await finish();
        await g.return(undefined).catch(() => {});
        return;
      }
      await finish();
    },
  };
}

/** Collects rows and hands out full batches. */
export class BatchBuilder {
  private rows: Row[] = [];
  constructor(private readonly size: number) {}

  push(row: Row): void {
    this.rows.push(row);
  }

  get full(): boolean {
    return this.rows.length >= this.size;
  }

  get length(): number {
    return this.rows.length;
  }

  take(): RowBatch {
    const out = this.rows;
    this.rows = [];
    return out;
  }
}

/** Pulls every row of a source, calling `each` per row (the source is exhausted, not closed). */
export async function forEachRow(input: RowSource, each: (row: Row) => void): Promise<void> {
  for (;;) {
    const batch = await input.next();
    if (batch === null) return;
    for (const row of batch) each(row);
  }
}

/** Closes several sources, all of them even if one fails; rethrows the first failure. */
export async function closeAll(...sources: RowSource[]): Promise<void> {
  let first: unknown;
  for (const s of sources) {
    try {
      await s.close();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}
