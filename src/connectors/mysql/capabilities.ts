import type { Capabilities } from "../spi.ts";

/** What every supported MySQL (5.7+) and MariaDB (10.2+) server runs. */
const base: Capabilities = {
  transactions: true,
  savepoints: true,
  // MariaDB has INSERT/DELETE … RETURNING but not UPDATE … RETURNING; MySQL has none
  returning: false,
  // ON DUPLICATE KEY UPDATE fires on any unique key, not on one conflict target: not ON CONFLICT
  upsert: false,
  fullOuterJoin: false,
  lateral: false,
  windowFunctions: true,
  cte: true,
  recursiveCte: true,
  intersectExcept: false,
  distinctOn: false,
  nullsOrdering: false,
  cancel: true,
  maxParams: 65535,
  bindBatchSize: 1000,
  maxConcurrency: 4,
};

function atLeast(version: number[], wanted: number[]): boolean {
  for (let i = 0; i < wanted.length; i++) {
    const v = version[i] ?? 0;
    if (v !== wanted[i]) return v > wanted[i]!;
  }
  return true;
}

/** Refines the base set once the server version is known (SELECT VERSION()). */
export function mysqlCapabilities(versionText: string | null): Capabilities {
  if (versionText === null) return base;
  const version = (/^(\d+)\.(\d+)\.(\d+)/.exec(versionText) ?? []).slice(1).map(Number);
  const mariadb = /mariadb/i.test(versionText);
  return {
    ...base,
    intersectExcept: mariadb ? atLeast(version, [10, 3]) : atLeast(version, [8, 0, 31]),
    lateral: !mariadb && atLeast(version, [8, 0, 14]),
  };
}
