/**
 * A relationship is addressed by its name (API paths, FK constraint names) and read as a column
 * named by its alias or name, so within one table neither may collide with a column or with
 * another relationship.
 */
import type { SourceTable } from "../../connectors/spi.ts";
import { joinPath } from "./input-schema.ts";
import { CatalogError, type Relationship } from "./types.ts";

/** The column a relationship adds to its table in SQL. */
export function columnName(rel: Pick<Relationship, "name" | "alias">): string {
  return rel.alias ?? rel.name;
}

/**
 * `others`: the table's relationships already in the catalog (a taken name is a conflict);
 * `batch`: those created earlier in the same request (a repeat is invalid input).
 */
export function checkUnique(
  rel: Relationship,
  at: string,
  table: SourceTable | undefined,
  others: readonly Relationship[],
  batch: readonly Relationship[],
): void {
  const checks: [string, string][] = [[joinPath(at, "name"), rel.name]];
  if (rel.alias !== null) checks.push([joinPath(at, "alias"), rel.alias]);
  for (const [field, value] of checks) {
    if (rel.alias === null || field.endsWith("alias")) {
      const column = table?.columns.find((c) => c.name === value);
      if (column) {
        throw new CatalogError(
          "invalid",
          `${field}: "${value}" is a column of ${rel.service}.${rel.table}; set an alias`,
          field,
        );
      }
    }
    const inBatch = batch.find((r) => r.name === value || r.alias === value);
    if (inBatch) {
      throw new CatalogError("invalid", `${field}: "${value}" is used twice in this request`, field);
    }
    const taken = others.find((r) => r.name === value || r.alias === value);
    if (taken) {
      const what = taken.name === value ? "name" : "alias";
      throw new CatalogError(
        "conflict",
        `${field}: "${value}" is already the ${what} of relationship "${taken.name}" of ${rel.service}.${rel.table}`,
        field,
      );
    }
  }
}
