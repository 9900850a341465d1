import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CatalogError } from "../../../src/catalog/relationships/types.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

describe("relationships in a running Weft: declared in the config and discovered", () => {
  let t: TestWeft;
  before(async () => {
    t = await startTestWeft({
      relationships: [
        {
          service: "hr",
          table: "todo",
          type: "belongs_to",
          field: "assigned_to",
          ref_service: "crm",
          ref_table: "contact",
          ref_field: "display_name",
          always_fetch: true,
        },
        {
          service: "crm",
          table: "employee_status",
          type: "has_one",
          field: "emp_no",
          ref_service: "hr",
          ref_table: "employees",
          ref_field: "emp_no",
          alias: "employee",
        },
      ],
    });
  });
  after(() => t?.stop());

  test("a config relationship is listed with generated name and label, virtual", () => {
    const [rel, ...rest] = t.weft.catalog.relationships.forTable("hr", "todo");
    assert.equal(rest.length, 0);
    assert.deepEqual(rel, {
      service: "hr",
      table: "todo",
      name: "crm.contact_by_assigned_to",
      alias: null,
      label: "Crm Contact By Assigned To",
      description: null,
      type: "belongs_to",
      field: ["assigned_to"],
      is_virtual: true,
      ref_service: "crm",
      ref_table: "contact",
      ref_field: ["display_name"],
      junction_service: null,
      junction_table: null,
      junction_field: null,
      junction_ref_field: null,
      always_fetch: true,
      key_comparison: "exact",
    });
  });

  test("has_one is named after the referenced field and keeps its alias", () => {
    const [rel] = t.weft.catalog.relationships.forTable("crm", "employee_status");
    assert.equal(rel?.name, "hr.employees_by_emp_no");
    assert.equal(rel?.alias, "employee");
  });

  test("a foreign key is listed on both tables, not virtual", () => {
    const employees = t.weft.catalog.relationships.forTable("hr", "employees");
    const belongs = employees.find((r) => r.name === "departments_by_dept_no");
    assert.equal(belongs?.type, "belongs_to");
    assert.equal(belongs?.is_virtual, false);
    assert.deepEqual(belongs?.field, ["dept_no"]);
    assert.deepEqual(belongs?.ref_field, ["dept_no"]);
    const departments = t.weft.catalog.relationships.forTable("hr", "departments");
    const many = departments.find((r) => r.name === "employees_by_dept_no");
    assert.equal(many?.type, "has_many");
    assert.equal(many?.is_virtual, false);
    assert.equal(many?.ref_table, "employees");
  });

  test("the snapshot lists every relationship at the store's version", () => {
    const snapshot = t.weft.catalog.relationships.snapshot();
    assert.equal(snapshot.version, 0);
    assert.equal(snapshot.relationships.length, 4);
  });

  test("config and discovered relationships are read-only", async () => {
    const relationships = t.weft.catalog.relationships;
    await assert.rejects(
      relationships.remove("hr", "todo", ["crm.contact_by_assigned_to"]),
      (err) => err instanceof CatalogError && err.kind === "read_only",
    );
    await assert.rejects(
      relationships.update("hr", "employees", "departments_by_dept_no", { description: "x" }),
      (err) => err instanceof CatalogError && err.kind === "read_only",
    );
  });
});
