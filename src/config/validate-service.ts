import { isAbsolute, resolve } from "node:path";
import type { ServiceConfig, ServiceKind } from "../connectors/spi.ts";
import { ConfigError } from "./config-error.ts";
import type { RawService } from "./schema.ts";
import { supportedServiceKinds } from "./types.ts";

const identifier = /^[a-z_][a-z0-9_]*$/;
const reservedSchemas = new Set(["pg_catalog", "information_schema", "public"]);
const knownKinds: readonly ServiceKind[] = ["postgres", "mysql", "sqlite", "db2", "mongodb"];

const urlSchemes: Partial<Record<ServiceKind, readonly string[]>> = {
  postgres: ["postgres:", "postgresql:"],
  mysql: ["mysql:", "mariadb:"],
};

/** Checks one service's fields against its kind; returns it with a sqlite path made absolute. */
export function validateService(raw: RawService, index: number, baseDir: string): ServiceConfig {
  const at = (field: string) => `services[${index}].${field}`;

  checkServiceName(raw.name, at("name"));
  const kind = checkKind(raw.kind, at("kind"));

  const service: ServiceConfig = { name: raw.name, kind };
  if (raw.pool !== undefined) service.pool = raw.pool;
  if (raw.readOnly !== undefined) service.readOnly = raw.readOnly;

  if (kind === "sqlite") {
    if (raw.url !== undefined) throw new ConfigError(at("url"), "not used by sqlite services (use path)");
    if (raw.schema !== undefined) throw new ConfigError(at("schema"), "only postgres services take a schema");
    if (raw.path === undefined) throw new ConfigError(at("path"), "is required for a sqlite service");
    service.path = raw.path === ":memory:" || isAbsolute(raw.path) ? raw.path : resolve(baseDir, raw.path);
    return service;
  }

  if (raw.path !== undefined) throw new ConfigError(at("path"), `not used by ${kind} services (use url)`);
  if (raw.url === undefined) throw new ConfigError(at("url"), `is required for a ${kind} service`);
  service.url = checkUrl(raw.url, kind, at("url"));
  if (raw.schema !== undefined) {
    if (kind !== "postgres") throw new ConfigError(at("schema"), "only postgres services take a schema");
    service.schema = raw.schema;
  }
  return service;
}

function checkServiceName(name: string, field: string): void {
  if (!identifier.test(name) || name.length > 63) {
    throw new ConfigError(
      field,
      `"${name}" must be a lowercase identifier (a-z, 0-9 and _, not starting with a digit, at most 63 characters): it becomes a schema name`,
    );
  }
  if (reservedSchemas.has(name) || name.startsWith("pg_")) {
    throw new ConfigError(
      field,
      `"${name}" is reserved by Postgres (pg_catalog, information_schema, public, pg_*)`,
    );
  }
}

function checkKind(kind: string, field: string): ServiceKind {
  if ((supportedServiceKinds as readonly string[]).includes(kind)) return kind as ServiceKind;
  const supported = supportedServiceKinds.join(", ");
  if ((knownKinds as readonly string[]).includes(kind)) {
    throw new ConfigError(
      field,
      `${kind} is not supported yet (no ${kind} connector in this build); use ${supported}`,
    );
  }
  throw new ConfigError(field, `must be one of ${supported}`);
}

function checkUrl(text: string, kind: ServiceKind, field: string): string {
  const schemes = urlSchemes[kind] ?? [];
  const expected = `must be a ${schemes.map((s) => `${s}//`).join(" or ")} URL`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(field, expected);
  }
  if (!schemes.includes(url.protocol)) throw new ConfigError(field, expected);
  if (!url.hostname) throw new ConfigError(field, `${expected} with a host`);
  if (kind === "mysql" && url.pathname.replace(/^\//, "") === "") {
    throw new ConfigError(field, "must name a database (mysql://user@host:3306/<database>)");
  }
  return text;
}
