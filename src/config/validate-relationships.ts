import type { RelationshipInput } from "../catalog/relationships/types.ts";
import { ConfigError } from "./config-error.ts";
import type { RawCatalogStore, RawConfigRelationship } from "./relationships-schema.ts";
import type { CatalogStoreConfig, ConfigRelationship } from "./types.ts";

/** schema.table or table, as PostgreSQL identifiers that need no quoting */
const tableName = /^([a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*$/;

export const defaultCatalogTable = "weft_catalog";

/**
 * Services are checked here; tables and columns only exist once the services are introspected,
 * so the catalog checks those at start-up and reports them under the same field paths.
 */
export function validateRelationships(
  raw: readonly RawConfigRelationship[],
  services: ReadonlySet<string>,
): ConfigRelationship[] {
  return raw.map((entry, i) => {
    const at = (field: string) => `relationships[${i}].${field}`;
    const { service, table, ...input } = entry;
    for (const [field, name] of [
      ["service", service],
      ["ref_service", input.ref_service],
      ["junction_service", input.junction_service],
    ] as const) {
      if (name !== undefined && name !== null && !services.has(name)) {
        throw new ConfigError(at(field), `no service named "${name}" in services`);
      }
    }
    return { service, table, input: input as RelationshipInput, at: `relationships[${i}]` };
  });
}

export function validateCatalogStore(raw: RawCatalogStore): CatalogStoreConfig {
  if (raw.store === "file") {
    if (raw.url !== undefined) throw new ConfigError("catalog.url", "only the postgres store takes a url");
    if (raw.table !== undefined)
      throw new ConfigError("catalog.table", "only the postgres store takes a table");
    return { store: "file" };
  }
  if (raw.url === undefined) throw new ConfigError("catalog.url", "is required for the postgres store");
  let url: URL;
  try {
    url = new URL(raw.url);
  } catch {
    throw new ConfigError("catalog.url", "must be a postgres:// or postgresql:// URL");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ConfigError("catalog.url", "must be a postgres:// or postgresql:// URL");
  }
  const table = raw.table ?? defaultCatalogTable;
  if (!tableName.test(table) || table.length > 127) {
    throw new ConfigError(
      "catalog.table",
      `"${table}" must be a lowercase table name, optionally schema-qualified (weft_catalog, weft.catalog)`,
    );
  }
  return { store: "postgres", url: raw.url, table };
}
