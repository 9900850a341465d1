/**
 * Per-query memory accounting (the MemoryBudget contract of row-source.ts). Sizes are
 * estimates of what V8 keeps for the rows an operator holds, close enough to stop a
 * query long before the process runs out of heap.
 */
import { PgError, SqlState } from "../common/pg-error.ts";
import type { Row } from "../common/row.ts";
import type { Value } from "../common/values.ts";
import type { MemoryBudget } from "./row-source.ts";

export function createMemoryBudget(limitBytes: number): MemoryBudget {
  let used = 0;
  let peak = 0;
  return {
    reserve(bytes: number, operator: string): void {
      if (used + bytes > limitBytes) {
        throw new PgError(
          SqlState.outOfMemory,
          `out of memory: ${operator} needs more than the query's memory limit (${formatBytes(limitBytes)})`,
          { detail: `${formatBytes(used)} already in use, ${formatBytes(bytes)} more requested.` },
        );
      }
      used += bytes;
      if (used > peak) peak = used;
    },
    release(bytes: number): void {
      used = Math.max(0, used - bytes);
    },
    get used() {
      return used;
    },
    get peak() {
      return peak;
    },
  };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024 && bytes % (1024 * 1024 * 1024) === 0) return `${bytes / 1024 ** 3} GB`;
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / 1024 ** 2} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} kB`;
  return `${bytes} bytes`;
}

/** Rough heap bytes of one value: V8 object headers plus payload. */
export function estimateValueBytes(v: Value): number {
  if (v === null || typeof v === "boolean") return 8;
  if (typeof v === "number") return 16;
  if (typeof v === "string") return 16 + v.length * 2;
  if (typeof v === "bigint") return 24;
  if (v instanceof Uint8Array) return 96 + v.byteLength;
  if (Array.isArray(v)) {
    let n = 32;
    for (const e of v) n += estimateValueBytes(e);
    return n;
  }
  return 56; // PgInterval
}

/** Rough heap bytes of one row held by an operator. */
export function estimateRowBytes(row: Row): number {
  let n = 32 + row.length * 8;
  for (const v of row) {
    if (v === null || typeof v === "boolean" || typeof v === "number") continue; // held inline-ish
    n += estimateValueBytes(v);
  }
  return n;
}
