/**
 * DreamFactory's naming of relationships: the name says which table is reached and through
 * which key, so two relationships to one table stay apart; a table of another service carries
 * its service as a prefix because table names are only unique within a service.
 */
import type { RelationshipType } from "./types.ts";

export interface NameParts {
  service: string;
  type: RelationshipType;
  field: readonly string[];
  ref_service: string;
  ref_table: string;
  ref_field: readonly string[];
  junction_service: string | null;
  junction_table: string | null;
}

function qualified(service: string, ownService: string, table: string): string {
  return service === ownService ? table : `${service}.${table}`;
}

export function generateName(parts: NameParts): string {
  const target = qualified(parts.ref_service, parts.service, parts.ref_table);
  switch (parts.type) {
    case "belongs_to":
      return `${target}_by_${parts.field.join("_")}`;
    case "has_one":
    case "has_many":
      return `${target}_by_${parts.ref_field.join("_")}`;
    case "many_many":
      return `${target}_by_${qualified(parts.junction_service ?? parts.service, parts.service, parts.junction_table ?? "")}`;
  }
}

/** "crm.contact_by_assigned_to" → "Crm Contact By Assigned To" (DreamFactory capitalises each word). */
export function generateLabel(name: string): string {
  return name
    .split(/[_.\s]+/)
    .filter((word) => word !== "")
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(" ");
}
