import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CatalogError } from "../../../src/catalog/relationships/types.ts";
import { createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

const toContact = {
  type: "belongs_to" as const,
  field: "assigned_to",
  ref_service: "crm",
  ref_table: "contact",
  ref_field: "display_name",
};

async function within(ms: number, check: () => boolean): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - started;
}

describe("two Weft instances on one PostgreSQL catalog store", () => {
  let db: TestDatabase;
  let a: TestWeft;
  let b: TestWeft;
  before(async () => {
    db = await createPgDatabase("weft_catalog_store");
    const configure = (config: TestWeft["config"]) => {
      config.catalog = { store: "postgres", url: db.url, table: "weft.catalog" };
    };
    await db.exec("CREATE SCHEMA weft");
    [a, b] = await Promise.all([startTestWeft({ configure }), startTestWeft({ configure })]);
  });
  after(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  test("a change made on one is applied by the other within a second", async () => {
    await a.weft.catalog.relationships.create("hr", "todo", [toContact], 0);
    await within(1000, () => b.weft.catalog.relationships.snapshot().version === 1);
    assert.equal(b.weft.catalog.relationships.forTable("hr", "todo")[0]?.name, "crm.contact_by_assigned_to");

    const version = b.weft.catalog.relationships.snapshot().version;
    await b.weft.catalog.relationships.update(
      "hr",
      "todo",
      "crm.contact_by_assigned_to",
      { alias: "who" },
      version,
    );
    await within(1000, () => a.weft.catalog.relationships.forTable("hr", "todo")[0]?.alias === "who");
    assert.equal(a.weft.catalog.relationships.snapshot().version, 2);
  });

  test("versions are rows of the configured table", async () => {
    const rows = await db.exec("SELECT version::int AS v FROM weft.catalog ORDER BY version");
    assert.deepEqual(
      rows.map((r) => r.v),
      [0, 1, 2],
    );
  });

  test("concurrent writes from both with the same If-Match: one wins, the other gets a conflict", async () => {
    const version = a.weft.catalog.relationships.snapshot().version;
    const results = await Promise.allSettled([
      a.weft.catalog.relationships.create("hr", "todo", [{ ...toContact, name: "from_a" }], version),
      b.weft.catalog.relationships.create("hr", "todo", [{ ...toContact, name: "from_b" }], version),
    ]);
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r) => r.status === "rejected");
    assert.equal(fulfilled.length, 1);
    assert.equal(rejected.length, 1);
    const reason = (rejected[0] as PromiseRejectedResult).reason;
    assert.ok(reason instanceof CatalogError && reason.kind === "conflict", String(reason));
    await within(1000, () => a.weft.catalog.relationships.snapshot().version === version + 1);
    await within(1000, () => b.weft.catalog.relationships.snapshot().version === version + 1);
  });

  test("without If-Match no update is lost", async () => {
    const before = a.weft.catalog.relationships.forTable("hr", "todo").length;
    await Promise.all([
      a.weft.catalog.relationships.create("hr", "todo", [{ ...toContact, name: "a2" }]),
      b.weft.catalog.relationships.create("hr", "todo", [{ ...toContact, name: "b2" }]),
    ]);
    await within(1000, () => b.weft.catalog.relationships.forTable("hr", "todo").length === before + 2);
    await within(1000, () => a.weft.catalog.relationships.forTable("hr", "todo").length === before + 2);
  });

  test("a listener whose connection was dropped reconnects and catches up", async () => {
    const terminated = await db.exec(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    );
    assert.equal(terminated.length, 2, "each instance has one listening connection");
    await a.weft.catalog.relationships.remove("hr", "todo", ["a2"]);
    const target = a.weft.catalog.relationships.snapshot().version;
    await within(5000, () => b.weft.catalog.relationships.snapshot().version === target);
    assert.ok(!b.weft.catalog.relationships.forTable("hr", "todo").some((r) => r.name === "a2"));
    // and notifications flow again on the new connection
    await a.weft.catalog.relationships.remove("hr", "todo", ["b2"]);
    await within(1000, () => b.weft.catalog.relationships.snapshot().version === target + 1);
  });
});
