import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "./config-error.ts";
import type { RawConfig } from "./schema.ts";
import type { AdminConfig, UserConfig, WeftConfig } from "./types.ts";
import { validateCatalogStore, validateRelationships } from "./validate-relationships.ts";
import { validateService } from "./validate-service.ts";

/** Rules that span fields, and paths resolved against the config file's folder. */
export function validateConfig(raw: RawConfig, baseDir: string): WeftConfig {
  const users = validateUsers(raw);
  const tls =
    raw.tls === null
      ? null
      : {
          cert: existingFile(raw.tls.cert, "tls.cert", baseDir),
          key: existingFile(raw.tls.key, "tls.key", baseDir),
        };

  const names = new Map<string, number>();
  const services = raw.services.map((service, i) => {
    const validated = validateService(service, i, baseDir);
    const earlier = names.get(validated.name);
    if (earlier !== undefined) {
      throw new ConfigError(
        `services[${i}].name`,
        `duplicate service name "${validated.name}" (also services[${earlier}])`,
      );
    }
    names.set(validated.name, i);
    return validated;
  });

  return {
    listen: { ...raw.listen },
    stateDir: resolve(baseDir, raw.stateDir),
    database: raw.database,
    strictDatabase: raw.strictDatabase,
    users,
    auth: raw.auth as WeftConfig["auth"],
    tls,
    log: { level: raw.log.level },
    services,
    limits: { queryMemory: raw.limits.queryMemory },
    relationships: validateRelationships(raw.relationships, new Set(names.keys())),
    catalog: validateCatalogStore(raw.catalog),
    admin: validateAdmin(raw),
  };
}

function validateAdmin(raw: RawConfig): AdminConfig {
  const names = new Map<string, number>();
  const keys = new Map<string, number>();
  raw.admin.keys.forEach((k, i) => {
    const sameName = names.get(k.name);
    if (sameName !== undefined) {
      throw new ConfigError(
        `admin.keys[${i}].name`,
        `duplicate key name "${k.name}" (also admin.keys[${sameName}])`,
      );
    }
    const sameKey = keys.get(k.key);
    if (sameKey !== undefined) {
      throw new ConfigError(`admin.keys[${i}].key`, `the same key as admin.keys[${sameKey}]`);
    }
    names.set(k.name, i);
    keys.set(k.key, i);
  });
  return { keys: raw.admin.keys.map((k) => ({ name: k.name, key: k.key, role: k.role })) };
}

function validateUsers(raw: RawConfig): UserConfig[] {
  if (raw.users.length === 0 && raw.auth !== "trust") {
    throw new ConfigError(
      "users",
      `must list at least one user (auth is ${raw.auth}; only trust needs none)`,
    );
  }
  const seen = new Map<string, number>();
  return raw.users.map((user, i) => {
    const earlier = seen.get(user.name);
    if (earlier !== undefined) {
      throw new ConfigError(
        `users[${i}].name`,
        `duplicate user name "${user.name}" (also users[${earlier}])`,
      );
    }
    seen.set(user.name, i);
    if (raw.auth !== "trust" && !user.password) {
      throw new ConfigError(`users[${i}].password`, `is required (auth is ${raw.auth})`);
    }
    return { name: user.name, password: user.password ?? "" };
  });
}

function existingFile(path: string, field: string, baseDir: string): string {
  const absolute = resolve(baseDir, path);
  if (!existsSync(absolute)) throw new ConfigError(field, `file not found: ${absolute}`);
  return absolute;
}
