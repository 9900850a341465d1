import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildRelationship } from "../../../../src/catalog/relationships/build.ts";
import { parseRelationshipInput } from "../../../../src/catalog/relationships/input-schema.ts";
import { CatalogError, type RelationshipInput } from "../../../../src/catalog/relationships/types.ts";
import { fixtureContext } from "./fixtures.ts";

const at = "resource[0]";

/** Parses as the API does, then builds against the fixture tables. */
function build(input: unknown, service = "hr", table = "todo") {
  return buildRelationship(service, table, parseRelationshipInput(input, at), at, fixtureContext());
}

function refused(input: unknown, field: string, pattern: RegExp, service = "hr", table = "todo"): void {
  assert.throws(
    () => build(input, service, table),
    (err) => {
      assert.ok(err instanceof CatalogError, String(err));
      assert.equal(err.kind, "invalid");
      assert.equal(err.field, field);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

const belongsTo: RelationshipInput = {
  type: "belongs_to",
  field: "assigned_to",
  ref_service: "crm",
  ref_table: "contact",
  ref_field: "display_name",
};

describe("building a relationship from input", () => {
  test("defaults: own service, generated name and label, exact comparison", () => {
    const rel = build(
      { type: "belongs_to", field: "dept_no", ref_table: "departments", ref_field: "dept_no" },
      "hr",
      "employees",
    );
    assert.equal(rel.ref_service, "hr");
    assert.equal(rel.name, "departments_by_dept_no");
    assert.equal(rel.label, "Departments By Dept No");
    assert.equal(rel.key_comparison, "exact");
    assert.equal(rel.is_virtual, true);
    assert.equal(rel.always_fetch, false);
    assert.equal(rel.junction_table, null);
  });

  test("a name, label and alias given are kept", () => {
    const rel = build({ ...belongsTo, name: "owner", label: "Owner", alias: "who" });
    assert.deepEqual([rel.name, rel.label, rel.alias], ["owner", "Owner", "who"]);
  });

  test("many_many across three services fills the junction", () => {
    const rel = build(
      {
        type: "many_many",
        field: "emp_no",
        ref_service: "crm",
        ref_table: "contact",
        ref_field: "id",
        junction_service: "ops",
        junction_table: "assignment",
        junction_field: "emp_no",
        junction_ref_field: "contact_id",
      },
      "hr",
      "employees",
    );
    assert.equal(rel.name, "crm.contact_by_ops.assignment");
    assert.deepEqual(rel.junction_field, ["emp_no"]);
    assert.deepEqual(rel.junction_ref_field, ["contact_id"]);
    assert.equal(rel.key_comparison, "exact");
  });
});

describe("validation names the field at fault", () => {
  test("unknown service", () => {
    refused(
      { ...belongsTo, ref_service: "nosuch" },
      "resource[0].ref_service",
      /service "nosuch" does not exist/,
    );
  });

  test("a service that is down cannot be checked", () => {
    refused({ ...belongsTo, ref_service: "down" }, "resource[0].ref_service", /unavailable/);
  });

  test("unknown table", () => {
    refused(
      { ...belongsTo, ref_table: "nosuch" },
      "resource[0].ref_table",
      /table "nosuch" does not exist in service "crm"/,
    );
  });

  test("the relationship's own table must exist", () => {
    refused(belongsTo, "resource[0].table", /table "nosuch"/, "hr", "nosuch");
  });

  test("unknown local column", () => {
    refused(
      { ...belongsTo, field: "nosuch" },
      "resource[0].field",
      /column "nosuch" does not exist in hr.todo/,
    );
  });

  test("unknown referenced column, by position in a list", () => {
    refused(
      { ...belongsTo, field: ["assigned_to", "id"], ref_field: ["display_name", "nosuch"] },
      "resource[0].ref_field[1]",
      /column "nosuch" does not exist in crm.contact/,
    );
  });

  test("a column listed twice", () => {
    refused(
      { ...belongsTo, field: ["id", "id"], ref_field: ["id", "code"] },
      "resource[0].field[1]",
      /listed twice/,
    );
  });

  test("field lists of different lengths", () => {
    refused(
      { ...belongsTo, field: ["assigned_to", "id"] },
      "resource[0].ref_field",
      /as many columns as field \(2\), not 1/,
    );
  });

  test("many_many needs every junction field", () => {
    const base = {
      type: "many_many",
      field: "emp_no",
      ref_service: "crm",
      ref_table: "contact",
      ref_field: "id",
    };
    refused(base, "resource[0].junction_table", /required for a many_many/, "hr", "employees");
    refused(
      { ...base, junction_service: "ops", junction_table: "assignment", junction_field: "emp_no" },
      "resource[0].junction_ref_field",
      /required/,
      "hr",
      "employees",
    );
  });

  test("junction columns must exist and match the key lengths", () => {
    const base = {
      type: "many_many",
      field: "emp_no",
      ref_service: "crm",
      ref_table: "contact",
      ref_field: "id",
      junction_service: "ops",
      junction_table: "assignment",
      junction_field: "emp_no",
      junction_ref_field: "contact_id",
    };
    refused(
      { ...base, junction_table: "nosuch" },
      "resource[0].junction_table",
      /does not exist in service "ops"/,
      "hr",
      "employees",
    );
    refused(
      { ...base, junction_ref_field: "nosuch" },
      "resource[0].junction_ref_field",
      /column "nosuch"/,
      "hr",
      "employees",
    );
    refused(
      { ...base, junction_field: ["emp_no", "contact_key"] },
      "resource[0].junction_field",
      /as many columns as field \(1\), not 2/,
      "hr",
      "employees",
    );
  });

  test("junction fields on a relationship that is not many_many", () => {
    refused(
      { ...belongsTo, junction_table: "assignment" },
      "resource[0].junction_table",
      /only used by many_many/,
    );
  });

  test("types are limited to the four", () => {
    refused(
      { ...belongsTo, type: "has_few" },
      "resource[0].type",
      /belongs_to, has_one, has_many, many_many/,
    );
  });

  test("required fields and their types", () => {
    const { ref_table: _, ...noRefTable } = belongsTo;
    refused(noRefTable, "resource[0].ref_table", /is required/);
    refused({ ...belongsTo, field: 7 }, "resource[0].field", /a column name or a list of column names/);
    refused({ ...belongsTo, field: [] }, "resource[0].field", /at least one column/);
    refused({ ...belongsTo, always_fetch: "yes" }, "resource[0].always_fetch", /true or false/);
    refused({ ...belongsTo, colour: "red" }, "resource[0].colour", /unknown field/);
  });

  test("a name longer than a PostgreSQL identifier", () => {
    refused({ ...belongsTo, alias: "a".repeat(64) }, "resource[0].alias", /longer than 63 bytes/);
  });
});

describe("key comparison", () => {
  test("integer against bigint compares exactly", () => {
    const rel = build({
      type: "belongs_to",
      field: "owner_id",
      ref_service: "crm",
      ref_table: "contact",
      ref_field: "id",
    });
    assert.equal(rel.key_comparison, "exact");
  });

  test("integer against text has no = in PostgreSQL: inferred as text", () => {
    const rel = build({
      type: "belongs_to",
      field: "id",
      ref_service: "crm",
      ref_table: "contact",
      ref_field: "display_name",
    });
    assert.equal(rel.key_comparison, "text");
  });

  test("CHAR against VARCHAR: trim", () => {
    const rel = build({
      type: "belongs_to",
      field: "code",
      ref_service: "crm",
      ref_table: "contact",
      ref_field: "code",
    });
    assert.equal(rel.key_comparison, "trim");
  });

  test("one incomparable pair of a multi-column key makes the whole key text", () => {
    const rel = build({
      type: "belongs_to",
      field: ["owner_id", "id"],
      ref_service: "crm",
      ref_table: "contact",
      ref_field: ["id", "region"],
    });
    assert.equal(rel.key_comparison, "text");
  });

  test("json has no =: inferred as text", () => {
    const rel = build({
      type: "belongs_to",
      field: "title",
      ref_service: "crm",
      ref_table: "contact",
      ref_field: "profile",
    });
    assert.equal(rel.key_comparison, "text");
  });

  test("an explicit exact is checked", () => {
    refused(
      {
        type: "belongs_to",
        field: "id",
        ref_service: "crm",
        ref_table: "contact",
        ref_field: "display_name",
        key_comparison: "exact",
      },
      "resource[0].key_comparison",
      /integer \(id\) and character varying\(100\) \(display_name\)/,
    );
  });

  test("an explicit casefold is kept", () => {
    const rel = build({ ...belongsTo, key_comparison: "casefold" });
    assert.equal(rel.key_comparison, "casefold");
  });

  test("many_many checks both junction pairs", () => {
    const rel = build(
      {
        type: "many_many",
        field: "emp_no",
        ref_service: "crm",
        ref_table: "contact",
        ref_field: "id",
        junction_service: "ops",
        junction_table: "assignment",
        junction_field: "emp_no",
        junction_ref_field: "contact_key",
      },
      "hr",
      "employees",
    );
    assert.equal(rel.key_comparison, "text");
  });
});
