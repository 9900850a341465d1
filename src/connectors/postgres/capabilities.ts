import type { Capabilities } from "../spi.ts";

export const postgresCapabilities: Capabilities = {
  transactions: true,
  savepoints: true,
  returning: true,
  upsert: true,
  fullOuterJoin: true,
  lateral: true,
  windowFunctions: true,
  cte: true,
  recursiveCte: true,
  intersectExcept: true,
  distinctOn: true,
  nullsOrdering: true,
  cancel: true,
  // the protocol's Bind message counts parameters in an int16
  maxParams: 65535,
  bindBatchSize: 1000,
  maxConcurrency: 4,
};
