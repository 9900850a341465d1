import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Mirror, openMirror } from "../../../src/catalog/mirror.ts";
import { relationshipIndexName } from "../../../src/catalog/mirror-relationships.ts";
import { col, T } from "./fixture-schema.ts";
import { ctxOf, textRows } from "./mirror-helpers.ts";
import { crmSchema, hrCrmRelationships, hrSchema, rel } from "./relationship-fixture.ts";

const ctx = ctxOf("alice");

const FKS = `SELECT k.conname, k.conrelid::regclass::text, k.confrelid::regclass::text,
    pg_catalog.pg_get_constraintdef(k.oid)
  FROM pg_catalog.pg_constraint k WHERE k.contype = 'f'
    AND k.connamespace IN ('hr'::regnamespace, 'crm'::regnamespace) ORDER BY 1`;

async function oidsAndAttnums(mirror: Mirror): Promise<(string | null)[][]> {
  return textRows(
    mirror,
    `SELECT c.oid::int8::text, c.relname, a.attname, a.attnum::text FROM pg_catalog.pg_class c
     JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE c.relnamespace IN ('hr'::regnamespace, 'crm'::regnamespace) AND c.relkind = 'r'
       AND a.atttypid <> 'json'::regtype ORDER BY 2, 4`,
    ctx,
  );
}

describe("relationships in the mirror", () => {
  let mirror: Mirror;
  const warnings: string[] = [];

  before(async () => {
    mirror = await openMirror({
      dataDir: null,
      database: "weft",
      users: ["alice"],
      warn: (_message, detail) => warnings.push(...detail.skipped),
    });
    await mirror.applyServiceSchema("hr", hrSchema());
    await mirror.applyServiceSchema("crm", crmSchema());
  });
  after(async () => {
    await mirror?.close();
  });

  test("every virtual relationship is a foreign key; the has_many and many_many keys live on the child tables", async () => {
    const before = await oidsAndAttnums(mirror);
    await mirror.applyRelationships(hrCrmRelationships());
    assert.deepEqual(await textRows(mirror, FKS, ctx), [
      [
        "crm.contact_by_assigned_to",
        "hr.todo",
        "crm.contact",
        "FOREIGN KEY (assigned_to) REFERENCES crm.contact(display_name)",
      ],
      ["crm.tag_by_tag_link_1", "hr.tag_link", "hr.todo", "FOREIGN KEY (todo_id) REFERENCES hr.todo(id)"],
      ["crm.tag_by_tag_link_2", "hr.tag_link", "crm.tag", "FOREIGN KEY (tag) REFERENCES crm.tag(name)"],
      ["hr.todo_by_owner_id", "hr.todo", "crm.contact", "FOREIGN KEY (owner_id) REFERENCES crm.contact(id)"],
    ]);
    // display_name has no unique key of its own: the mirror adds one for the foreign key
    const index = relationshipIndexName("crm", "contact", ["display_name"]);
    assert.deepEqual(
      await textRows(
        mirror,
        `SELECT conname, contype::text, pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
         WHERE conrelid = 'crm.contact'::regclass AND contype <> 'p'`,
        ctx,
      ),
      [[index, "u", "UNIQUE (display_name)"]],
    );
    assert.deepEqual(await oidsAndAttnums(mirror), before, "table OIDs and column attnums stay");
  });

  test("information_schema lists the keys", async () => {
    await mirror.applyRelationships(hrCrmRelationships());
    assert.deepEqual(
      await textRows(
        mirror,
        `SELECT constraint_schema, constraint_name, unique_constraint_schema, unique_constraint_name
         FROM information_schema.referential_constraints
         WHERE constraint_name = 'crm.contact_by_assigned_to'`,
        ctx,
      ),
      [
        [
          "hr",
          "crm.contact_by_assigned_to",
          "crm",
          relationshipIndexName("crm", "contact", ["display_name"]),
        ],
      ],
    );
    assert.deepEqual(
      await textRows(
        mirror,
        `SELECT k.table_schema, k.table_name, k.column_name, k.position_in_unique_constraint::text,
                u.table_schema, u.table_name, u.column_name
         FROM information_schema.key_column_usage k
         JOIN information_schema.referential_constraints r USING (constraint_schema, constraint_name)
         JOIN information_schema.key_column_usage u ON u.constraint_schema = r.unique_constraint_schema
           AND u.constraint_name = r.unique_constraint_name AND u.ordinal_position = k.position_in_unique_constraint
         WHERE k.constraint_name = 'hr.todo_by_owner_id'`,
        ctx,
      ),
      [["hr", "todo", "owner_id", "1", "crm", "contact", "id"]],
    );
    assert.deepEqual(
      await textRows(
        mirror,
        `SELECT table_name, constraint_name FROM information_schema.table_constraints
         WHERE constraint_type = 'FOREIGN KEY' AND table_schema = 'hr' ORDER BY 2`,
        ctx,
      ),
      [
        ["todo", "crm.contact_by_assigned_to"],
        ["tag_link", "crm.tag_by_tag_link_1"],
        ["tag_link", "crm.tag_by_tag_link_2"],
        ["todo", "hr.todo_by_owner_id"],
      ],
    );
  });

  test("every relationship is a json column after the real columns, with its comment", async () => {
    await mirror.applyRelationships(hrCrmRelationships());
    assert.deepEqual(
      await textRows(
        mirror,
        `SELECT column_name, data_type, ordinal_position::text,
                pg_catalog.col_description('hr.todo'::regclass, ordinal_position::int)
         FROM information_schema.columns WHERE table_schema = 'hr' AND table_name = 'todo' ORDER BY ordinal_position`,
        ctx,
      ),
      [
        ["id", "integer", "1", null],
        ["title", "text", "2", null],
        ["assigned_to", "character varying", "3", null],
        ["owner_id", "integer", "4", null],
        ["crm.contact_by_assigned_to", "json", "5", "relationship: belongs_to crm.contact(display_name)"],
        ["tags", "json", "6", "relationship: many_many crm.tag(name) through hr.tag_link(todo_id, tag)"],
      ],
    );
    const d = await mirror.describe(
      `select t.id, t."crm.contact_by_assigned_to", t.tags from hr.todo t`,
      [],
      ctx,
    );
    assert.deepEqual(
      d.fields?.map((f) => [f.name, f.typeOid]),
      [
        ["id", 23],
        ["crm.contact_by_assigned_to", 114],
        ["tags", 114],
      ],
    );
    assert.deepEqual(mirror.starColumns("hr", "todo"), {
      columns: ["id", "title", "assigned_to", "owner_id"],
      hidden: true,
    });
    assert.deepEqual(mirror.starColumns("crm", "contact"), {
      columns: ["id", "display_name", "code", "hr.todo_by_owner_id"],
      hidden: false,
    });
  });

  test("a catalog change is visible to the next query, keeping OIDs; a re-applied service keeps the relationships", async () => {
    await mirror.applyRelationships(hrCrmRelationships());
    const before = await oidsAndAttnums(mirror);
    const version = mirror.schemaVersion;
    await mirror.applyRelationships(hrCrmRelationships().slice(0, 1));
    assert.ok(mirror.schemaVersion > version, "cached descriptions are dropped");
    assert.deepEqual(
      (await textRows(mirror, FKS, ctx)).map((r) => r[0]),
      ["crm.contact_by_assigned_to"],
    );
    assert.deepEqual(
      await textRows(
        mirror,
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema IN ('hr', 'crm') AND data_type = 'json' ORDER BY 1`,
        ctx,
      ),
      [["crm.contact_by_assigned_to"]],
    );
    assert.deepEqual(await oidsAndAttnums(mirror), before);

    // a new column in the service: the relationship column and key survive the diff
    const changed = hrSchema();
    changed.tables[0].columns.push(col("due", 5, T.date));
    await mirror.applyServiceSchema("hr", changed);
    assert.deepEqual(
      (await textRows(mirror, FKS, ctx)).map((r) => r[0]),
      ["crm.contact_by_assigned_to"],
    );
    assert.deepEqual(
      await textRows(
        mirror,
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'hr' AND table_name = 'todo'
         ORDER BY ordinal_position`,
        ctx,
      ),
      [["id"], ["title"], ["assigned_to"], ["owner_id"], ["crm.contact_by_assigned_to"], ["due"]],
    );
    await mirror.applyServiceSchema("hr", hrSchema());
    await mirror.applyRelationships([]);
    assert.deepEqual(await textRows(mirror, FKS, ctx), []);
    assert.deepEqual(
      await textRows(
        mirror,
        `SELECT count(*)::text FROM pg_catalog.pg_class WHERE relname LIKE 'weft\\_rel\\_%'`,
        ctx,
      ),
      [["0"]],
    );
  });

  test("a relationship whose key types have no = operator is skipped without breaking the others", async () => {
    warnings.length = 0;
    const incomparable = rel({
      service: "hr",
      table: "todo",
      name: "crm.contact_by_owner_id",
      type: "belongs_to",
      field: ["owner_id"],
      ref_service: "crm",
      ref_table: "contact",
      ref_field: ["code"],
      key_comparison: "text",
    });
    await mirror.applyRelationships([incomparable, ...hrCrmRelationships()]);
    assert.deepEqual(
      (await textRows(mirror, FKS, ctx)).map((r) => r[0]),
      ["crm.contact_by_assigned_to", "crm.tag_by_tag_link_1", "crm.tag_by_tag_link_2", "hr.todo_by_owner_id"],
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /crm\.contact_by_owner_id.*cannot be implemented/);
    // its column is there all the same: it is selectable, only the key metadata is missing
    assert.deepEqual(
      await textRows(
        mirror,
        `SELECT count(*)::text FROM information_schema.columns
         WHERE table_schema = 'hr' AND table_name = 'todo' AND column_name = 'crm.contact_by_owner_id'`,
        ctx,
      ),
      [["1"]],
    );
    // the index it would have needed is not left behind
    assert.deepEqual(
      await textRows(mirror, `SELECT count(*)::text FROM pg_catalog.pg_class WHERE relname = $1`, ctx, [
        relationshipIndexName("crm", "contact", ["code"]),
      ]),
      [["0"]],
    );
  });

  test("discovered relationships add neither a column nor a second foreign key", async () => {
    const discovered = rel({
      service: "hr",
      table: "tag_link",
      name: "todo_by_todo_id",
      type: "belongs_to",
      is_virtual: false,
      field: ["todo_id"],
      ref_table: "todo",
      ref_field: ["id"],
    });
    const schema = hrSchema();
    schema.tables[1].foreignKeys.push({
      name: "tag_link_todo_fk",
      columns: ["todo_id"],
      refTable: "todo",
      refColumns: ["id"],
    });
    await mirror.applyServiceSchema("hr", schema);
    await mirror.applyRelationships([discovered, ...hrCrmRelationships()]);
    const fks = await textRows(mirror, FKS, ctx);
    assert.deepEqual(
      fks.filter((r) => r[1] === "hr.tag_link").map((r) => r[0]),
      ["tag_link_todo_fk", "crm.tag_by_tag_link_2"].sort(),
      "the many_many key equal to the discovered one is not added again",
    );
    assert.deepEqual(mirror.starColumns("hr", "tag_link"), { columns: ["todo_id", "tag"], hidden: false });
    await mirror.applyServiceSchema("hr", hrSchema());
  });
});
