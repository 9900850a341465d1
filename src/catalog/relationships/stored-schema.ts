/**
 * The catalog document as stored (`{ "version": n, "relationships": [...] }`): read back from a
 * file a person may have edited, or from another instance's row, so every field is checked.
 */
import { z } from "zod";
import { keyComparisons, relationshipTypes } from "./input-schema.ts";
import type { StoredCatalog } from "./store.ts";
import type { Relationship, RelationshipInput } from "./types.ts";

const name = z.string().min(1);
const names = z.array(name).min(1);

const storedRelationship = z.strictObject({
  service: name,
  table: name,
  name,
  alias: name.nullable().default(null),
  label: z.string(),
  description: z.string().nullable().default(null),
  type: z.enum(relationshipTypes),
  field: names,
  is_virtual: z.boolean().default(true),
  ref_service: name,
  ref_table: name,
  ref_field: names,
  junction_service: name.nullable().default(null),
  junction_table: name.nullable().default(null),
  junction_field: names.nullable().default(null),
  junction_ref_field: names.nullable().default(null),
  always_fetch: z.boolean().default(false),
  key_comparison: z.enum(keyComparisons).default("exact"),
});

const storedCatalog = z.strictObject({
  version: z.number().int().min(0),
  relationships: z.array(storedRelationship),
});

/** Throws an Error naming the first field at fault (`relationships[2].ref_field`). */
export function parseStoredCatalog(value: unknown): StoredCatalog {
  const result = storedCatalog.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  throw new Error(`${path.replace(/^\./, "") || "(document)"}: ${issue.message}`);
}

/** The input that builds `rel` again (to re-check it against the tables as they are now). */
export function inputOf(rel: Relationship): RelationshipInput {
  return {
    name: rel.name,
    alias: rel.alias,
    label: rel.label,
    description: rel.description,
    type: rel.type,
    field: rel.field,
    ref_service: rel.ref_service,
    ref_table: rel.ref_table,
    ref_field: rel.ref_field,
    junction_service: rel.junction_service,
    junction_table: rel.junction_table,
    junction_field: rel.junction_field,
    junction_ref_field: rel.junction_ref_field,
    always_fetch: rel.always_fetch,
    key_comparison: rel.key_comparison,
  };
}
