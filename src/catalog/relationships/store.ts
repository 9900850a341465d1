/**
 * Where virtual relationships are kept (a file in stateDir, or a PostgreSQL table shared by
 * several instances). A store only keeps versions; what a relationship may say is checked by
 * the catalog before it hands the store a new list.
 */
import type { Relationship } from "./types.ts";

export interface StoredCatalog {
  version: number;
  relationships: Relationship[];
}

/** What a write computes from the current catalog; throwing from it writes nothing. */
export type CatalogChange<T> = (current: StoredCatalog) => { relationships: Relationship[]; result: T };

export type CatalogListener = (catalog: StoredCatalog, origin: "hand-edit" | "peer") => boolean;

export interface RelationshipStore {
  /** a short description for logs: "file /var/weft/catalog.json" */
  readonly describe: string;
  load(): Promise<StoredCatalog>;
  /**
   * Reads the current catalog under the store's write lock, refuses a stale `ifMatch`
   * (CatalogError "conflict"), writes what `change` returns as the next version.
   */
  update<T>(
    ifMatch: number | undefined,
    change: CatalogChange<T>,
  ): Promise<{ stored: StoredCatalog; result: T }>;
  /**
   * Starts reporting catalogs written by someone else: `hand-edit` (a person edited the file;
   * checked before it is applied) or `peer` (another Weft instance, which checked it). The
   * listener returns false when it refused the catalog: the store then keeps the previous one as
   * the base of the next write.
   */
  watch(listener: CatalogListener): void;
  close(): Promise<void>;
}
