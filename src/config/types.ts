import type { DeclaredRelationship } from "../catalog/relationships/relationship-catalog.ts";
import type { ServiceConfig, ServiceKind } from "../connectors/spi.ts";

/** How clients prove who they are; the wire layer implements each. */
export type AuthMethod = "scram-sha-256" | "md5" | "password" | "trust";

export const authMethods: readonly AuthMethod[] = ["scram-sha-256", "md5", "password", "trust"];

/** Service kinds with a connector in this build; the others of ServiceKind are refused until theirs exist. */
export const supportedServiceKinds: readonly ServiceKind[] = ["postgres", "mysql", "sqlite"];

export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export interface UserConfig {
  name: string;
  password: string;
}

export interface WeftConfig {
  listen: { host: string; port: number; httpPort: number };
  /** absolute: mirror data dir, catalog files */
  stateDir: string;
  /** the database name clients connect to (current_database()) */
  database: string;
  /** true: connecting to another database name fails with 3D000 */
  strictDatabase: boolean;
  users: UserConfig[];
  auth: AuthMethod;
  /** absolute paths */
  tls: { cert: string; key: string } | null;
  /** a pino level */
  log: { level: string };
  /** sqlite paths are absolute */
  services: ServiceConfig[];
  /** relationships the config file declares (read-only at run time); absent means none */
  relationships?: ConfigRelationship[];
  /** where relationships added at run time are kept; absent means the file store */
  catalog?: CatalogStoreConfig;
  /** HTTP admin API keys; absent or empty: every /api/v2 call is refused (401) */
  admin?: AdminConfig;
  /** resource limits; absent means the defaults */
  limits?: LimitsConfig;
}

export type AdminRole = "admin" | "read";

export interface AdminKey {
  /** who holds it, for logs */
  name: string;
  key: string;
  /** read: GET only; admin: every call */
  role: AdminRole;
}

export interface AdminConfig {
  keys: AdminKey[];
}

/** A relationship of the config file: `at` is its path there (`relationships[2]`) for errors. */
export type ConfigRelationship = DeclaredRelationship;

/** file: `<stateDir>/catalog.json`; postgres: one table in a PostgreSQL database, shared by instances */
export type CatalogStoreConfig = { store: "file" } | { store: "postgres"; url: string; table: string };

export interface LimitsConfig {
  /** bytes the operators of one cross-service query may hold (hash tables, sorts, groups) */
  queryMemory: number;
}

export const configDefaults = {
  host: "127.0.0.1",
  port: 5433,
  httpPort: 8433,
  stateDir: "./.weft",
  database: "weft",
  auth: "scram-sha-256" as AuthMethod,
  logLevel: "info",
  queryMemory: 1024 * 1024 * 1024,
} as const;
