import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createMysqlDatabase, type TestDatabase } from "../../support/databases.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// A real Weft (demo services hr and crm) with one admin and one read key.
const ADMIN = "admin-api-test-key-0123456789";
const READER = "admin-api-read-key-0123456789";
let weft: TestWeft;
let maria: TestDatabase;
let sqliteDir: string;

before(async () => {
  maria = await createMysqlDatabase("weft_api");
  await maria.exec("create table gadget (id int primary key, label varchar(20) not null)");
  await maria.exec("insert into gadget values (1, 'sprocket'), (2, 'widget')");
  sqliteDir = await mkdtemp(join(tmpdir(), "weft-api-sqlite-"));
  weft = await startTestWeft({
    configure: (config) => {
      config.admin = {
        keys: [
          { name: "ops", key: ADMIN, role: "admin" },
          { name: "viewer", key: READER, role: "read" },
        ],
      };
    },
  });
});

after(async () => {
  await weft?.stop();
  await maria?.drop();
  await rm(sqliteDir, { recursive: true, force: true });
});

type Json = Record<string, any>;
async function api(
  method: string,
  path: string,
  body?: unknown,
  key = ADMIN,
  headers: Record<string, string> = {},
) {
  const r = await fetch(`http://127.0.0.1:${weft.httpPort}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: (text ? JSON.parse(text) : null) as Json, text };
}

async function sql(text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: weft.url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

const mirrorTables = async (schema: string) =>
  (
    await sql(
      `select table_name from information_schema.tables where table_schema = '${schema}' order by table_name`,
    )
  ).map((r) => r.table_name);

describe("admin API on a running Weft", () => {
  test("a relationship made over HTTP is listed, ETag'd and refused when stale", async () => {
    const path = "/api/v2/hr/_schema/todo/_related";
    const before = await api("GET", path, undefined, READER);
    assert.equal(before.status, 200);
    const etag = before.headers.get("etag")!;
    assert.match(etag, /^"\d+"$/);
    const created = await api(
      "POST",
      path,
      {
        type: "belongs_to",
        field: "assigned_to",
        ref_service: "crm",
        ref_table: "contact",
        ref_field: "display_name",
      },
      ADMIN,
      { "if-match": etag },
    );
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.name, "crm.contact_by_assigned_to");
    assert.equal(created.body.field, "assigned_to");
    assert.equal(created.body.is_virtual, true);
    const stale = await api("PATCH", `${path}/crm.contact_by_assigned_to`, { label: "Owner" }, ADMIN, {
      "if-match": etag,
    });
    assert.equal(stale.status, 409, stale.text);
    const table = await api("GET", "/api/v2/hr/_schema/todo", undefined, READER);
    assert.deepEqual(
      table.body.related.map((r: Json) => r.name),
      ["crm.contact_by_assigned_to"],
    );
    const bad = await api("POST", path, {
      type: "belongs_to",
      field: "nope",
      ref_service: "crm",
      ref_table: "contact",
      ref_field: "id",
    });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.error.context.field, "field");
    const removed = await api("DELETE", `${path}/crm.contact_by_assigned_to`);
    assert.equal(removed.status, 200, removed.text);
    assert.equal((await api("GET", path)).body.resource.length, 0);
  });

  test("a MariaDB and a SQLite service added at run time appear in the mirror, answer, persist, and go", async () => {
    const mariaUrl = new URL(maria.url);
    const created = await api("POST", "/api/v2/_service", { name: "shop", kind: "mysql", url: maria.url });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.status, "up");
    assert.equal(created.body.tables, 1);
    assert.equal(created.body.source, "api");
    assert.deepEqual(await mirrorTables("shop"), ["gadget"]);
    assert.deepEqual(await sql("select label from shop.gadget order by id"), [
      { label: "sprocket" },
      { label: "widget" },
    ]);
    assert.equal(mariaUrl.password, "", "the test URL has no password to leak");

    const sqliteFile = join(sqliteDir, "notes.db");
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(sqliteFile);
    db.exec("create table note (id integer primary key, body text)");
    db.close();
    const notes = await api("POST", "/api/v2/_service", { name: "notes", kind: "sqlite", path: sqliteFile });
    assert.equal(notes.status, 201, notes.text);
    assert.deepEqual(await mirrorTables("notes"), ["note"]);

    const test = await api("POST", "/api/v2/_service/shop/_test");
    assert.equal(test.status, 200);
    assert.equal(test.body.ok, true, test.text);

    const saved = JSON.parse(await readFile(join(weft.stateDir, "services.json"), "utf8"));
    assert.deepEqual(
      saved.services.map((s: Json) => s.name),
      ["shop", "notes"],
    );

    // a second Weft on a state dir holding this services.json starts with both services
    const otherState = await mkdtemp(join(tmpdir(), "weft-api-restart-"));
    await copyFile(join(weft.stateDir, "services.json"), join(otherState, "services.json"));
    const restarted = await startTestWeft({
      demo: false,
      configure: (config) => {
        config.stateDir = otherState;
      },
    });
    try {
      assert.deepEqual(
        restarted.weft.catalog.services().map((s) => [s.config.name, s.status]),
        [
          ["shop", "up"],
          ["notes", "up"],
        ],
      );
    } finally {
      await restarted.stop();
      await rm(otherState, { recursive: true, force: true });
    }

    const patched = await api("PATCH", "/api/v2/_service/shop", { pool: 2 });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.pool, 2);
    assert.deepEqual(await mirrorTables("shop"), ["gadget"]);

    assert.equal((await api("DELETE", "/api/v2/_service/notes", undefined, READER)).status, 403);
    const deleted = await api("DELETE", "/api/v2/_service/notes");
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual(await mirrorTables("notes"), []);
    assert.equal((await api("DELETE", "/api/v2/_service/shop")).status, 200);
    assert.deepEqual(await mirrorTables("shop"), []);
    const after = JSON.parse(await readFile(join(weft.stateDir, "services.json"), "utf8"));
    assert.deepEqual(after.services, []);

    const configService = await api("PATCH", "/api/v2/_service/hr", { pool: 3 });
    assert.equal(configService.status, 403);
    assert.match(configService.body.error.message, /config file/);
  });

  test("a service whose password is in the URL is never shown with it", async () => {
    const secretUrl = "postgres://someone:s3cr3t-pw@127.0.0.1:1/nothing";
    const created = await api("POST", "/api/v2/_service", {
      name: "hidden",
      kind: "postgres",
      url: secretUrl,
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.status, "down");
    const listed = await api("GET", "/api/v2/_service");
    assert.doesNotMatch(listed.text, /s3cr3t/);
    assert.equal(
      (await api("GET", "/api/v2/_service/hidden")).body.url,
      "postgres://someone:***@127.0.0.1:1/nothing",
    );
    const test = await api("POST", "/api/v2/_service/hidden/_test");
    assert.equal(test.body.ok, false);
    assert.equal((await api("DELETE", "/api/v2/_service/hidden")).status, 200);
  });

  test("/metrics (no key) counts statements, errors by SQLSTATE and per-service rows and latency", async () => {
    await sql("select count(*) from hr.employees");
    await assert.rejects(sql("select * from hr.no_such_table"), /does not exist/);
    const r = await fetch(`http://127.0.0.1:${weft.httpPort}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /text\/plain/);
    const text = await r.text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
    assert.ok(value(/^weft_queries_total\{kind="service"\} (\d+)/m) >= 1, text);
    assert.ok(value(/^weft_query_errors_total\{sqlstate="42P01"\} (\d+)/m) >= 1, text);
    assert.ok(value(/^weft_service_query_duration_seconds_count\{service="hr"\} (\d+)/m) >= 1, text);
    assert.ok(value(/^weft_service_rows_total\{service="hr"\} (\d+)/m) >= 1, text);
    assert.match(text, /^weft_service_pool_in_use\{service="hr"\} 0$/m);
    assert.match(text, /^# TYPE weft_service_query_duration_seconds histogram$/m);
  });

  test("the OpenAPI document parses and needs a key", async () => {
    assert.equal((await fetch(`http://127.0.0.1:${weft.httpPort}/api/v2/_openapi`)).status, 401);
    const doc = await api("GET", "/api/v2/_openapi", undefined, READER);
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, "3.0.3");
    assert.ok(doc.body.paths["/api/v2/{service}/_schema/{table}/_related/{name}"].patch);
  });
});
