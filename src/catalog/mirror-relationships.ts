/**
 * Relationships in the mirror: each virtual one is a `json` column of its table (so Describe, `\d` and
 * information_schema see it) and a real FOREIGN KEY between mirror tables (so
 * `\d`, pg_constraint, information_schema and JDBC metadata see the join). Discovered relationships
 * are foreign keys the mirror already holds from introspection; they add nothing, so a table with
 * only real foreign keys looks exactly as it does in its own database (to \d, ORMs, JDBC).
 */
import { createHash } from "node:crypto";
import type { SqlRunner } from "./mirror-ddl.ts";
import type { WantedColumn, WantedRelation } from "./mirror-model.ts";
import type { Relationship } from "./relationships/types.ts";
import { qualified, quoteIdent, truncateIdent } from "./sql-names.ts";

const JSON_OID = 114;

/** A relationship column of one mirror table. */
export interface RelationshipColumn {
  name: string;
  alwaysFetch: boolean;
}

/** The column name a relationship is selected by: its alias when set, else its name. */
export function relationshipColumnName(rel: Relationship): string {
  return truncateIdent(rel.alias ?? rel.name);
}

function ref(service: string, table: string, fields: string[]): string {
  return `${service}.${table}(${fields.join(", ")})`;
}

/** What information_schema.columns and `\d+` show as the column's comment. */
export function relationshipComment(rel: Relationship): string {
  const target = `relationship: ${rel.type} ${ref(rel.ref_service, rel.ref_table, rel.ref_field)}`;
  if (rel.type !== "many_many" || !rel.junction_table) return target;
  const junction = ref(rel.junction_service ?? rel.service, rel.junction_table, [
    ...(rel.junction_field ?? []),
    ...(rel.junction_ref_field ?? []),
  ]);
  return `${target} through ${junction}`;
}

/**
 * Appends the virtual relationship columns of `service`'s tables to its wanted relations (after the real
 * columns, so a new one never moves an existing attnum). A name already taken by a column is
 * skipped and reported.
 */
export function withRelationshipColumns(
  service: string,
  wanted: WantedRelation[],
  relationships: readonly Relationship[],
  skipped: string[],
): { wanted: WantedRelation[]; columns: Map<string, RelationshipColumn[]> } {
  const byTable = new Map<string, Relationship[]>();
  for (const rel of relationships) {
    if (rel.service !== service || !rel.is_virtual) continue;
    const table = truncateIdent(rel.table);
    let list = byTable.get(table);
    if (!list) {
      list = [];
      byTable.set(table, list);
    }
    list.push(rel);
  }
  const columns = new Map<string, RelationshipColumn[]>();
  const out = wanted.map((relation) => {
    const rels = byTable.get(relation.name);
    if (!rels) return relation;
    const taken = new Set(relation.columns.map((c) => c.name));
    const added: WantedColumn[] = [];
    const described: RelationshipColumn[] = [];
    for (const rel of rels) {
      const name = relationshipColumnName(rel);
      if (taken.has(name)) {
        skipped.push(
          `relationship column ${qualified(service, relation.name)}.${quoteIdent(name)}: the name is already a column of the table`,
        );
        continue;
      }
      taken.add(name);
      added.push({
        name,
        typeSql: "json",
        typeOid: JSON_OID,
        typmod: -1,
        notNull: false,
        defaultExpr: null,
        comment: relationshipComment(rel),
      });
      described.push({ name, alwaysFetch: rel.always_fetch });
    }
    if (added.length === 0) return relation;
    columns.set(relation.name, described);
    return { ...relation, columns: [...relation.columns, ...added] };
  });
  return { wanted: out, columns };
}

/** One foreign key a virtual relationship publishes. */
export interface RelationshipForeignKey {
  name: string;
  /** the relationship it comes from, for logs */
  relationship: string;
  /** declared on the table that holds the key (belongs_to): its name wins over an equal has_one/has_many/many_many key */
  own: boolean;
  schema: string;
  table: string;
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
}

/** Cuts `name` so that `name + suffix` fits in 63 bytes. */
function withSuffix(name: string, suffix: string): string {
  const room = 63 - Buffer.byteLength(suffix, "utf8");
  let out = "";
  let bytes = 0;
  for (const ch of name) {
    const size = Buffer.byteLength(ch, "utf8");
    if (bytes + size > room) break;
    out += ch;
    bytes += size;
  }
  return out + suffix;
}

/**
 * The foreign keys of the virtual relationships: belongs_to lives on its own table; has_one and
 * has_many on the referenced (child) table; many_many as two keys on the junction table
 * (`<name>_1` to the table, `<name>_2` to the referenced table).
 */
export function relationshipForeignKeys(relationships: readonly Relationship[]): RelationshipForeignKey[] {
  const out: RelationshipForeignKey[] = [];
  for (const rel of relationships) {
    if (!rel.is_virtual) continue;
    const own = { schema: rel.service, table: truncateIdent(rel.table), columns: rel.field };
    const target = { schema: rel.ref_service, table: truncateIdent(rel.ref_table), columns: rel.ref_field };
    const fk = (name: string, child: typeof own, parent: typeof own): RelationshipForeignKey => ({
      name,
      relationship: `${rel.service}.${rel.table}.${rel.name}`,
      own: rel.type === "belongs_to",
      schema: child.schema,
      table: child.table,
      columns: child.columns,
      refSchema: parent.schema,
      refTable: parent.table,
      refColumns: parent.columns,
    });
    switch (rel.type) {
      case "belongs_to":
        out.push(fk(truncateIdent(rel.name), own, target));
        break;
      case "has_one":
      case "has_many":
        out.push(fk(truncateIdent(rel.name), target, own));
        break;
      case "many_many": {
        if (!rel.junction_table || !rel.junction_field || !rel.junction_ref_field) break;
        const junction = {
          schema: rel.junction_service ?? rel.service,
          table: truncateIdent(rel.junction_table),
        };
        out.push(fk(withSuffix(rel.name, "_1"), { ...junction, columns: rel.junction_field }, own));
        out.push(fk(withSuffix(rel.name, "_2"), { ...junction, columns: rel.junction_ref_field }, target));
        break;
      }
    }
  }
  // stable: belongs_to keys first, so a key declared from both sides is named after its belongs_to
  return [...out.filter((k) => k.own), ...out.filter((k) => !k.own)];
}

/** The unique key a foreign key needs when the referenced columns have none: one per column set. */
export function relationshipIndexName(schema: string, table: string, columns: string[]): string {
  const hash = createHash("sha1")
    .update([schema, table, ...[...columns].sort()].join("\0"))
    .digest("hex")
    .slice(0, 12);
  return `weft_rel_${hash}_key`;
}

export const RELATIONSHIP_INDEX_PREFIX = "weft_rel_";

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** What to run (in one savepoint) for a foreign key. */
export interface RelationshipStep {
  fk: RelationshipForeignKey;
  /**
   * A UNIQUE constraint on the referenced columns when they have no unique key (PostgreSQL requires
   * one; a constraint rather than a bare index so information_schema.referential_constraints names it).
   */
  unique: { name: string; sql: string } | null;
  foreignKey: string;
}

/**
 * Plans the DDL for the foreign keys over the mirror's current model (schema → wanted relations).
 * A key whose tables are missing, are views, lack a column, duplicate a discovered or an earlier
 * key, or whose name is taken on its table is skipped and reported.
 */
export function planRelationshipDdl(
  fks: RelationshipForeignKey[],
  models: ReadonlyMap<string, readonly WantedRelation[]>,
  skipped: string[],
): RelationshipStep[] {
  const find = (schema: string, table: string) => models.get(schema)?.find((r) => r.name === table);
  const namesOn = new Map<string, Set<string>>();
  const published: RelationshipForeignKey[] = [];
  const steps: RelationshipStep[] = [];
  for (const fk of fks) {
    const child = find(fk.schema, fk.table);
    const parent = find(fk.refSchema, fk.refTable);
    const why = (reason: string) =>
      skipped.push(`foreign key ${quoteIdent(fk.name)} of relationship ${fk.relationship}: ${reason}`);
    if (!child || !parent) {
      why(
        `table ${qualified(child ? fk.refSchema : fk.schema, child ? fk.refTable : fk.table)} is not in the mirror`,
      );
      continue;
    }
    if (child.kind !== "table" || parent.kind !== "table") {
      why("a view cannot have or be referenced by a foreign key");
      continue;
    }
    const hasAll = (rel: WantedRelation, cols: string[]) =>
      cols.length > 0 && cols.every((c) => rel.columns.some((x) => x.name === c));
    if (
      !hasAll(child, fk.columns) ||
      !hasAll(parent, fk.refColumns) ||
      fk.columns.length !== fk.refColumns.length
    ) {
      why("a key column is not in the mirror table");
      continue;
    }
    const same = (o: { columns: string[]; refColumns: string[] }) =>
      sameList(o.columns, fk.columns) && sameList(o.refColumns, fk.refColumns);
    const discovered =
      fk.schema === fk.refSchema && child.foreignKeys.some((d) => d.refTable === fk.refTable && same(d));
    const earlier = published.some(
      (p) =>
        p.schema === fk.schema &&
        p.table === fk.table &&
        p.refSchema === fk.refSchema &&
        p.refTable === fk.refTable &&
        same(p),
    );
    if (discovered || earlier) continue; // the same foreign key is already published
    const tableKey = `${fk.schema}\0${fk.table}`;
    let names = namesOn.get(tableKey);
    if (!names) {
      names = new Set([...child.keys.map((k) => k.name), ...child.foreignKeys.map((k) => k.name)]);
      namesOn.set(tableKey, names);
    }
    if (names.has(fk.name)) {
      why(`the name is already a constraint of ${qualified(fk.schema, fk.table)}`);
      continue;
    }
    names.add(fk.name);
    published.push(fk);
    const hasUnique = parent.keys.some((k) => k.kind !== "index" && sameSet(k.columns, fk.refColumns));
    const uniqueName = relationshipIndexName(fk.refSchema, fk.refTable, fk.refColumns);
    const unique = hasUnique
      ? null
      : {
          name: `${fk.refSchema}\0${uniqueName}`,
          sql: `ALTER TABLE ${qualified(fk.refSchema, fk.refTable)} ADD CONSTRAINT ${quoteIdent(uniqueName)} UNIQUE (${fk.refColumns
            .map(quoteIdent)
            .join(", ")})`,
        };
    const foreignKey = `ALTER TABLE ${qualified(fk.schema, fk.table)} ADD CONSTRAINT ${quoteIdent(fk.name)} FOREIGN KEY (${fk.columns
      .map(quoteIdent)
      .join(
        ", ",
      )}) REFERENCES ${qualified(fk.refSchema, fk.refTable)} (${fk.refColumns.map(quoteIdent).join(", ")})`;
    steps.push({ fk, unique, foreignKey });
  }
  return steps;
}

/**
 * Drops every foreign key on the schemas' tables that introspection did not find (those are the
 * relationships'), and the unique indexes added for them. Runs before a service's schema is
 * re-applied, so its own diff never sees them.
 */
export async function dropRelationshipDdl(
  db: SqlRunner,
  models: ReadonlyMap<string, readonly WantedRelation[]>,
): Promise<void> {
  const schemas = [...models.keys()];
  if (schemas.length === 0) return;
  const fks = await db.query<{ nspname: string; relname: string; conname: string }>(
    `SELECT n.nspname, c.relname, k.conname FROM pg_catalog.pg_constraint k
     JOIN pg_catalog.pg_class c ON c.oid = k.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE k.contype = 'f' AND n.nspname = ANY($1::text[])`,
    [schemas],
  );
  for (const fk of fks.rows) {
    const rel = models.get(fk.nspname)?.find((r) => r.name === fk.relname);
    if (rel?.foreignKeys.some((d) => d.name === fk.conname)) continue;
    await db.exec(
      `ALTER TABLE ${qualified(fk.nspname, fk.relname)} DROP CONSTRAINT ${quoteIdent(fk.conname)}`,
    );
  }
  const uniques = await db.query<{ nspname: string; relname: string; conname: string }>(
    `SELECT n.nspname, c.relname, k.conname FROM pg_catalog.pg_constraint k
     JOIN pg_catalog.pg_class c ON c.oid = k.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE k.contype = 'u' AND n.nspname = ANY($1::text[]) AND starts_with(k.conname, $2)`,
    [schemas, RELATIONSHIP_INDEX_PREFIX],
  );
  for (const u of uniques.rows) {
    const rel = models.get(u.nspname)?.find((r) => r.name === u.relname);
    if (rel?.keys.some((k) => k.name === u.conname)) continue;
    await db.exec(
      `ALTER TABLE ${qualified(u.nspname, u.relname)} DROP CONSTRAINT ${quoteIdent(u.conname)} CASCADE`,
    );
  }
}

/** Adds the planned keys, each in its own savepoint so one PostgreSQL refuses does not stop the rest. */
export async function addRelationshipDdl(
  db: SqlRunner,
  steps: RelationshipStep[],
  skipped: string[],
): Promise<void> {
  const uniques = new Set<string>();
  for (const step of steps) {
    await db.exec("SAVEPOINT weft_rel");
    try {
      const unique = step.unique && !uniques.has(step.unique.name) ? step.unique : null;
      if (unique) await db.exec(unique.sql);
      await db.exec(step.foreignKey);
      await db.exec("RELEASE SAVEPOINT weft_rel");
      if (unique) uniques.add(unique.name);
    } catch (err) {
      await db.exec("ROLLBACK TO SAVEPOINT weft_rel");
      await db.exec("RELEASE SAVEPOINT weft_rel");
      skipped.push(
        `foreign key ${quoteIdent(step.fk.name)} of relationship ${step.fk.relationship}: ${(err as Error).message}`,
      );
    }
  }
}
