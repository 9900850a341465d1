import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { createLogger } from "../../../src/common/logger.ts";
import type { ServiceConfig } from "../../../src/connectors/spi.ts";
import { ApiError } from "../../../src/http/errors.ts";
import { buildHttpApp } from "../../../src/http/server.ts";
import { FakeCatalog, table } from "./fake-catalog.ts";

const ADMIN = "admin-key-0123456789";
const READER = "read-key-0123456789ab";

let app: FastifyInstance;
let catalog: FakeCatalog;
let saved: ServiceConfig[][];

async function build(
  keys = [
    { name: "ops", key: ADMIN, role: "admin" as const },
    { name: "viewer", key: READER, role: "read" as const },
  ],
) {
  catalog = new FakeCatalog();
  catalog.addUp({ name: "hr", kind: "sqlite", path: "/x/hr.db" }, [table("todo", ["id", "assigned_to"])]);
  catalog.addUp({ name: "crm", kind: "postgres", url: "postgres://u:secret@db/crm" }, [
    table("contact", ["id", "display_name"]),
  ]);
  saved = [];
  return buildHttpApp({
    catalog,
    logger: createLogger("silent"),
    version: "test",
    keys,
    services: {
      configured: new Set(["hr"]),
      validate: (raw) => {
        const r = raw as ServiceConfig;
        if (r.kind === "sqlite" && !r.path) throw new ApiError(400, "path: is required", "path");
        return r;
      },
      save: (services) => saved.push(services),
    },
  });
}

beforeEach(async () => {
  await app?.close();
  app = await build();
});
after(() => app?.close());

type Json = Record<string, any>;
async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await app.inject({
    method: method as "GET",
    url,
    headers: { "x-api-key": ADMIN, ...headers },
    ...(body === undefined ? {} : { payload: body as object }),
  });
  return { status: r.statusCode, body: (r.body ? r.json() : null) as Json, headers: r.headers };
}

const related = "/api/v2/hr/_schema/todo/_related";
const belongsTo = {
  type: "belongs_to",
  field: "assigned_to",
  ref_service: "crm",
  ref_table: "contact",
  ref_field: "id",
};

describe("auth", () => {
  test("no key, an unknown key: 401 with a JSON error; both headers work", async () => {
    const none = await app.inject({ method: "GET", url: "/api/v2/_service" });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error.code, 401);
    const unknown = await app.inject({
      method: "GET",
      url: "/api/v2/_service",
      headers: { "x-api-key": "nope" },
    });
    assert.equal(unknown.statusCode, 401);
    const bearer = await app.inject({
      method: "GET",
      url: "/api/v2/_service",
      headers: { authorization: `Bearer ${READER}` },
    });
    assert.equal(bearer.statusCode, 200);
    const header = await app.inject({
      method: "GET",
      url: "/api/v2/_service",
      headers: { "x-api-key": READER },
    });
    assert.equal(header.statusCode, 200);
    const wrongScheme = await app.inject({
      method: "GET",
      url: "/api/v2/_service",
      headers: { authorization: `Basic ${READER}` },
    });
    assert.equal(wrongScheme.statusCode, 401);
  });

  test("a read key may read but not write (403), with either header", async () => {
    const viaHeader = await call("POST", related, belongsTo, { "x-api-key": READER });
    assert.equal(viaHeader.status, 403);
    assert.match(viaHeader.body.error.message, /read role/);
    const viaBearer = await app.inject({
      method: "DELETE",
      url: `${related}/x`,
      headers: { authorization: `Bearer ${READER}` },
    });
    assert.equal(viaBearer.statusCode, 403);
    assert.equal(catalog.relationships.items.length, 0);
  });

  test("health and readiness stay open; /api/v2 without configured keys refuses everything", async () => {
    await app.close();
    app = await build([]);
    assert.equal((await app.inject({ method: "GET", url: "/healthz" })).statusCode, 200);
    assert.equal((await app.inject({ method: "GET", url: "/readyz" })).statusCode, 200);
    const r = await app.inject({ method: "GET", url: "/api/v2/_service", headers: { "x-api-key": ADMIN } });
    assert.equal(r.statusCode, 401);
    assert.match(r.json().error.message, /no keys configured/);
  });
});

describe("_related", () => {
  test("POST one object → 201 and the object; GET lists it with an ETag; single columns as strings", async () => {
    const created = await call("POST", related, belongsTo);
    assert.equal(created.status, 201);
    assert.equal(created.body.name, "contact_by_assigned_to");
    assert.equal(created.body.field, "assigned_to");
    assert.equal(created.body.ref_field, "id");
    assert.equal(created.headers.etag, '"2"');
    const list = await call("GET", related);
    assert.equal(list.status, 200);
    assert.equal(list.headers.etag, '"2"');
    assert.deepEqual(
      list.body.resource.map((r: Json) => r.name),
      ["contact_by_assigned_to"],
    );
    const one = await call("GET", `${related}/contact_by_assigned_to`);
    assert.equal(one.status, 200);
    assert.equal(one.body.ref_table, "contact");
    assert.equal((await call("GET", `${related}/nope`)).status, 404);
  });

  test("POST a resource array; several columns stay an array", async () => {
    const r = await call("POST", related, {
      resource: [{ ...belongsTo, field: ["id", "assigned_to"], ref_field: ["id", "display_name"] }],
    });
    assert.equal(r.status, 201);
    assert.deepEqual(r.body.resource[0].field, ["id", "assigned_to"]);
    assert.deepEqual(r.body.resource[0].ref_field, ["id", "display_name"]);
  });

  test("invalid bodies: 400 naming the field (array and single forms)", async () => {
    const cases: [unknown, string][] = [
      [{ resource: [{ ...belongsTo, type: "owns" }] }, "resource[0].type"],
      [{ resource: [belongsTo, { ...belongsTo, ref_table: undefined }] }, "resource[1].ref_table"],
      [{ ...belongsTo, bogus: 1 }, "bogus"],
      [{ ...belongsTo, field: [] }, "field"],
      [{ ...belongsTo, field: 5 }, "field"],
      [{ ...belongsTo, always_fetch: "yes" }, "always_fetch"],
      [{ ...belongsTo, ref_table: "missing" }, "ref_table"],
      [{ resource: [{ ...belongsTo, ref_table: "missing" }] }, "resource[0].ref_table"],
      [{ ...belongsTo, table: "other" }, "table"],
      [{ resource: [] }, "resource"],
    ];
    for (const [body, field] of cases) {
      const r = await call("POST", related, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 400);
      assert.equal(r.body.error.context?.field, field, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`);
    }
    assert.equal(catalog.relationships.items.length, 0);
  });

  test("If-Match: the current version writes, a stale one is 409 and nothing changes", async () => {
    await call("POST", related, belongsTo);
    const stale = await call(
      "PATCH",
      `${related}/contact_by_assigned_to`,
      { label: "Owner" },
      { "if-match": '"1"' },
    );
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 409);
    assert.equal(catalog.relationships.items[0]!.label, "contact_by_assigned_to");
    const fresh = await call(
      "PATCH",
      `${related}/contact_by_assigned_to`,
      { label: "Owner" },
      { "if-match": '"2"' },
    );
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body.label, "Owner");
    assert.equal(fresh.headers.etag, '"3"');
    const staleDelete = await call("DELETE", `${related}/contact_by_assigned_to`, undefined, {
      "if-match": "2",
    });
    assert.equal(staleDelete.status, 409);
    const badTag = await call("DELETE", `${related}/contact_by_assigned_to`, undefined, {
      "if-match": "abc",
    });
    assert.equal(badTag.status, 400);
    assert.equal(badTag.body.error.context.field, "If-Match");
  });

  test("PATCH several by name; an unknown name is 404 before any write", async () => {
    await call("POST", related, { resource: [belongsTo, { ...belongsTo, name: "second" }] });
    const missing = await call("PATCH", related, {
      resource: [{ name: "second", label: "B" }, { name: "nope" }],
    });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.context.field, "resource[1].name");
    assert.equal(catalog.relationships.items[1]!.label, "second");
    const noName = await call("PATCH", related, { resource: [{ label: "B" }] });
    assert.equal(noName.status, 400);
    assert.equal(noName.body.error.context.field, "resource[0].name");
    const ok = await call("PATCH", related, {
      resource: [{ name: "second", label: "B", always_fetch: true }],
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.resource[0].label, "B");
    assert.equal(ok.body.resource[0].always_fetch, true);
  });

  test("DELETE one, DELETE ?names=a,b; a read-only (discovered) relationship is 403", async () => {
    await call("POST", related, {
      resource: [belongsTo, { ...belongsTo, name: "b" }, { ...belongsTo, name: "c" }],
    });
    const one = await call("DELETE", `${related}/contact_by_assigned_to`);
    assert.equal(one.status, 200);
    assert.equal(one.body.name, "contact_by_assigned_to");
    const many = await call("DELETE", `${related}?names=b,c`);
    assert.equal(many.status, 200);
    assert.deepEqual(
      many.body.resource.map((r: Json) => r.name),
      ["b", "c"],
    );
    assert.equal((await call("DELETE", related)).status, 400);
    catalog.relationships.items.push({
      ...catalog.relationships.build("hr", "todo", belongsTo as never, ""),
      name: "fk",
      is_virtual: false,
    });
    const readOnly = await call("PATCH", `${related}/fk`, { label: "x" });
    assert.equal(readOnly.status, 403);
  });
});

describe("_schema", () => {
  test("tables, one table's fields with related, unknown service/table 404", async () => {
    await call("POST", related, belongsTo);
    const tables = await call("GET", "/api/v2/hr/_schema");
    assert.deepEqual(tables.body.resource, [
      { name: "todo", label: "Todo", kind: "table", description: null, row_estimate: 10 },
    ]);
    const todo = await call("GET", "/api/v2/hr/_schema/todo");
    assert.equal(todo.status, 200);
    assert.deepEqual(
      todo.body.field.map((f: Json) => [f.name, f.label, f.type, f.db_type, f.allow_null, f.is_primary_key]),
      [
        ["id", "Id", "integer", "INTEGER", false, true],
        ["assigned_to", "Assigned To", "integer", "INTEGER", true, false],
      ],
    );
    assert.deepEqual(
      todo.body.related.map((r: Json) => r.name),
      ["contact_by_assigned_to"],
    );
    assert.equal((await call("GET", "/api/v2/nope/_schema")).status, 404);
    assert.equal((await call("GET", "/api/v2/hr/_schema/nope")).status, 404);
    const refresh = await call("POST", "/api/v2/hr/_schema/todo?refresh=true");
    assert.equal(refresh.status, 200);
    assert.equal(refresh.body.name, "todo");
    const noRefresh = await call("POST", "/api/v2/hr/_schema/todo");
    assert.equal(noRefresh.status, 400);
    assert.equal(noRefresh.body.error.context.field, "refresh");
  });
});

describe("_service", () => {
  test("URLs are masked; config services are read-only; API services are saved", async () => {
    const crm = await call("GET", "/api/v2/_service/crm");
    assert.equal(crm.body.url, "postgres://u:***@db/crm");
    assert.doesNotMatch(JSON.stringify((await call("GET", "/api/v2/_service")).body), /secret/);
    const del = await call("DELETE", "/api/v2/_service/hr");
    assert.equal(del.status, 403);
    assert.match(del.body.error.message, /config file/);
    const created = await call("POST", "/api/v2/_service", {
      name: "extra",
      kind: "sqlite",
      path: "/x/e.db",
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.source, "api");
    assert.deepEqual(
      saved.at(-1)?.map((s) => s.name),
      ["crm", "extra"],
    );
    const dup = await call("POST", "/api/v2/_service", { name: "extra", kind: "sqlite", path: "/x/e.db" });
    assert.equal(dup.status, 409);
    const invalid = await call("POST", "/api/v2/_service", { name: "x", kind: "sqlite" });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.error.context.field, "path");
    const unknownField = await call("POST", "/api/v2/_service", { name: "x", kind: "sqlite", passwd: "p" });
    assert.equal(unknownField.body.error.context.field, "passwd");
    const badKind = await call("POST", "/api/v2/_service", { name: "x", kind: "oracle" });
    assert.equal(badKind.body.error.context.field, "kind");
    const renamed = await call("PATCH", "/api/v2/_service/extra", { name: "other" });
    assert.equal(renamed.status, 400);
    const removed = await call("DELETE", "/api/v2/_service/extra");
    assert.equal(removed.status, 200);
    assert.deepEqual(
      saved.at(-1)?.map((s) => s.name),
      ["crm"],
    );
    assert.equal((await call("GET", "/api/v2/_service/extra")).status, 404);
  });

  test("unknown routes and unknown query fields are JSON errors", async () => {
    const r = await call("GET", "/api/v2/_nothing/here/at/all/x");
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 404);
    const bad = await call("POST", "/api/v2/_refresh?bogus=1");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.context.field, "bogus");
  });
});

describe("OpenAPI", () => {
  test("documents every admin route with its schemas", async () => {
    const r = await call("GET", "/api/v2/_openapi");
    assert.equal(r.status, 200);
    assert.equal(r.body.openapi, "3.0.3");
    const paths = Object.keys(r.body.paths);
    for (const p of [
      "/api/v2/_service",
      "/api/v2/_service/{name}",
      "/api/v2/_service/{name}/_test",
      "/api/v2/{service}/_schema",
      "/api/v2/{service}/_schema/{table}",
      "/api/v2/{service}/_schema/{table}/_related",
      "/api/v2/{service}/_schema/{table}/_related/{name}",
    ]) {
      assert.ok(paths.includes(p), `${p} in ${paths.join(", ")}`);
    }
    const post = r.body.paths["/api/v2/{service}/_schema/{table}/_related"].post;
    const schema = post.requestBody.content["application/json"].schema;
    assert.deepEqual(schema.properties.resource.items.required, ["type", "field", "ref_table", "ref_field"]);
    assert.ok(r.body.components.securitySchemes.bearer);
  });
});
