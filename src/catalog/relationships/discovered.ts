/**
 * Foreign keys found by introspection, listed like DreamFactory does: a belongs_to on the
 * referencing table and a has_many on the referenced one, `is_virtual: false`, read-only.
 */
import type { SourceTable } from "../../connectors/spi.ts";
import { generateLabel, generateName } from "./names.ts";
import type { Relationship, RelationshipType } from "./types.ts";

/**
 * `taken(table)`: names and aliases the table's virtual relationships already use. A generated
 * name that is taken (a self-reference gives its belongs_to and has_many the same name, a
 * column may be called like one) gets a numeric suffix so every name stays unique.
 */
export function discoverRelationships(
  service: string,
  tables: readonly SourceTable[],
  taken: (table: string) => Iterable<string>,
): Relationship[] {
  const byTable = new Map(tables.map((t) => [t.name, t]));
  const used = new Map<string, Set<string>>();
  const usedIn = (table: string): Set<string> => {
    let set = used.get(table);
    if (!set) {
      set = new Set([...taken(table), ...(byTable.get(table)?.columns.map((c) => c.name) ?? [])]);
      used.set(table, set);
    }
    return set;
  };
  const out: Relationship[] = [];
  const add = (
    table: string,
    type: RelationshipType,
    field: string[],
    refTable: string,
    refField: string[],
  ): void => {
    const base = generateName({
      service,
      type,
      field,
      ref_service: service,
      ref_table: refTable,
      ref_field: refField,
      junction_service: null,
      junction_table: null,
    });
    const names = usedIn(table);
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base}_${n}`;
    names.add(name);
    out.push({
      service,
      table,
      name,
      alias: null,
      label: generateLabel(name),
      description: null,
      type,
      field,
      is_virtual: false,
      ref_service: service,
      ref_table: refTable,
      ref_field: refField,
      junction_service: null,
      junction_table: null,
      junction_field: null,
      junction_ref_field: null,
      always_fetch: false,
      key_comparison: "exact",
    });
  };
  for (const table of tables) {
    for (const fk of table.foreignKeys) {
      // a key to a table introspection did not list (another schema) cannot be read through Weft
      if (!byTable.has(fk.refTable)) continue;
      add(table.name, "belongs_to", [...fk.columns], fk.refTable, [...fk.refColumns]);
      add(fk.refTable, "has_many", [...fk.refColumns], table.name, [...fk.columns]);
    }
  }
  return out;
}
