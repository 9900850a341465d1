import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import { createMysqlDatabase, type TestDatabase } from "../../support/databases.ts";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// Deleting a service that stored relationships still name is refused (409 naming them), so no
// relationship is left pointing at nothing; changing its connection settings keeps them.
const ADMIN = "service-delete-test-key-0123456789";
let weft: TestWeft;
let maria: TestDatabase;

before(async () => {
  maria = await createMysqlDatabase("weft_svcdel");
  await maria.exec("create table gadget (id int primary key, label varchar(40) not null)");
  await maria.exec("insert into gadget values (1, 'sprocket'), (2, 'widget')");
  weft = await startTestWeft({
    configure: (config) => {
      config.admin = { keys: [{ name: "ops", key: ADMIN, role: "admin" }] };
    },
  });
});

after(async () => {
  await weft?.stop();
  await maria?.drop();
});

async function api(method: string, path: string, body?: unknown) {
  const r = await fetch(`http://127.0.0.1:${weft.httpPort}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : null) as Record<string, any>, text };
}

async function gadgetLabels(): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: weft.url });
  await client.connect();
  try {
    return (await client.query("select label from shop.gadget order by id")).rows.map((r) => r.label);
  } finally {
    await client.end();
  }
}

test("a service that relationships point at is deleted only after them", async () => {
  const created = await api("POST", "/api/v2/_service", { name: "shop", kind: "mysql", url: maria.url });
  assert.equal(created.status, 201, created.text);
  const toShop = await api("POST", "/api/v2/hr/_schema/todo/_related", {
    type: "belongs_to",
    field: "assigned_to",
    ref_service: "shop",
    ref_table: "gadget",
    ref_field: "label",
  });
  assert.equal(toShop.status, 201, toShop.text);
  const fromShop = await api("POST", "/api/v2/shop/_schema/gadget/_related", {
    type: "has_many",
    field: "label",
    ref_service: "hr",
    ref_table: "todo",
    ref_field: "assigned_to",
  });
  assert.equal(fromShop.status, 201, fromShop.text);

  // new connection settings: the same service, its relationships stay
  const patched = await api("PATCH", "/api/v2/_service/shop", { pool: 2 });
  assert.equal(patched.status, 200, patched.text);
  assert.equal((await api("GET", "/api/v2/hr/_schema/todo/_related")).body.resource.length, 1);

  const refused = await api("DELETE", "/api/v2/_service/shop");
  assert.equal(refused.status, 409, refused.text);
  assert.match(refused.body.error.message, /"shop\.gadget_by_assigned_to" of hr\.todo/);
  assert.match(refused.body.error.message, /"hr\.todo_by_assigned_to" of shop\.gadget/);
  // nothing happened: the service still answers
  assert.equal((await api("GET", "/api/v2/_service/shop")).status, 200);
  assert.deepEqual(await gadgetLabels(), ["sprocket", "widget"]);

  assert.equal(
    (await api("DELETE", "/api/v2/hr/_schema/todo/_related/shop.gadget_by_assigned_to")).status,
    200,
  );
  const stillOne = await api("DELETE", "/api/v2/_service/shop");
  assert.equal(stillOne.status, 409, stillOne.text);
  assert.doesNotMatch(stillOne.body.error.message, /of hr\.todo/);
  assert.equal(
    (await api("DELETE", "/api/v2/shop/_schema/gadget/_related/hr.todo_by_assigned_to")).status,
    200,
  );

  const deleted = await api("DELETE", "/api/v2/_service/shop");
  assert.equal(deleted.status, 200, deleted.text);
  assert.equal((await api("GET", "/api/v2/_service/shop")).status, 404);
});
