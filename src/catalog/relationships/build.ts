/**
 * RelationshipInput → Relationship: defaults filled in, every name checked against the tables
 * it points at, key types compared. Throws CatalogError("invalid") naming the input field at
 * fault; nothing here writes anything.
 */
import type { SourceTable } from "../../connectors/spi.ts";
import { joinPath } from "./input-schema.ts";
import { type ComparableTypes, incomparablePair, inferKeyComparison } from "./key-comparison.ts";
import { generateLabel, generateName } from "./names.ts";
import { CatalogError, type Relationship, type RelationshipInput } from "./types.ts";

/** What validation may ask about services and tables. */
export interface TableLookup {
  /** "unknown": no such service; "unavailable": configured but not introspected (down) */
  serviceState(service: string): "unknown" | "unavailable" | "ready";
  table(service: string, table: string): SourceTable | undefined;
  /** every configured service */
  services(): string[];
  /** the tables of a ready service, undefined otherwise */
  tables(service: string): readonly SourceTable[] | undefined;
}

export interface BuildContext {
  lookup: TableLookup;
  comparable: ComparableTypes;
}

/** PostgreSQL truncates longer identifiers (NAMEDATALEN - 1), so a longer column name would not round-trip. */
const maxIdentifierBytes = 63;

function list(value: string | string[]): string[] {
  return typeof value === "string" ? [value] : [...value];
}

function invalid(field: string, message: string): CatalogError {
  return new CatalogError("invalid", `${field}: ${message}`, field);
}

export function buildRelationship(
  service: string,
  table: string,
  input: RelationshipInput,
  at: string,
  ctx: BuildContext,
): Relationship {
  const path = (field: string) => joinPath(at, field);
  const own = requireTable(ctx.lookup, service, table, path("table"), path("service"));

  const refService = input.ref_service ?? service;
  const ref = requireTable(ctx.lookup, refService, input.ref_table, path("ref_table"), path("ref_service"));
  const field = list(input.field);
  const refField = list(input.ref_field);
  const ownColumns = columnsOf(own, field, path("field"), `${service}.${table}`);
  const refColumns = columnsOf(ref, refField, path("ref_field"), `${refService}.${input.ref_table}`);

  let junctionService: string | null = null;
  let junctionTable: string | null = null;
  let junctionField: string[] | null = null;
  let junctionRefField: string[] | null = null;
  let pairs: [SourceTable["columns"][number], SourceTable["columns"][number], string][];

  if (input.type === "many_many") {
    for (const name of ["junction_table", "junction_field", "junction_ref_field"] as const) {
      if (input[name] === undefined || input[name] === null) {
        throw invalid(path(name), "is required for a many_many relationship");
      }
    }
    junctionService = input.junction_service ?? service;
    junctionTable = input.junction_table!;
    junctionField = list(input.junction_field!);
    junctionRefField = list(input.junction_ref_field!);
    const junction = requireTable(
      ctx.lookup,
      junctionService,
      junctionTable,
      path("junction_table"),
      path("junction_service"),
    );
    const junctionName = `${junctionService}.${junctionTable}`;
    const jField = columnsOf(junction, junctionField, path("junction_field"), junctionName);
    const jRefField = columnsOf(junction, junctionRefField, path("junction_ref_field"), junctionName);
    sameLength(field, junctionField, path("junction_field"), "field");
    sameLength(refField, junctionRefField, path("junction_ref_field"), "ref_field");
    pairs = [
      ...ownColumns.map((c, i) => [c, jField[i]!, path("junction_field")] as (typeof pairs)[number]),
      ...refColumns.map((c, i) => [c, jRefField[i]!, path("junction_ref_field")] as (typeof pairs)[number]),
    ];
  } else {
    for (const name of [
      "junction_service",
      "junction_table",
      "junction_field",
      "junction_ref_field",
    ] as const) {
      if (input[name] !== undefined && input[name] !== null) {
        throw invalid(path(name), `is only used by many_many relationships (this one is ${input.type})`);
      }
    }
    sameLength(field, refField, path("ref_field"), "field");
    pairs = ownColumns.map((c, i) => [c, refColumns[i]!, path("ref_field")] as (typeof pairs)[number]);
  }

  const typePairs = pairs.map(([a, b]) => [a.type, b.type] as [typeof a.type, typeof b.type]);
  let keyComparison = input.key_comparison;
  if (keyComparison === "exact") {
    const bad = incomparablePair(typePairs, ctx.comparable);
    if (bad !== null) {
      const [a, b] = pairs[bad]!;
      throw invalid(
        path("key_comparison"),
        `exact needs PostgreSQL's = between ${a.type.sql} (${a.name}) and ${b.type.sql} (${b.name}), which does not exist; use text, trim or casefold`,
      );
    }
  }
  keyComparison ??= inferKeyComparison(typePairs, ctx.comparable);

  const parts = {
    service,
    type: input.type,
    field,
    ref_service: refService,
    ref_table: input.ref_table,
    ref_field: refField,
    junction_service: junctionService,
    junction_table: junctionTable,
  };
  const name = input.name ?? generateName(parts);
  const alias = input.alias ?? null;
  checkIdentifier(name, path("name"));
  if (alias !== null) checkIdentifier(alias, path("alias"));
  return {
    service,
    table,
    name,
    alias,
    label: input.label ?? generateLabel(name),
    description: input.description ?? null,
    type: input.type,
    field,
    is_virtual: true,
    ref_service: refService,
    ref_table: input.ref_table,
    ref_field: refField,
    junction_service: junctionService,
    junction_table: junctionTable,
    junction_field: junctionField,
    junction_ref_field: junctionRefField,
    always_fetch: input.always_fetch ?? false,
    key_comparison: keyComparison,
  };
}

function requireTable(
  lookup: TableLookup,
  service: string,
  table: string,
  tableField: string,
  serviceField: string,
): SourceTable {
  const state = lookup.serviceState(service);
  if (state === "unknown") throw invalid(serviceField, `service "${service}" does not exist`);
  if (state === "unavailable") {
    throw invalid(serviceField, `service "${service}" is unavailable, so its tables cannot be checked`);
  }
  const found = lookup.table(service, table);
  if (!found) throw invalid(tableField, `table "${table}" does not exist in service "${service}"`);
  return found;
}

function columnsOf(
  table: SourceTable,
  names: string[],
  field: string,
  tableName: string,
): SourceTable["columns"] {
  const seen = new Set<string>();
  return names.map((name, i) => {
    const at = names.length === 1 ? field : `${field}[${i}]`;
    if (seen.has(name)) throw invalid(at, `column "${name}" is listed twice`);
    seen.add(name);
    const column = table.columns.find((c) => c.name === name);
    if (!column) throw invalid(at, `column "${name}" does not exist in ${tableName}`);
    return column;
  });
}

function sameLength(left: string[], right: string[], field: string, leftName: string): void {
  if (left.length !== right.length) {
    throw invalid(field, `must list as many columns as ${leftName} (${left.length}), not ${right.length}`);
  }
}

function checkIdentifier(value: string, field: string): void {
  if (Buffer.byteLength(value, "utf8") > maxIdentifierBytes) {
    throw invalid(
      field,
      `"${value}" is longer than ${maxIdentifierBytes} bytes (a PostgreSQL column name); set a shorter alias or name`,
    );
  }
}
