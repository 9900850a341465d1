/**
 * The Weft configuration the benchmark hands to bench/run-weft.ts: one PostgreSQL service `pg`.
 */
import type { AuthMethod, WeftConfig } from "../../src/config.ts";

export const BENCH_USER = { name: "bench", password: "bench" };
export const BENCH_DATABASE = "weft";

export function benchWeftConfig(pgUrl: string, stateDir: string, auth: AuthMethod, pool: number): WeftConfig {
  return {
    listen: { host: "127.0.0.1", port: 0, httpPort: 0 },
    stateDir,
    database: BENCH_DATABASE,
    strictDatabase: false,
    users: [BENCH_USER],
    auth,
    tls: null,
    log: { level: "warn" },
    services: [{ name: "pg", kind: "postgres", url: pgUrl, pool, schema: "public" }],
  };
}
