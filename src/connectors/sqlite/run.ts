/**
 * Runs one statement on one SQLite connection. Rows come from stmt.iterate() a batch at a time;
 * between batches the event loop runs, so an abort is seen and other work proceeds.
 */
import type { Statement } from "better-sqlite3";
import type { TypeOid } from "../../common/pg-types.ts";
import type { RowBatch } from "../../common/row.ts";
import { queryCanceled } from "../shared/source-errors.ts";
import type { NativeResult, RunOptions } from "../spi.ts";
import { mapSqliteError } from "./errors.ts";
import { mapSqliteType } from "./type-map.ts";
import { coerceSqliteValue } from "./values.ts";

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs a statement without rows at once. */
export function runWrite(
  stmt: Statement,
  params: unknown[],
  service: string,
  release: () => void,
): NativeResult {
  let changes: number;
  try {
    changes = stmt.run(...params).changes;
  } catch (err) {
    throw mapSqliteError(err, service);
  } finally {
    release();
  }
  return {
    columns: [],
    batches: { async *[Symbol.asyncIterator]() {} },
    affectedRows: () => changes,
    close: async () => {},
  };
}

export function runRows(
  stmt: Statement,
  params: unknown[],
  options: RunOptions,
  service: string,
  release: () => void,
): NativeResult {
  const batchSize = options.batchSize ?? 1000;
  const signal = options.signal;
  const declared = stmt.columns();
  const oids: (TypeOid | null)[] = declared.map(
    (c, i) => options.resultTypes?.[i]?.oid ?? (c.type ? mapSqliteType(c.type).oid : null),
  );
  const typmods = declared.map((_c, i) => options.resultTypes?.[i]?.typmod ?? -1);
  const writes = !stmt.readonly;
  let iterator: IterableIterator<unknown[]>;
  try {
    iterator = stmt
      .raw(true)
      .safeIntegers(true)
      .iterate(...params) as IterableIterator<unknown[]>;
  } catch (err) {
    release();
    throw mapSqliteError(err, service);
  }
  let done = false;
  let count = 0;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    try {
      // frees the statement so the connection can run the next one
      iterator.return?.();
    } finally {
      release();
    }
  };

  async function* iterate(): AsyncGenerator<RowBatch> {
    try {
      let first = true;
      while (!done && !finished) {
        if (!first) await yieldToEventLoop();
        first = false;
        if (signal?.aborted) throw queryCanceled();
        if (finished) return;
        const batch: RowBatch = [];
        try {
          while (batch.length < batchSize) {
            const next = iterator.next();
            if (next.done) {
              done = true;
              break;
            }
            batch.push(next.value.map((raw, i) => coerceSqliteValue(raw, oids[i]!, typmods[i]!)));
          }
        } catch (err) {
          throw mapSqliteError(err, service);
        }
        count += batch.length;
        if (batch.length > 0) yield batch;
      }
    } finally {
      finish();
    }
  }

  return {
    columns: declared.map((c) => c.name),
    batches: { [Symbol.asyncIterator]: iterate },
    // INSERT/UPDATE/DELETE … RETURNING returns one row per affected row
    affectedRows: () => (writes && done ? count : null),
    close: async () => finish(),
  };
}
