import type { Capabilities } from "../spi.ts";

/** SQLite as bundled with better-sqlite3 12 (SQLite 3.4x). */
export const sqliteCapabilities: Capabilities = {
  transactions: true,
  savepoints: true,
  returning: true, // 3.35
  upsert: true, // ON CONFLICT … DO UPDATE, 3.24
  fullOuterJoin: true, // 3.39
  lateral: false,
  windowFunctions: true,
  cte: true,
  recursiveCte: true,
  intersectExcept: true,
  distinctOn: false,
  nullsOrdering: true, // NULLS FIRST/LAST, 3.30
  // no server: a statement is stopped between batches, not while SQLite computes one
  cancel: false,
  maxParams: 32766, // SQLITE_MAX_VARIABLE_NUMBER since 3.32
  bindBatchSize: 500,
  // one process, synchronous calls: concurrency buys nothing
  maxConcurrency: 1,
};
