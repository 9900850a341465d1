/**
 * Brings one service's schema in the mirror to the wanted state with
 * CREATE/ALTER/DROP, so that tables that stay keep their OIDs and columns that
 * stay keep their attnums. Runs inside the caller's transaction.
 */
import { estimatedPages, type WantedColumn, type WantedKey, type WantedRelation } from "./mirror-model.ts";
import { qualified, quoteIdent } from "./sql-names.ts";

/** The part of a PGlite transaction this module uses. */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
}

interface ExistingColumn {
  rel: string;
  name: string;
  typeOid: number;
  typmod: number;
  notNull: boolean;
  defaultExpr: string | null;
}

interface ExistingKey {
  rel: string;
  name: string;
  kind: WantedKey["kind"] | "foreign";
  columns: string[];
}

interface ExistingState {
  relations: Map<string, "table" | "view">;
  /** relations the mirror never creates (partitioned tables, materialized views …) → relkind */
  others: Map<string, string>;
  columns: Map<string, ExistingColumn[]>;
  keys: ExistingKey[];
}

async function readExisting(db: SqlRunner, schema: string): Promise<ExistingState> {
  const rels = await db.query<{ relname: string; relkind: string }>(
    `SELECT c.relname, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'p', 'm', 'f')`,
    [schema],
  );
  const relations = new Map<string, "table" | "view">();
  const others = new Map<string, string>();
  for (const r of rels.rows) {
    if (r.relkind === "r") relations.set(r.relname, "table");
    else if (r.relkind === "v") relations.set(r.relname, "view");
    else others.set(r.relname, r.relkind);
  }
  const cols = await db.query<{
    relname: string;
    attname: string;
    atttypid: number;
    atttypmod: number;
    attnotnull: boolean;
    def: string | null;
  }>(
    `SELECT c.relname, a.attname, a.atttypid::int4 AS atttypid, a.atttypmod, a.attnotnull,
            pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS def
     FROM pg_catalog.pg_attribute a
     JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'v') AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY c.relname, a.attnum`,
    [schema],
  );
  const columns = new Map<string, ExistingColumn[]>();
  for (const c of cols.rows) {
    let list = columns.get(c.relname);
    if (!list) {
      list = [];
      columns.set(c.relname, list);
    }
    list.push({
      rel: c.relname,
      name: c.attname,
      typeOid: c.atttypid,
      typmod: c.atttypmod,
      notNull: c.attnotnull,
      defaultExpr: c.def,
    });
  }
  const names = (keyExpr: string, relExpr: string) =>
    `(SELECT COALESCE(json_agg(a.attname ORDER BY u.i), '[]')::text
       FROM unnest(${keyExpr}) WITH ORDINALITY AS u(n, i)
       JOIN pg_catalog.pg_attribute a ON a.attrelid = ${relExpr} AND a.attnum = u.n)`;
  const cons = await db.query<{ relname: string; conname: string; contype: string; cols: string }>(
    `SELECT c.relname, k.conname, k.contype, ${names("k.conkey", "k.conrelid")} AS cols
     FROM pg_catalog.pg_constraint k
     JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND k.contype IN ('p', 'u', 'f')`,
    [schema],
  );
  const idx = await db.query<{ relname: string; indexname: string; indisunique: boolean; cols: string }>(
    `SELECT c.relname, ic.relname AS indexname, i.indisunique, ${names("i.indkey::int2[]", "i.indrelid")} AS cols
     FROM pg_catalog.pg_index i
     JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
     JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND NOT EXISTS (
       SELECT 1 FROM pg_catalog.pg_constraint k
       WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u'))`,
    [schema],
  );
  const kindOf: Record<string, ExistingKey["kind"]> = { p: "primary", u: "unique", f: "foreign" };
  const keys: ExistingKey[] = [
    ...cons.rows.map((k) => ({
      rel: k.relname,
      name: k.conname,
      kind: kindOf[k.contype],
      columns: JSON.parse(k.cols) as string[],
    })),
    ...idx.rows.map((i) => ({
      rel: i.relname,
      name: i.indexname,
      kind: (i.indisunique ? "uniqueIndex" : "index") as ExistingKey["kind"],
      columns: JSON.parse(i.cols) as string[],
    })),
  ];
  return { relations, others, columns, keys };
}

function sameKey(a: { kind: string; columns: string[] }, b: { kind: string; columns: string[] }): boolean {
  return (
    a.kind === b.kind &&
    a.columns.length === b.columns.length &&
    a.columns.every((c, i) => c === b.columns[i])
  );
}

function columnDdl(c: WantedColumn, withNotNull: boolean): string {
  return `${quoteIdent(c.name)} ${c.typeSql}${withNotNull && c.notNull ? " NOT NULL" : ""}`;
}

function viewDdl(schema: string, rel: WantedRelation): string {
  const list = rel.columns.map((c) => `NULL::${c.typeSql} AS ${quoteIdent(c.name)}`).join(", ");
  return `CREATE VIEW ${qualified(schema, rel.name)} AS SELECT ${list} WHERE false`;
}

function keyDdl(schema: string, table: string, key: WantedKey): string {
  const cols = key.columns.map(quoteIdent).join(", ");
  const target = qualified(schema, table);
  switch (key.kind) {
    case "primary":
      return `ALTER TABLE ${target} ADD CONSTRAINT ${quoteIdent(key.name)} PRIMARY KEY (${cols})`;
    case "unique":
      return `ALTER TABLE ${target} ADD CONSTRAINT ${quoteIdent(key.name)} UNIQUE (${cols})`;
    case "uniqueIndex":
      return `CREATE UNIQUE INDEX ${quoteIdent(key.name)} ON ${target} (${cols})`;
    case "index":
      return `CREATE INDEX ${quoteIdent(key.name)} ON ${target} (${cols})`;
  }
}

/** Runs a statement that may legitimately fail (a default or key the mirror cannot express) without aborting the rest. */
async function tryExec(db: SqlRunner, sql: string, skipped: string[]): Promise<void> {
  await db.exec("SAVEPOINT weft_try");
  try {
    await db.exec(sql);
    await db.exec("RELEASE SAVEPOINT weft_try");
  } catch (err) {
    await db.exec("ROLLBACK TO SAVEPOINT weft_try");
    await db.exec("RELEASE SAVEPOINT weft_try");
    skipped.push(`${sql}: ${(err as Error).message}`);
  }
}

function columnsEqual(existing: ExistingColumn[] | undefined, wanted: WantedColumn[]): boolean {
  if (!existing || existing.length !== wanted.length) return false;
  return existing.every(
    (e, i) => e.name === wanted[i].name && e.typeOid === wanted[i].typeOid && e.typmod === wanted[i].typmod,
  );
}

/**
 * Applies the difference. Returns statements that were skipped because the mirror
 * could not express them (e.g. a foreign key to columns without a unique key).
 */
export async function applyWanted(
  db: SqlRunner,
  schema: string,
  wanted: WantedRelation[],
): Promise<string[]> {
  const skipped: string[] = [];
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  const existing = await readExisting(db, schema);
  const wantedByName = new Map(wanted.map((r) => [r.name, r]));

  // Foreign keys are recreated from scratch: they depend on keys and column types that may change below.
  for (const k of existing.keys) {
    if (k.kind === "foreign") {
      await db.exec(
        `ALTER TABLE ${qualified(schema, k.rel)} DROP CONSTRAINT IF EXISTS ${quoteIdent(k.name)}`,
      );
    }
  }

  const dropKeyword: Record<string, string> = { p: "TABLE", m: "MATERIALIZED VIEW", f: "FOREIGN TABLE" };
  for (const [name, relkind] of existing.others) {
    await db.exec(`DROP ${dropKeyword[relkind]} ${qualified(schema, name)} CASCADE`);
  }
  // Relations that go away or change kind; views whose columns changed are rebuilt.
  for (const [name, kind] of existing.relations) {
    const want = wantedByName.get(name);
    const keepView =
      kind === "view" && want?.kind === "view" && columnsEqual(existing.columns.get(name), want.columns);
    if (kind === "view" && !keepView) {
      await db.exec(`DROP VIEW ${qualified(schema, name)} CASCADE`);
      existing.relations.delete(name);
    } else if (kind === "table" && want?.kind !== "table") {
      await db.exec(`DROP TABLE ${qualified(schema, name)} CASCADE`);
      existing.relations.delete(name);
    }
  }

  for (const rel of wanted) {
    const target = qualified(schema, rel.name);
    if (rel.kind === "view") {
      if (!existing.relations.has(rel.name)) await db.exec(viewDdl(schema, rel));
      continue;
    }
    if (!existing.relations.has(rel.name)) {
      await db.exec(`CREATE TABLE ${target} (${rel.columns.map((c) => columnDdl(c, true)).join(", ")})`);
      for (const c of rel.columns) {
        if (c.defaultExpr !== null) {
          await tryExec(
            db,
            `ALTER TABLE ${target} ALTER COLUMN ${quoteIdent(c.name)} SET DEFAULT ${c.defaultExpr}`,
            skipped,
          );
        }
      }
      continue;
    }
    // An existing table: keys first (so NOT NULL can be dropped), then columns.
    const tableKeys = existing.keys.filter((k) => k.rel === rel.name && k.kind !== "foreign");
    for (const k of tableKeys) {
      const want = rel.keys.find((w) => w.name === k.name);
      if (want && sameKey(want, k)) continue;
      if (k.kind === "primary" || k.kind === "unique") {
        await db.exec(`ALTER TABLE ${target} DROP CONSTRAINT ${quoteIdent(k.name)} CASCADE`);
      } else {
        await db.exec(`DROP INDEX ${qualified(schema, k.name)} CASCADE`);
      }
      existing.keys.splice(existing.keys.indexOf(k), 1);
    }
    const have = new Map((existing.columns.get(rel.name) ?? []).map((c) => [c.name, c]));
    const wantedCols = new Set(rel.columns.map((c) => c.name));
    for (const name of have.keys()) {
      if (!wantedCols.has(name))
        await db.exec(`ALTER TABLE ${target} DROP COLUMN ${quoteIdent(name)} CASCADE`);
    }
    for (const c of rel.columns) {
      const col = quoteIdent(c.name);
      const old = have.get(c.name);
      if (!old) {
        await db.exec(`ALTER TABLE ${target} ADD COLUMN ${columnDdl(c, true)}`);
        if (c.defaultExpr !== null) {
          await tryExec(
            db,
            `ALTER TABLE ${target} ALTER COLUMN ${col} SET DEFAULT ${c.defaultExpr}`,
            skipped,
          );
        }
        continue;
      }
      if (old.typeOid !== c.typeOid || old.typmod !== c.typmod) {
        if (old.defaultExpr !== null) await db.exec(`ALTER TABLE ${target} ALTER COLUMN ${col} DROP DEFAULT`);
        old.defaultExpr = null;
        await db.exec(`ALTER TABLE ${target} ALTER COLUMN ${col} TYPE ${c.typeSql} USING NULL::${c.typeSql}`);
      }
      if (old.notNull !== c.notNull) {
        await db.exec(`ALTER TABLE ${target} ALTER COLUMN ${col} ${c.notNull ? "SET" : "DROP"} NOT NULL`);
      }
      if (old.defaultExpr !== c.defaultExpr) {
        if (c.defaultExpr === null) await db.exec(`ALTER TABLE ${target} ALTER COLUMN ${col} DROP DEFAULT`);
        else
          await tryExec(
            db,
            `ALTER TABLE ${target} ALTER COLUMN ${col} SET DEFAULT ${c.defaultExpr}`,
            skipped,
          );
      }
    }
  }

  // Keys that do not exist yet, then foreign keys (which need the referenced keys).
  for (const rel of wanted) {
    if (rel.kind !== "table") continue;
    for (const key of rel.keys) {
      const have = existing.keys.find((k) => k.rel === rel.name && k.name === key.name);
      if (have && sameKey(have, key)) continue;
      await tryExec(db, keyDdl(schema, rel.name, key), skipped);
    }
  }
  for (const rel of wanted) {
    for (const fk of rel.foreignKeys) {
      const actions = `${fk.onDelete ? ` ON DELETE ${fk.onDelete}` : ""}${fk.onUpdate ? ` ON UPDATE ${fk.onUpdate}` : ""}`;
      await tryExec(
        db,
        `ALTER TABLE ${qualified(schema, rel.name)} ADD CONSTRAINT ${quoteIdent(fk.name)} FOREIGN KEY (${fk.columns
          .map(quoteIdent)
          .join(
            ", ",
          )}) REFERENCES ${qualified(schema, fk.refTable)} (${fk.refColumns.map(quoteIdent).join(", ")})${actions}`,
        skipped,
      );
    }
  }

  await writeComments(db, schema, wanted);
  await writeEstimates(db, schema, wanted);
  return skipped;
}

/**
 * Comments go straight into pg_description (what COMMENT ON writes) so their text
 * is bound as a parameter rather than spliced into a COMMENT statement.
 */
async function writeComments(db: SqlRunner, schema: string, wanted: WantedRelation[]): Promise<void> {
  await db.query(
    `DELETE FROM pg_catalog.pg_description d
     USING pg_catalog.pg_class c, pg_catalog.pg_namespace n
     WHERE d.classoid = 'pg_catalog.pg_class'::regclass AND d.objoid = c.oid
       AND n.oid = c.relnamespace AND n.nspname = $1`,
    [schema],
  );
  const comments: { t: string; c: string | null; d: string }[] = [];
  for (const rel of wanted) {
    if (rel.comment) comments.push({ t: rel.name, c: null, d: rel.comment });
    for (const col of rel.columns)
      if (col.comment) comments.push({ t: rel.name, c: col.name, d: col.comment });
  }
  if (comments.length === 0) return;
  await db.query(
    `INSERT INTO pg_catalog.pg_description (objoid, classoid, objsubid, description)
     SELECT c.oid, 'pg_catalog.pg_class'::regclass, COALESCE(a.attnum, 0), x.d
     FROM json_to_recordset($2::json) AS x(t text, c text, d text)
     JOIN pg_catalog.pg_namespace n ON n.nspname = $1
     JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = x.t
     LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attname = x.c AND NOT a.attisdropped
     WHERE x.c IS NULL OR a.attnum IS NOT NULL`,
    [schema, JSON.stringify(comments)],
  );
}

/** The row estimate goes to pg_class like ANALYZE would put it; relpages > 0 so planners believe it. */
async function writeEstimates(db: SqlRunner, schema: string, wanted: WantedRelation[]): Promise<void> {
  const stats = wanted
    .filter((r) => r.kind === "table")
    .map((r) => ({ t: r.name, r: r.rowEstimate < 0 ? -1 : r.rowEstimate, p: estimatedPages(r.rowEstimate) }));
  if (stats.length === 0) return;
  await db.query(
    `UPDATE pg_catalog.pg_class c SET reltuples = x.r, relpages = x.p
     FROM json_to_recordset($2::json) AS x(t text, r float4, p int4), pg_catalog.pg_namespace n
     WHERE n.oid = c.relnamespace AND n.nspname = $1 AND c.relname = x.t AND c.relkind = 'r'`,
    [schema, JSON.stringify(stats)],
  );
}
