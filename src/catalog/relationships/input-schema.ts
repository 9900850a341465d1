/**
 * The shape of a RelationshipInput as JSON (an API body, a config entry, a stored file), checked
 * before anything looks at tables, so a wrong type is reported at its own field path.
 */
import { z } from "zod";
import { CatalogError, type RelationshipInput } from "./types.ts";

export const relationshipTypes = ["belongs_to", "has_one", "has_many", "many_many"] as const;
export const keyComparisons = ["exact", "text", "trim", "casefold"] as const;

const identifier = z.string().trim().min(1, "must not be empty");
const columns = z.union([identifier, z.array(identifier).min(1, "must name at least one column")], {
  error: (issue) =>
    issue.input === undefined ? "is required" : "must be a column name or a list of column names",
});

export const relationshipInputShape = {
  name: identifier.optional(),
  alias: identifier.nullable().optional(),
  label: identifier.optional(),
  description: z.string().nullable().optional(),
  type: z.enum(relationshipTypes),
  field: columns,
  ref_service: identifier.optional(),
  ref_table: identifier,
  ref_field: columns,
  junction_service: identifier.nullable().optional(),
  junction_table: identifier.nullable().optional(),
  junction_field: columns.nullable().optional(),
  junction_ref_field: columns.nullable().optional(),
  always_fetch: z.boolean().optional(),
  key_comparison: z.enum(keyComparisons).optional(),
};

/**
 * Fields a stored or returned Relationship carries that an input does not; accepted and ignored
 * so a GET body can be sent back as it is (DreamFactory clients do that).
 */
const echoedFields = {
  service: z.unknown().optional(),
  table: z.unknown().optional(),
  is_virtual: z.unknown().optional(),
};

const inputSchema = z.strictObject({ ...relationshipInputShape, ...echoedFields });
const patchSchema = inputSchema.partial();

/** `at` prefixes every field path ("resource[0]" → "resource[0].ref_field"). */
export function parseRelationshipInput(value: unknown, at: string): RelationshipInput {
  const result = inputSchema.safeParse(value);
  if (!result.success) throw fromIssue(result.error.issues[0]!, at, value);
  const { service: _s, table: _t, is_virtual: _v, ...input } = result.data;
  return input;
}

export function parseRelationshipPatch(value: unknown, at: string): Partial<RelationshipInput> {
  const result = patchSchema.safeParse(value);
  if (!result.success) throw fromIssue(result.error.issues[0]!, at, value);
  const { service: _s, table: _t, is_virtual: _v, ...patch } = result.data;
  return patch;
}

export function joinPath(at: string, field: string | number): string {
  if (typeof field === "number") return `${at}[${field}]`;
  return at === "" ? field : `${at}.${field}`;
}

function fromIssue(issue: z.core.$ZodIssue, at: string, value: unknown): CatalogError {
  let path = at;
  const parts = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0] ?? ""] : issue.path;
  for (const part of parts) path = joinPath(path, typeof part === "number" ? part : String(part));
  const field = path === "" ? "(body)" : path;
  switch (issue.code) {
    case "unrecognized_keys":
      return new CatalogError("invalid", `${field}: unknown field`, field);
    case "invalid_value":
      return new CatalogError(
        "invalid",
        `${field}: must be one of ${issue.values.map(String).join(", ")}`,
        field,
      );
    case "invalid_type":
      if (valueAt(value, issue.path) === undefined)
        return new CatalogError("invalid", `${field}: is required`, field);
      return new CatalogError("invalid", `${field}: must be ${describeExpected(issue.expected)}`, field);
    default:
      return new CatalogError("invalid", `${field}: ${issue.message}`, field);
  }
}

function describeExpected(expected: string): string {
  if (expected === "object") return "an object";
  if (expected === "array") return "a list";
  if (expected === "boolean") return "true or false";
  return `a ${expected}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const part of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}
