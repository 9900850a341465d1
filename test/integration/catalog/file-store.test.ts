import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CatalogError, type RelationshipSnapshot } from "../../../src/catalog/relationships/types.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

const toContact = {
  type: "belongs_to" as const,
  field: "assigned_to",
  ref_service: "crm",
  ref_table: "contact",
  ref_field: "display_name",
};

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("the file store in a running Weft", () => {
  let t: TestWeft;
  let path: string;
  before(async () => {
    t = await startTestWeft();
    path = join(t.stateDir, "catalog.json");
  });
  after(() => t?.stop());

  test("a write lands in <stateDir>/catalog.json with the next version", async () => {
    await t.weft.catalog.relationships.create("hr", "todo", [toContact], 0);
    const doc = JSON.parse(await readFile(path, "utf8"));
    assert.equal(doc.version, 1);
    assert.deepEqual(
      doc.relationships.map((r: { name: string }) => r.name),
      ["crm.contact_by_assigned_to"],
    );
  });

  test("a stale If-Match version is a conflict and the file keeps its version", async () => {
    await assert.rejects(
      t.weft.catalog.relationships.create("hr", "todo", [{ ...toContact, name: "again" }], 0),
      (err) => err instanceof CatalogError && err.kind === "conflict",
    );
    assert.equal(JSON.parse(await readFile(path, "utf8")).version, 1);
  });

  test("a hand edit is picked up and announced", async () => {
    const changes: RelationshipSnapshot[] = [];
    const stop = t.weft.catalog.relationships.onChange((s) => changes.push(s));
    const doc = JSON.parse(await readFile(path, "utf8"));
    doc.version = 7;
    doc.relationships[0].description = "edited by hand";
    await writeFile(path, JSON.stringify(doc));
    await waitFor(() => t.weft.catalog.relationships.snapshot().version === 7);
    stop();
    const [rel] = t.weft.catalog.relationships.forTable("hr", "todo");
    assert.equal(rel?.description, "edited by hand");
    assert.ok(changes.some((s) => s.version === 7));
  });

  test("a broken hand edit is ignored and the previous catalog stays; the next write is based on it", async () => {
    await writeFile(path, "{ this is not json");
    const semanticallyBroken = JSON.parse(
      JSON.stringify({ version: 9, relationships: t.weft.catalog.relationships.forTable("hr", "todo") }),
    );
    semanticallyBroken.relationships[0].ref_field = ["nosuch"];
    // give the watcher time to see the unparsable text first
    await new Promise((r) => setTimeout(r, 300));
    await writeFile(path, JSON.stringify(semanticallyBroken));
    await new Promise((r) => setTimeout(r, 1500));
    const snapshot = t.weft.catalog.relationships.snapshot();
    assert.equal(snapshot.version, 7);
    assert.deepEqual(t.weft.catalog.relationships.forTable("hr", "todo")[0]?.ref_field, ["display_name"]);

    // the client read version 7; its write goes on the catalog it read, above every version the file showed
    await t.weft.catalog.relationships.update(
      "hr",
      "todo",
      "crm.contact_by_assigned_to",
      { description: "d" },
      7,
    );
    const doc = JSON.parse(await readFile(path, "utf8"));
    assert.equal(doc.version, 10);
    assert.deepEqual(doc.relationships[0].ref_field, ["display_name"]);
    assert.equal(doc.relationships[0].description, "d");
  });
});
