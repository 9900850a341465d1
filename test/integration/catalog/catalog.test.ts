import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Catalog, type CatalogLogger } from "../../../src/catalog/catalog.ts";
import { type Mirror, openMirror } from "../../../src/catalog/mirror.ts";
import { PgError } from "../../../src/common/pg-error.ts";
import type { Capabilities, Connector, ServiceConfig, SourceSchema } from "../../../src/connectors/spi.ts";
import { col, shopSchema, T, table } from "./fixture-schema.ts";
import { ctxOf, textRows } from "./mirror-helpers.ts";

/** A connector test double: connect() fails `failures` times, introspect() returns `schema`. */
class FakeConnector implements Connector {
  readonly config: ServiceConfig;
  readonly capabilities = {} as Capabilities;
  readonly compiler = { compile: () => ({ text: "", params: [], returnsRows: false }) };
  readonly nativeSchema = null;
  connects = 0;
  connectTimes: number[] = [];
  closed = false;
  constructor(
    name: string,
    public schema: SourceSchema,
    public failures = 0,
  ) {
    this.config = { name, kind: "postgres", url: "postgres://nowhere" };
  }
  async connect(): Promise<void> {
    this.connects++;
    this.connectTimes.push(Date.now());
    if (this.failures > 0) {
      this.failures--;
      throw new PgError("08006", `service "${this.config.name}": connection refused`);
    }
  }
  async introspect(
    onProgress?: (e: { table: string; done: number; total: number }) => void,
  ): Promise<SourceSchema> {
    this.schema.tables.forEach((t, i) => {
      onProgress?.({ table: t.name, done: i + 1, total: this.schema.tables.length });
    });
    return this.schema;
  }
  run(): never {
    throw new Error("not used");
  }
  begin(): never {
    throw new Error("not used");
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function recordingLogger(): CatalogLogger & { lines: { level: string; obj: object; msg?: string }[] } {
  const lines: { level: string; obj: object; msg?: string }[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: "info", obj, msg }),
    warn: (obj, msg) => lines.push({ level: "warn", obj, msg }),
    error: (obj, msg) => lines.push({ level: "error", obj, msg }),
  };
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("Catalog", () => {
  let mirror: Mirror;
  before(async () => {
    mirror = await openMirror({ dataDir: null, database: "weft", users: ["alice"] });
  });
  after(async () => {
    await mirror?.close();
  });

  test("start brings services up, applies them to the mirror; a down one is retried with backoff", async () => {
    const up = new FakeConnector("shop", shopSchema());
    const flaky = new FakeConnector("crm", { tables: [table("contacts", [col("id", 1, T.int4)])] }, 3);
    const logger = recordingLogger();
    const catalog = new Catalog(mirror, [up, flaky], logger, { retryMs: 40 });
    try {
      await catalog.start();
      assert.equal(catalog.service("shop")?.status, "up");
      assert.equal(catalog.table("shop", "orders")?.columns.length, 7);
      assert.ok(mirror.tableOid("shop", "orders"));
      assert.ok(catalog.service("shop")?.lastRefresh instanceof Date);

      const crm = catalog.service("crm")!;
      assert.equal(crm.status, "down");
      assert.equal(crm.error?.code, "08006");
      assert.ok(
        logger.lines.some((l) => l.level === "error" && (l.obj as { service?: string }).service === "crm"),
      );
      assert.throws(
        () => catalog.requireUp("crm"),
        (e: unknown) =>
          e instanceof PgError && e.code === "08006" && /^service "crm" is unavailable: /.test(e.message),
      );
      assert.equal(catalog.requireUp("shop").config.name, "shop");

      await waitFor(() => crm.status === "up");
      assert.equal(flaky.connects, 4);
      const gaps = flaky.connectTimes.slice(1).map((t, i) => t - flaky.connectTimes[i]);
      // 40, 80, 160 ms: each wait at least the configured delay and growing
      assert.ok(gaps[0] >= 35 && gaps[1] >= 75 && gaps[2] >= 150, `gaps ${gaps.join(", ")}`);
      assert.equal(crm.error, null);
      assert.ok(mirror.tableOid("crm", "contacts"));
      assert.deepEqual(
        catalog.services().map((s) => s.config.name),
        ["shop", "crm"],
      );
    } finally {
      await catalog.close();
    }
    assert.ok(up.closed && flaky.closed);
  });

  test("refresh re-introspects and applies the change to the mirror", async () => {
    const conn = new FakeConnector("inv", { tables: [table("items", [col("id", 1, T.int4)])] });
    const catalog = new Catalog(mirror, [conn], recordingLogger(), { retryMs: 40 });
    try {
      await catalog.start();
      const oid = mirror.tableOid("inv", "items");
      conn.schema = {
        tables: [
          table("items", [col("id", 1, T.int4), col("sku", 2, T.text)]),
          table("bins", [col("id", 1, T.int4)]),
        ],
      };
      const progress: string[] = [];
      const report = await catalog.refresh("inv", (e) => progress.push(`${e.table} ${e.done}/${e.total}`));
      assert.deepEqual(report, [{ service: "inv", status: "up", tables: 2 }]);
      assert.deepEqual(progress, ["items 1/2", "bins 2/2"]);
      assert.equal(mirror.tableOid("inv", "items"), oid);
      assert.deepEqual(
        await textRows(
          mirror,
          "SELECT column_name FROM information_schema.columns WHERE table_schema = 'inv' AND table_name = 'items' ORDER BY ordinal_position",
          ctxOf("alice"),
        ),
        [["id"], ["sku"]],
      );
      assert.ok(catalog.table("inv", "bins"));
      const all = await catalog.refresh();
      assert.deepEqual(all, [{ service: "inv", status: "up", tables: 2 }]);
      await assert.rejects(
        () => catalog.refresh("nope"),
        (e: unknown) => e instanceof PgError && e.code === "3F000",
      );
    } finally {
      await catalog.close();
    }
  });

  test("a failing refresh marks the service down and names it", async () => {
    const conn = new FakeConnector("ledger", { tables: [] });
    const catalog = new Catalog(mirror, [conn], recordingLogger(), { retryMs: 10_000 });
    try {
      await catalog.start();
      conn.introspect = async () => {
        throw new Error("socket hang up");
      };
      const [report] = await catalog.refresh("ledger");
      assert.equal(report.status, "down");
      assert.equal(report.error, 'service "ledger": socket hang up');
      assert.throws(
        () => catalog.requireUp("ledger"),
        (e: unknown) => e instanceof PgError && e.code === "08006" && e.message.includes('"ledger"'),
      );
    } finally {
      await catalog.close();
    }
  });

  test("close stops retries", async () => {
    const dead = new FakeConnector("dead", { tables: [] }, 1000);
    const catalog = new Catalog(mirror, [dead], recordingLogger(), { retryMs: 20 });
    await catalog.start();
    await catalog.close();
    const count = dead.connects;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(dead.connects, count);
    assert.ok(dead.closed);
  });
});
