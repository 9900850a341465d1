import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { generateLabel, generateName } from "../../../../src/catalog/relationships/names.ts";

const base = {
  service: "hr",
  field: ["assigned_to"],
  ref_service: "hr",
  ref_table: "contact",
  ref_field: ["display_name"],
  junction_service: null,
  junction_table: null,
};

describe("relationship names (DreamFactory's rules)", () => {
  test("belongs_to is named after the local field", () => {
    assert.equal(generateName({ ...base, type: "belongs_to" }), "contact_by_assigned_to");
  });

  test("has_one and has_many are named after the referenced field", () => {
    assert.equal(generateName({ ...base, type: "has_one" }), "contact_by_display_name");
    assert.equal(generateName({ ...base, type: "has_many" }), "contact_by_display_name");
  });

  test("many_many is named after the junction table", () => {
    assert.equal(
      generateName({ ...base, type: "many_many", junction_service: "hr", junction_table: "assignment" }),
      "contact_by_assignment",
    );
  });

  test("a table of another service carries its service as a prefix", () => {
    assert.equal(
      generateName({ ...base, type: "belongs_to", ref_service: "crm" }),
      "crm.contact_by_assigned_to",
    );
    assert.equal(
      generateName({
        ...base,
        type: "many_many",
        ref_service: "crm",
        junction_service: "ops",
        junction_table: "assignment",
      }),
      "crm.contact_by_ops.assignment",
    );
  });

  test("several key columns are joined by _", () => {
    assert.equal(
      generateName({ ...base, type: "belongs_to", field: ["a", "b"], ref_table: "orders" }),
      "orders_by_a_b",
    );
    assert.equal(
      generateName({ ...base, type: "has_many", ref_field: ["x", "y"], ref_table: "lines" }),
      "lines_by_x_y",
    );
  });

  test("the label capitalises every word", () => {
    assert.equal(generateLabel("contact_by_assigned_to"), "Contact By Assigned To");
    assert.equal(generateLabel("crm.contact_by_ops.assignment"), "Crm Contact By Ops Assignment");
  });
});
