import assert from "node:assert/strict";
import { test } from "node:test";
import type { Relationship } from "../../../src/catalog/relationships/types.ts";
import { Oid } from "../../../src/common/pg-types.ts";
import type { SourceTable } from "../../../src/connectors/spi.ts";
import type { BoundExpr } from "../../../src/planner/bound-expr.ts";
import { atMostOneMatch, cardinalityEstimate } from "../../../src/planner/join-cardinality.ts";
import type { PlannerCatalog, Scan } from "../../../src/planner/plan-select.ts";

function scan(id: number, service: string, name: string, columns: string[], offset: number): Scan {
  const table = {
    name,
    columns: columns.map((c, i) => ({ name: c, ordinal: i + 1 })),
  } as unknown as SourceTable;
  return { id, service, table, alias: name, offset, offered: [], nullable: false, keptInMemory: [] };
}

const col = (index: number): BoundExpr => ({ kind: "column", index, type: Oid.int4, typmod: -1 });

function rel(over: Partial<Relationship>): Relationship {
  return {
    service: "my",
    table: "todo",
    name: "pg.contact_by_contact_id",
    alias: null,
    label: "",
    description: null,
    type: "belongs_to",
    field: ["contact_id"],
    is_virtual: true,
    ref_service: "pg",
    ref_table: "contact",
    ref_field: ["id"],
    junction_service: null,
    junction_table: null,
    junction_field: null,
    junction_ref_field: null,
    always_fetch: false,
    key_comparison: "exact",
    ...over,
  };
}

// todo(id, contact_id, reviewer_id) at 0..2, contact(id, name) at 3..4
const scans = [
  scan(0, "my", "todo", ["id", "contact_id", "reviewer_id"], 0),
  scan(1, "pg", "contact", ["id", "name"], 3),
];
const catalogWith = (rels: Relationship[]) =>
  ({
    relationships: (service: string, table: string) =>
      rels.filter((r) => r.service === service && r.table === table),
  }) as unknown as PlannerCatalog;

test("keys equal to a belongs_to's field ↔ ref_field make the referencing side match at most once", () => {
  const catalog = catalogWith([rel({})]);
  assert.equal(atMostOneMatch([col(1)], [col(3)], scans, catalog)?.referencing, "left");
  assert.equal(atMostOneMatch([col(3)], [col(1)], scans, catalog)?.referencing, "right");
  assert.equal(atMostOneMatch([col(2)], [col(3)], scans, catalog), null, "another column");
  assert.equal(atMostOneMatch([col(1), col(0)], [col(3), col(3)], scans, catalog), null, "an extra key");
});

test("has_many and many_many say nothing about at most one match; has_one does", () => {
  for (const type of ["has_many", "many_many"] as const)
    assert.equal(atMostOneMatch([col(1)], [col(3)], scans, catalogWith([rel({ type })])), null, type);
  assert.ok(atMostOneMatch([col(1)], [col(3)], scans, catalogWith([rel({ type: "has_one" })])));
  assert.equal(atMostOneMatch([col(1)], [col(3)], scans, catalogWith([rel({ ref_service: "other" })])), null);
});

test("the estimate is the referencing side's for inner joins and outer joins that keep it", () => {
  const match = { referencing: "left" as const, relationship: rel({}) };
  assert.equal(cardinalityEstimate("inner", match, 30, 800, 800), 30);
  assert.equal(cardinalityEstimate("left", match, 30, 800, 800), 30);
  assert.equal(cardinalityEstimate("right", match, 30, 800, 800), 800);
  assert.equal(cardinalityEstimate("full", match, 30, 800, 800), 800);
  assert.equal(cardinalityEstimate("inner", null, 30, 800, 800), 800);
});
