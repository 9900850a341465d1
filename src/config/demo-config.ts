import { join, resolve } from "node:path";
import { configDefaults, type WeftConfig } from "./types.ts";

/** Where the demo's SQLite files live under a state dir; ensureDemoData(demoDataDir(stateDir)) builds them. */
export function demoDataDir(stateDir: string): string {
  return join(resolve(stateDir), "demo");
}

/** The demo's admin API key (printed at start; never use it outside the demo). */
export const demoAdminKey = "weft-demo-admin-key";

/**
 * The configuration `weft serve` runs without a config file: the two embedded demo
 * services (hr, crm) as SQLite files under `<stateDir>/demo/`, user weft/weft, admin API key
 * `demoAdminKey`.
 */
export function demoConfig(stateDir: string): WeftConfig {
  const absolute = resolve(stateDir);
  const dataDir = demoDataDir(absolute);
  return {
    listen: { host: configDefaults.host, port: configDefaults.port, httpPort: configDefaults.httpPort },
    stateDir: absolute,
    database: configDefaults.database,
    strictDatabase: false,
    users: [{ name: "weft", password: "weft" }],
    auth: "scram-sha-256",
    tls: null,
    log: { level: configDefaults.logLevel },
    services: [
      { name: "hr", kind: "sqlite", path: join(dataDir, "hr.db") },
      { name: "crm", kind: "sqlite", path: join(dataDir, "crm.db") },
    ],
    // the demo listens on 127.0.0.1 only; a fixed, printed key lets `weft rel` and curl work out of the box
    admin: { keys: [{ name: "demo", key: demoAdminKey, role: "admin" }] },
  };
}
