import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "../../../src/config.ts";

const head = `
users: [{ name: weft, password: secret }]
services:
  - { name: hr, kind: sqlite, path: hr.db }
  - { name: crm, kind: postgres, url: "postgres://u@h/db" }
`;

function parse(text: string) {
  return parseConfig(head + text, "/etc/weft", {});
}

function refused(text: string, field: string, pattern: RegExp): void {
  assert.throws(
    () => parse(text),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.equal(err.field, field);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe("config: relationships", () => {
  test("declared relationships keep their input and config path", () => {
    const config = parse(`
relationships:
  - service: hr
    table: todo
    type: belongs_to
    field: assigned_to
    ref_service: crm
    ref_table: contact
    ref_field: [display_name]
    always_fetch: true
`);
    assert.deepEqual(config.relationships, [
      {
        service: "hr",
        table: "todo",
        at: "relationships[0]",
        input: {
          type: "belongs_to",
          field: "assigned_to",
          ref_service: "crm",
          ref_table: "contact",
          ref_field: ["display_name"],
          always_fetch: true,
        },
      },
    ]);
    assert.deepEqual(config.catalog, { store: "file" });
  });

  test("shape errors name the field", () => {
    refused(
      "relationships: [{ service: hr, table: todo, type: owns, field: a, ref_table: b, ref_field: c }]",
      "relationships[0].type",
      /must be one of belongs_to, has_one, has_many, many_many/,
    );
    refused(
      "relationships: [{ service: hr, table: todo, type: has_one, field: a, ref_table: b }]",
      "relationships[0].ref_field",
      /is required/,
    );
    refused(
      "relationships: [{ service: hr, table: todo, type: has_one, field: a, ref_table: b, ref_field: c, colour: red }]",
      "relationships[0].colour",
      /unknown field/,
    );
  });

  test("services must be configured", () => {
    refused(
      "relationships: [{ service: hr, table: todo, type: has_one, field: a, ref_service: ops, ref_table: b, ref_field: c }]",
      "relationships[0].ref_service",
      /no service named "ops"/,
    );
    refused(
      "relationships: [{ service: nope, table: todo, type: has_one, field: a, ref_table: b, ref_field: c }]",
      "relationships[0].service",
      /no service named "nope"/,
    );
  });
});

describe("config: catalog store", () => {
  test("postgres store with a default table", () => {
    const config = parse("catalog: { store: postgres, url: 'postgres://u@h/cat' }");
    assert.deepEqual(config.catalog, { store: "postgres", url: "postgres://u@h/cat", table: "weft_catalog" });
  });

  test("errors name the field", () => {
    refused("catalog: { store: postgres }", "catalog.url", /is required for the postgres store/);
    refused("catalog: { store: postgres, url: 'mysql://h/db' }", "catalog.url", /postgres:\/\//);
    refused(
      "catalog: { store: postgres, url: 'postgres://h/db', table: 'Bad-Name' }",
      "catalog.table",
      /lowercase table name/,
    );
    refused("catalog: { store: file, url: 'postgres://h/db' }", "catalog.url", /only the postgres store/);
    refused("catalog: { store: redis }", "catalog.store", /must be one of file, postgres/);
  });
});
