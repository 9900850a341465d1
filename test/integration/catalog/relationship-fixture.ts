/** Two services and hand-made relationships between them, for the mirror's relationship tests. */
import type { Relationship } from "../../../src/catalog/relationships/types.ts";
import type { SourceSchema } from "../../../src/connectors/spi.ts";
import { col, T, table } from "./fixture-schema.ts";

export function hrSchema(): SourceSchema {
  return {
    tables: [
      table(
        "todo",
        [
          col("id", 1, T.int4, { nullable: false }),
          col("title", 2, T.text),
          col("assigned_to", 3, T.varchar40),
          col("owner_id", 4, T.int4),
        ],
        { primaryKey: { name: "PRIMARY", columns: ["id"] } },
      ),
      table(
        "tag_link",
        [col("todo_id", 1, T.int4, { nullable: false }), col("tag", 2, T.text, { nullable: false })],
        { primaryKey: { name: "PRIMARY", columns: ["todo_id", "tag"] } },
      ),
    ],
  };
}

export function crmSchema(): SourceSchema {
  return {
    tables: [
      table(
        "contact",
        [
          col("id", 1, T.int4, { nullable: false }),
          col("display_name", 2, T.varchar40),
          col("code", 3, T.text),
        ],
        { primaryKey: { name: "PRIMARY", columns: ["id"] } },
      ),
      table("tag", [col("name", 1, T.text, { nullable: false }), col("colour", 2, T.text)], {
        primaryKey: { name: "PRIMARY", columns: ["name"] },
      }),
    ],
  };
}

export function rel(
  partial: Partial<Relationship> & Pick<Relationship, "service" | "table" | "name" | "type">,
): Relationship {
  return {
    alias: null,
    label: partial.name,
    description: null,
    field: [],
    is_virtual: true,
    ref_service: partial.service,
    ref_table: "",
    ref_field: [],
    junction_service: null,
    junction_table: null,
    junction_field: null,
    junction_ref_field: null,
    always_fetch: false,
    key_comparison: "exact",
    ...partial,
  };
}

/** todo belongs to a contact by name; a contact has many todos by owner; todos have many tags through tag_link. */
export function hrCrmRelationships(): Relationship[] {
  return [
    rel({
      service: "hr",
      table: "todo",
      name: "crm.contact_by_assigned_to",
      type: "belongs_to",
      field: ["assigned_to"],
      ref_service: "crm",
      ref_table: "contact",
      ref_field: ["display_name"],
    }),
    rel({
      service: "crm",
      table: "contact",
      name: "hr.todo_by_owner_id",
      type: "has_many",
      field: ["id"],
      ref_service: "hr",
      ref_table: "todo",
      ref_field: ["owner_id"],
      always_fetch: true,
    }),
    rel({
      service: "hr",
      table: "todo",
      name: "crm.tag_by_tag_link",
      alias: "tags",
      type: "many_many",
      field: ["id"],
      ref_service: "crm",
      ref_table: "tag",
      ref_field: ["name"],
      junction_service: "hr",
      junction_table: "tag_link",
      junction_field: ["todo_id"],
      junction_ref_field: ["tag"],
    }),
  ];
}
