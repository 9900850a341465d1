/** A RowSource over rows already in memory (VALUES lists, constants, tests). */
import type { Row } from "../../common/row.ts";
import type { RowSource } from "../row-source.ts";
import { DEFAULT_BATCH_SIZE } from "./env.ts";

export function values(rows: readonly Row[], batchSize = DEFAULT_BATCH_SIZE): RowSource {
  let pos = 0;
  let closed = false;
  return {
    async next() {
      if (closed || pos >= rows.length) return null;
      const batch = rows.slice(pos, pos + batchSize);
      pos += batch.length;
      return batch;
    },
    async close() {
      closed = true;
    },
  };
}

/** A source that yields nothing. */
export function emptySource(): RowSource {
  return values([]);
}
