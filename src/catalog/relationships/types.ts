/**
 * Virtual relationships: how tables of services relate, declared by users (virtual) or found by
 * introspection (real foreign keys, read-only). The shapes follow DreamFactory's Data Mesh
 * (`/api/v2/{service}/_schema/{table}/_related`), extended with multi-column keys, a junction in
 * a third service and an explicit key comparison.
 */

export type RelationshipType = "belongs_to" | "has_one" | "has_many" | "many_many";

/**
 * How the values of two key columns are matched when their types differ (integer vs text, CHAR
 * padding, case). `exact`: PostgreSQL's `=` after the usual implicit casts (the default when the
 * types are comparable as they are). `text`: both sides as text. `trim`: as text without
 * trailing spaces (CHAR(n) against VARCHAR). `casefold`: as lower-case text. The comparison is
 * symmetric, so the result is the same whichever side is read first.
 */
export type KeyComparison = "exact" | "text" | "trim" | "casefold";

/** A relationship as stored and as returned by the API (DreamFactory's field names). */
export interface Relationship {
  /** the table it belongs to (the path of the API) */
  service: string;
  table: string;
  /**
   * generated: belongs_to `<ref_table>_by_<field>`, has_one/has_many `<ref_table>_by_<ref_field>`,
   * many_many `<ref_table>_by_<junction_table>`; a table of another service is prefixed
   * `<ref_service>.`; several columns are joined by `_` (`orders_by_a_b`).
   */
  name: string;
  /** unique within the table among column names and relationship names/aliases; null when unset */
  alias: string | null;
  /** defaults to a capitalised name (DreamFactory: "Contact By Assigned To") */
  label: string;
  description: string | null;
  type: RelationshipType;
  /** the key column(s) of this table */
  field: string[];
  /** false for foreign keys found by introspection (read-only) */
  is_virtual: boolean;
  ref_service: string;
  ref_table: string;
  ref_field: string[];
  /** many_many only: the junction table and its columns matching `field` and `ref_field` */
  junction_service: string | null;
  junction_table: string | null;
  junction_field: string[] | null;
  junction_ref_field: string[] | null;
  /** part of `SELECT *` and of every API read of the table */
  always_fetch: boolean;
  key_comparison: KeyComparison;
}

/** What a user sends to create one (name, label and key_comparison may be left out). */
export interface RelationshipInput {
  name?: string;
  alias?: string | null;
  label?: string;
  description?: string | null;
  type: RelationshipType;
  /** a column name, or several for a multi-column key */
  field: string | string[];
  ref_service?: string; // default: the table's own service
  ref_table: string;
  ref_field: string | string[];
  junction_service?: string | null; // default: the table's own service
  junction_table?: string | null;
  junction_field?: string | string[] | null;
  junction_ref_field?: string | string[] | null;
  always_fetch?: boolean;
  key_comparison?: KeyComparison;
}

/** A catalog read at one version (the ETag of optimistic writes). */
export interface RelationshipSnapshot {
  version: number;
  relationships: readonly Relationship[];
}

/** Why a catalog write was refused: the API maps these to HTTP statuses. */
export type CatalogErrorKind =
  | "invalid" // 400, `field` names the input field at fault (a JSON path like `resource[0].ref_field`)
  | "not_found" // 404
  | "conflict" // 409: stale version (If-Match), or a name/alias already taken
  | "read_only"; // 403/409: a discovered foreign key or a relationship declared in the config file

export class CatalogError extends Error {
  constructor(
    readonly kind: CatalogErrorKind,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The relationship part of the catalog, as the API, the mirror and the planner use it. */
export interface RelationshipCatalog {
  /** virtual relationships (file/PostgreSQL store and config) and discovered foreign keys */
  snapshot(): RelationshipSnapshot;
  /** every relationship of a table, the discovered ones included */
  forTable(service: string, table: string): Relationship[];
  /**
   * Validates and stores; all or nothing. `ifMatch`: the version the caller read; a different
   * current version is a `conflict` and nothing is written.
   */
  create(
    service: string,
    table: string,
    inputs: RelationshipInput[],
    ifMatch?: number,
  ): Promise<Relationship[]>;
  update(
    service: string,
    table: string,
    name: string,
    patch: Partial<RelationshipInput>,
    ifMatch?: number,
  ): Promise<Relationship>;
  remove(service: string, table: string, names: string[], ifMatch?: number): Promise<Relationship[]>;
  /** called after every applied change (a local write, a reload of a hand-edited file, a NOTIFY) */
  onChange(listener: (snapshot: RelationshipSnapshot) => void): () => void;
}
