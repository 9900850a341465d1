/** Relationships as the API shows them, and the JSON schemas of what clients send. */
import type { Relationship } from "../catalog/relationships/types.ts";

type Columns = string[] | null;

/** DreamFactory shows a one-column key as a string; several columns stay an array. */
function columns(list: Columns): string | string[] | null {
  if (list === null) return null;
  return list.length === 1 ? list[0]! : list;
}

export function relationshipJson(r: Relationship): Record<string, unknown> {
  return {
    ...r,
    field: columns(r.field),
    ref_field: columns(r.ref_field),
    junction_field: columns(r.junction_field),
    junction_ref_field: columns(r.junction_ref_field),
  };
}

const name = { type: "string", minLength: 1 } as const;
const nameOrNull = { type: ["string", "null"], minLength: 1 } as const;
const columnList = {
  anyOf: [name, { type: "array", items: name, minItems: 1 }],
} as const;
const columnListOrNull = { anyOf: [...columnList.anyOf, { type: "null" }] } as const;

const inputProperties = {
  name,
  alias: nameOrNull,
  label: name,
  description: { type: ["string", "null"] },
  type: { type: "string", enum: ["belongs_to", "has_one", "has_many", "many_many"] },
  field: columnList,
  ref_service: name,
  ref_table: name,
  ref_field: columnList,
  junction_service: nameOrNull,
  junction_table: nameOrNull,
  junction_field: columnListOrNull,
  junction_ref_field: columnListOrNull,
  always_fetch: { type: "boolean" },
  key_comparison: { type: "string", enum: ["exact", "text", "trim", "casefold"] },
} as const;

/** Fields the API returns but a client may not set (ignored when sent back unchanged). */
const readOnlyProperties = {
  service: { type: "string" },
  table: { type: "string" },
  is_virtual: { type: "boolean" },
} as const;

export const relationshipInputSchema = {
  type: "object",
  properties: { ...inputProperties, ...readOnlyProperties },
  required: ["type", "field", "ref_table", "ref_field"],
  additionalProperties: false,
} as const;

export const relationshipPatchSchema = {
  type: "object",
  properties: { ...inputProperties, ...readOnlyProperties },
  additionalProperties: false,
} as const;

/** PATCH …/_related with several: each names the relationship it changes. */
export const relationshipNamedPatchSchema = {
  ...relationshipPatchSchema,
  required: ["name"],
} as const;

/** `{ "resource": [ … ] }`; a single object is wrapped into one before validation. */
export function resourceOf(items: object) {
  return {
    type: "object",
    properties: { resource: { type: "array", items, minItems: 1 } },
    required: ["resource"],
    additionalProperties: false,
  } as const;
}
