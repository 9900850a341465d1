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
  /** resource limits; absent means the defaults */
  limits?: LimitsConfig;
}

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
