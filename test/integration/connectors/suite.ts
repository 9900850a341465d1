/**
 * The shared connector suite: every backend runs the same checks against a fresh database built
 * by its setup (fixture DDL and data, expected types and values in that backend's terms).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { PgError } from "../../../src/common/pg-error.ts";
import type { Row } from "../../../src/common/row.ts";
import { createConnector } from "../../../src/connectors/registry.ts";
import type { Connector, NativeQuery, ServiceConfig, SourceTable } from "../../../src/connectors/spi.ts";

export interface BackendDatabase {
  config: ServiceConfig;
  /** runs setup SQL directly on the backend (not through the connector) */
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

export interface ExpectedTable {
  /** column name → Postgres SQL spelling */
  types: Record<string, string>;
  primaryKey: string[];
  uniqueKeys: string[][];
  foreignKeys: { columns: string[]; refTable: string; refColumns: string[] }[];
  /** index names that must be listed (others may be too) */
  indexes: string[];
  comment: string | null;
  columnComments?: Record<string, string>;
  defaults?: Record<string, string | null>;
}

export interface BackendSetup {
  name: string;
  createDatabase(): Promise<BackendDatabase>;
  fixture: string[];
  tables: Record<string, ExpectedTable>;
  view: string;
  /** selects every column of `typed` ordered by id */
  selectTyped: string;
  /** the canonical rows of selectTyped */
  typedRows: Row[];
  /** one parameter per placeholder; returns the parameter back as a text column named v */
  echoText(): NativeQuery;
  insertParent(id: number, code: string): NativeQuery;
  countParents(): NativeQuery;
  /** n rows of (i integer, payload ~1 KB text) */
  generate(n: number): NativeQuery;
  /** runs for at least 30 s unless cancelled */
  longQuery: NativeQuery;
  errors: { name: string; query: NativeQuery; code: string }[];
  /** a config pointing at a backend that does not answer */
  downConfig: ServiceConfig;
  extra?: (ctx: () => Connector) => void;
}

async function collect(connector: Connector, query: NativeQuery, resultTypes?: SourceTable["columns"]) {
  const result = await connector.run(query, { resultTypes: resultTypes?.map((c) => c.type) });
  const rows: Row[] = [];
  for await (const batch of result.batches) rows.push(...batch);
  return { rows, columns: result.columns, affected: result.affectedRows() };
}

async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<PgError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof PgError, `expected PgError, got ${err}`);
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    if (message) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected an error ${code}`);
}

export function connectorSuite(setup: BackendSetup): void {
  describe(`${setup.name} connector`, () => {
    let db: BackendDatabase;
    let connector: Connector;
    let typedTable: SourceTable;

    before(async () => {
      db = await setup.createDatabase();
      for (const sql of setup.fixture) await db.exec(sql);
      connector = createConnector({ ...db.config, pool: 2 });
      await connector.connect();
    });

    after(async () => {
      await connector?.close();
      await db?.drop();
    });

    test("introspects tables, types, keys, comments, estimates and the view", async () => {
      const progress: string[] = [];
      const schema = await connector.introspect((e) => progress.push(`${e.table}:${e.done}/${e.total}`));
      const byName = new Map(schema.tables.map((t) => [t.name, t]));
      assert.equal(progress.length, schema.tables.length);
      assert.ok(!schema.tables.some((t) => t.name.startsWith("sqlite_")));
      for (const [name, expected] of Object.entries(setup.tables)) {
        const table = byName.get(name);
        assert.ok(table, `table ${name} introspected`);
        assert.equal(table.kind, "table");
        const types = Object.fromEntries(table.columns.map((c) => [c.name, c.type.sql]));
        assert.deepEqual(types, expected.types, `types of ${name}`);
        assert.deepEqual(
          table.columns.map((c) => c.ordinal),
          table.columns.map((_c, i) => i + 1),
        );
        assert.deepEqual(table.primaryKey?.columns ?? [], expected.primaryKey);
        assert.deepEqual(
          table.uniqueKeys.map((k) => k.columns),
          expected.uniqueKeys,
          `unique keys of ${name}`,
        );
        assert.deepEqual(
          table.foreignKeys.map((f) => ({
            columns: f.columns,
            refTable: f.refTable,
            refColumns: f.refColumns,
          })),
          expected.foreignKeys,
        );
        const indexNames = table.indexes.map((i) => i.name);
        for (const ix of expected.indexes) assert.ok(indexNames.includes(ix), `index ${ix} in ${indexNames}`);
        assert.equal(table.comment, expected.comment);
        for (const [col, comment] of Object.entries(expected.columnComments ?? {})) {
          assert.equal(table.columns.find((c) => c.name === col)?.comment, comment, `comment of ${col}`);
        }
        for (const [col, def] of Object.entries(expected.defaults ?? {})) {
          assert.equal(table.columns.find((c) => c.name === col)?.defaultExpr, def, `default of ${col}`);
        }
        assert.ok(table.rowEstimate > 0, `row estimate of ${name}: ${table.rowEstimate}`);
      }
      const view = byName.get(setup.view);
      assert.equal(view?.kind, "view");
      assert.ok((view?.columns.length ?? 0) > 0);
      typedTable = byName.get("typed")!;
      const pk = typedTable.columns.find((c) => c.name === "id")!;
      assert.equal(pk.nullable, false);
    });

    test("returns exact canonical values for every mapped type", async () => {
      const { rows, columns } = await collect(
        connector,
        { text: setup.selectTyped, params: [], returnsRows: true },
        typedTable.columns,
      );
      assert.deepEqual(
        columns,
        typedTable.columns.map((c) => c.name),
      );
      assert.deepEqual(rows, setup.typedRows);
    });

    test("binds text parameters without splicing: quotes, backslashes, emoji, NUL-free unicode", async () => {
      const tricky = [
        "it's",
        'say "hi"',
        "back\\slash\\",
        "\\'; DROP TABLE typed; --",
        "héllo 😀 世界",
        "",
        "%_",
      ];
      for (const value of tricky) {
        const q = setup.echoText();
        const { rows } = await collect(connector, { ...q, params: [value] });
        assert.deepEqual(rows, [[value]]);
      }
    });

    test("streams 100 000 rows in batches without buffering them all", async () => {
      const baseline = process.memoryUsage().heapUsed;
      let peak = 0;
      let batches = 0;
      let total = 0;
      let lastI = 0;
      const result = await connector.run(setup.generate(100_000), { batchSize: 1000 });
      for await (const batch of result.batches) {
        batches++;
        assert.ok(batch.length <= 1000 && batch.length > 0);
        for (const row of batch) {
          assert.equal(Number(row[0]), lastI + 1);
          lastI = Number(row[0]);
        }
        total += batch.length;
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      }
      assert.equal(total, 100_000);
      assert.ok(batches >= 100, `batches: ${batches}`);
      // 100 000 rows of ~1 KB would be ~100 MB (more as JS strings) if buffered
      assert.ok(peak < 60 * 1024 * 1024, `heap grew by ${Math.round(peak / 1024 / 1024)} MB`);
      assert.equal(result.affectedRows(), null);
    });

    test("close() mid-stream releases the connection: more runs than the pool size still work", async () => {
      for (let i = 0; i < 5; i++) {
        const result = await connector.run(setup.generate(100_000), { batchSize: 100 });
        const it = result.batches[Symbol.asyncIterator]();
        const first = await it.next();
        assert.equal(first.done, false);
        assert.equal((first.value as Row[]).length, 100);
        await result.close();
      }
      for (let i = 0; i < 6; i++) {
        const { rows } = await collect(connector, setup.countParents());
        assert.equal(rows.length, 1);
      }
      // breaking out of for-await closes too
      for (let i = 0; i < 3; i++) {
        const result = await connector.run(setup.generate(50_000), { batchSize: 10 });
        for await (const _batch of result.batches) break;
      }
      const { rows } = await collect(connector, setup.countParents());
      assert.equal(rows.length, 1);
    });

    test("a cancelled long query rejects with 57014 and the service stays usable", async () => {
      const controller = new AbortController();
      const started = Date.now();
      const run = (async () => {
        const result = await connector.run(setup.longQuery, { signal: controller.signal, batchSize: 100 });
        for await (const _batch of result.batches) {
          // consume until cancelled
        }
      })();
      setTimeout(() => controller.abort(), 300);
      const err = await rejectsWith(run, "57014", /canceling statement due to user request/);
      assert.equal(err.code, "57014");
      assert.ok(Date.now() - started < 20_000, "the cancel stopped the statement early");
      const { rows } = await collect(connector, setup.countParents());
      assert.equal(rows.length, 1);
      // an already-aborted signal never starts the statement
      await rejectsWith(connector.run(setup.countParents(), { signal: AbortSignal.abort() }), "57014");
    });

    test("transactions commit, roll back and roll back to a savepoint", async () => {
      const count = async () => Number((await collect(connector, setup.countParents())).rows[0]![0]);
      const before = await count();

      const rolled = await connector.begin();
      const ins = await rolled.run(setup.insertParent(100, "r100"));
      for await (const _b of ins.batches) {
      }
      assert.equal(ins.affectedRows(), 1);
      await rolled.rollback();
      assert.equal(await count(), before);

      const committed = await connector.begin();
      await (await committed.run(setup.insertParent(101, "c101"))).close();
      await committed.savepoint("sp1");
      await (await committed.run(setup.insertParent(102, "c102"))).close();
      await committed.rollbackToSavepoint("sp1");
      await committed.savepoint("sp2");
      await (await committed.run(setup.insertParent(103, "c103"))).close();
      await committed.releaseSavepoint("sp2");
      await committed.commit();
      assert.equal(await count(), before + 2);
      await assert.rejects(committed.commit(), (e: unknown) => e instanceof PgError && e.code === "25P01");

      const write = await connector.run(setup.insertParent(104, "w104"));
      assert.equal(write.affectedRows(), 1);
      assert.equal(await count(), before + 3);
    });

    test("maps backend errors to Postgres SQLSTATEs", async () => {
      for (const { name, query, code } of setup.errors) {
        try {
          await rejectsWith(collect(connector, query), code);
        } catch (err) {
          throw new Error(`${name}: ${(err as Error).message}`);
        }
      }
      // the pool survives every failure
      const { rows } = await collect(connector, setup.countParents());
      assert.equal(rows.length, 1);
    });

    test("a backend that does not answer is 08006 naming the service", async () => {
      const down = createConnector(setup.downConfig);
      await rejectsWith(
        down.connect(),
        "08006",
        new RegExp(`service "${setup.downConfig.name}" is unavailable`),
      );
    });

    setup.extra?.(() => connector);
  });
}

/** A name no other run uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}
