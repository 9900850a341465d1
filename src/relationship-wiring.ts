/**
 * The composition root's part for relationships: which store the config asks for, the config's
 * declared relationships, and PostgreSQL's `=` from the executor's operator catalog (the catalog
 * module itself may not import the executor).
 */
import { join } from "node:path";
import type { CatalogRelationshipOptions } from "./catalog/catalog.ts";
import { catalogFileName, FileRelationshipStore } from "./catalog/relationships/file-store.ts";
import type { ComparableTypes } from "./catalog/relationships/key-comparison.ts";
import { PgRelationshipStore } from "./catalog/relationships/pg-store.ts";
import type { RelationshipLogger } from "./catalog/relationships/relationship-catalog.ts";
import type { RelationshipStore } from "./catalog/relationships/store.ts";
import { Oid } from "./common/pg-types.ts";
import type { WeftConfig } from "./config.ts";
import { openCatalogDatabase } from "./connectors/postgres/catalog-database.ts";
import { resolveOperator } from "./exec/scalar/index.ts";

export const postgresEquality: ComparableTypes = (left, right) => {
  try {
    return resolveOperator("=", left.oid, right.oid).returns === Oid.bool;
  } catch {
    return false;
  }
};

export function relationshipStore(config: WeftConfig, logger: RelationshipLogger): RelationshipStore {
  const catalog = config.catalog ?? { store: "file" };
  if (catalog.store === "postgres") {
    return new PgRelationshipStore(openCatalogDatabase(catalog.url, logger), catalog.table, logger);
  }
  return new FileRelationshipStore(join(config.stateDir, catalogFileName), logger);
}

export function relationshipOptions(
  config: WeftConfig,
  logger: RelationshipLogger,
): CatalogRelationshipOptions {
  return {
    store: relationshipStore(config, logger),
    declared: config.relationships ?? [],
    comparable: postgresEquality,
  };
}
