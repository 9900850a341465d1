import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MemoryRelationshipStore } from "../../../../src/catalog/relationships/memory-store.ts";
import {
  CatalogRelationships,
  type DeclaredRelationship,
} from "../../../../src/catalog/relationships/relationship-catalog.ts";
import {
  CatalogError,
  type CatalogErrorKind,
  type RelationshipInput,
  type RelationshipSnapshot,
} from "../../../../src/catalog/relationships/types.ts";
import { postgresEquality } from "../../../../src/relationship-wiring.ts";
import { fixtureLookup } from "./fixtures.ts";

const silent = { info() {}, warn() {}, error() {} };

async function started(declared: DeclaredRelationship[] = []) {
  const store = new MemoryRelationshipStore();
  const catalog = new CatalogRelationships({
    store,
    declared,
    lookup: fixtureLookup(),
    comparable: postgresEquality,
    logger: silent,
  });
  await catalog.start();
  return { catalog, store };
}

function failsWith(kind: CatalogErrorKind, field?: string) {
  return (err: unknown) => {
    assert.ok(err instanceof CatalogError, String(err));
    assert.equal(err.kind, kind, err.message);
    if (field !== undefined) assert.equal(err.field, field);
    return true;
  };
}

const toContact: RelationshipInput = {
  type: "belongs_to",
  field: "assigned_to",
  ref_service: "crm",
  ref_table: "contact",
  ref_field: "display_name",
};

describe("discovered foreign keys", () => {
  test("each is a belongs_to and a has_many, read-only; a self-reference gets distinct names", async () => {
    const { catalog } = await started();
    const names = catalog
      .forTable("hr", "employees")
      .map((r) => `${r.type} ${r.name} ${r.is_virtual}`)
      .sort();
    assert.deepEqual(names, [
      "belongs_to departments_by_dept_no false",
      "belongs_to employees_by_manager false",
      "has_many employees_by_manager_2 false",
    ]);
    assert.deepEqual(
      catalog.forTable("hr", "departments").map((r) => [r.type, r.name, r.ref_table, r.ref_field]),
      [["has_many", "employees_by_dept_no", "employees", ["dept_no"]]],
    );
    await assert.rejects(
      catalog.remove("hr", "employees", ["departments_by_dept_no"]),
      failsWith("read_only"),
    );
  });
});

describe("writes", () => {
  test("create stores, raises the version and tells listeners", async () => {
    const { catalog } = await started();
    const seen: RelationshipSnapshot[] = [];
    catalog.onChange((s) => seen.push(s));
    const [rel] = await catalog.create("hr", "todo", [toContact], 0);
    assert.equal(rel?.name, "crm.contact_by_assigned_to");
    assert.equal(catalog.snapshot().version, 1);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.version, 1);
    assert.ok(seen[0]?.relationships.some((r) => r.name === "crm.contact_by_assigned_to"));
  });

  test("all or nothing: one bad input in a batch stores none", async () => {
    const { catalog, store } = await started();
    await assert.rejects(
      catalog.create("hr", "todo", [toContact, { ...toContact, name: "other", ref_field: "nosuch" }]),
      failsWith("invalid", "resource[1].ref_field"),
    );
    assert.equal((await store.load()).version, 0);
    assert.equal(catalog.forTable("hr", "todo").length, 0);
  });

  test("a stale ifMatch is a conflict and writes nothing", async () => {
    const { catalog } = await started();
    await catalog.create("hr", "todo", [toContact], 0);
    await assert.rejects(
      catalog.create("hr", "todo", [{ ...toContact, name: "second" }], 0),
      failsWith("conflict"),
    );
    assert.equal(catalog.snapshot().version, 1);
    assert.equal(catalog.forTable("hr", "todo").length, 1);
  });

  test("a name or alias already taken is a conflict; a repeat within one request is invalid", async () => {
    const { catalog } = await started();
    await catalog.create("hr", "todo", [{ ...toContact, alias: "contact" }]);
    await assert.rejects(
      catalog.create("hr", "todo", [toContact]),
      failsWith("conflict", "resource[0].name"),
    );
    await assert.rejects(
      catalog.create("hr", "todo", [{ ...toContact, name: "x", alias: "crm.contact_by_assigned_to" }]),
      failsWith("conflict", "resource[0].alias"),
    );
    await assert.rejects(
      catalog.create("hr", "todo", [{ ...toContact, name: "contact" }]),
      failsWith("conflict", "resource[0].name"),
    );
    await assert.rejects(
      catalog.create("hr", "todo", [
        { ...toContact, name: "a" },
        { ...toContact, name: "b", alias: "a" },
      ]),
      failsWith("invalid", "resource[1].alias"),
    );
  });

  test("an alias or a name without alias may not be a column of the table", async () => {
    const { catalog } = await started();
    await assert.rejects(
      catalog.create("hr", "todo", [{ ...toContact, alias: "title" }]),
      failsWith("invalid", "resource[0].alias"),
    );
    await assert.rejects(
      catalog.create("hr", "todo", [{ ...toContact, name: "title" }]),
      failsWith("invalid", "resource[0].name"),
    );
    const [rel] = await catalog.create("hr", "todo", [{ ...toContact, name: "title", alias: "contact" }]);
    assert.equal(rel?.alias, "contact");
  });

  test("a name generated like a discovered foreign key's is taken", async () => {
    const { catalog } = await started();
    await assert.rejects(
      catalog.create("hr", "employees", [
        { type: "belongs_to", field: "dept_no", ref_table: "departments", ref_field: "dept_no" },
      ]),
      failsWith("conflict", "resource[0].name"),
    );
  });

  test("the table of the path must exist", async () => {
    const { catalog } = await started();
    await assert.rejects(catalog.create("nosuch", "todo", [toContact]), failsWith("not_found", "service"));
    await assert.rejects(catalog.create("hr", "nosuch", [toContact]), failsWith("not_found", "table"));
    await assert.rejects(catalog.create("hr", "todo", []), failsWith("invalid", "resource"));
  });

  test("update keeps the name, re-infers an inferred comparison when the keys change", async () => {
    const { catalog } = await started();
    await catalog.create("hr", "todo", [toContact]);
    const updated = await catalog.update("hr", "todo", "crm.contact_by_assigned_to", {
      field: "id",
      ref_field: "region",
      description: "who",
    });
    assert.equal(updated.name, "crm.contact_by_assigned_to");
    assert.deepEqual(updated.field, ["id"]);
    assert.equal(updated.key_comparison, "text");
    assert.equal(updated.description, "who");
    assert.equal(catalog.snapshot().version, 2);
    await assert.rejects(
      catalog.update("hr", "todo", "crm.contact_by_assigned_to", { ref_field: "nosuch" }),
      failsWith("invalid", "ref_field"),
    );
    await assert.rejects(
      catalog.update("hr", "todo", "nosuch", { description: "x" }),
      failsWith("not_found"),
    );
    await assert.rejects(
      catalog.update("hr", "todo", "crm.contact_by_assigned_to", { description: "y" }, 1),
      failsWith("conflict"),
    );
    const renamed = await catalog.update("hr", "todo", "crm.contact_by_assigned_to", { name: "assignee" });
    assert.equal(renamed.label, "Assignee");
  });

  test("remove is all or nothing", async () => {
    const { catalog } = await started();
    await catalog.create("hr", "todo", [toContact]);
    await assert.rejects(
      catalog.remove("hr", "todo", ["crm.contact_by_assigned_to", "nosuch"]),
      failsWith("not_found"),
    );
    assert.equal(catalog.forTable("hr", "todo").length, 1);
    const removed = await catalog.remove("hr", "todo", ["crm.contact_by_assigned_to"], 1);
    assert.equal(removed.length, 1);
    assert.equal(catalog.forTable("hr", "todo").length, 0);
    assert.equal(catalog.snapshot().version, 2);
  });
});

describe("config-declared relationships", () => {
  const declared = (input: RelationshipInput): DeclaredRelationship => ({
    service: "hr",
    table: "todo",
    input,
    at: "relationships[0]",
  });

  test("are listed and read-only", async () => {
    const { catalog } = await started([declared(toContact)]);
    assert.equal(catalog.forTable("hr", "todo")[0]?.name, "crm.contact_by_assigned_to");
    await assert.rejects(
      catalog.update("hr", "todo", "crm.contact_by_assigned_to", { description: "x" }),
      failsWith("read_only"),
    );
    await assert.rejects(catalog.create("hr", "todo", [toContact]), failsWith("conflict"));
  });

  test("a wrong one stops the start, naming its config path", async () => {
    await assert.rejects(
      started([declared({ ...toContact, ref_field: "nosuch" })]),
      failsWith("invalid", "relationships[0].ref_field"),
    );
  });

  test("one naming a service that is down waits for it", async () => {
    const { catalog } = await started([declared({ ...toContact, ref_service: "down" })]);
    assert.equal(catalog.forTable("hr", "todo").length, 0);
  });
});
