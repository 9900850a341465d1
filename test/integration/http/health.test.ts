import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestWeft, type TestWeft } from "../../support/weft.ts";

// The demo's two services plus one that cannot be reached.
let weft: TestWeft;
const ADMIN_KEY = "health-test-key-0123456789";

before(async () => {
  weft = await startTestWeft({
    services: [{ name: "gone", kind: "postgres", url: "postgres://postgres@127.0.0.1:1/nothing" }],
    configure: (config) => {
      config.admin = { keys: [{ name: "test", key: ADMIN_KEY, role: "admin" }] };
    },
  });
});

after(async () => {
  await weft?.stop();
});

function get(path: string, method = "GET"): Promise<Response> {
  return fetch(`http://127.0.0.1:${weft.httpPort}${path}`, { method, headers: { "x-api-key": ADMIN_KEY } });
}

describe("HTTP health and services", () => {
  test("/healthz answers while the process runs", async () => {
    const r = await get("/healthz");
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { status: string }).status, "ok");
  });

  test("/readyz is 503 while a service is down and names it", async () => {
    const r = await get("/readyz");
    assert.equal(r.status, 503);
    const body = (await r.json()) as {
      ready: boolean;
      services: { name: string; status: string; error: string }[];
    };
    assert.equal(body.ready, false);
    const byName = new Map(body.services.map((s) => [s.name, s]));
    assert.equal(byName.get("hr")?.status, "up");
    assert.equal(byName.get("crm")?.status, "up");
    assert.equal(byName.get("gone")?.status, "down");
    assert.match(byName.get("gone")?.error ?? "", /gone/);
  });

  test("/api/v2/_service lists services with their table counts", async () => {
    const r = await get("/api/v2/_service");
    assert.equal(r.status, 200);
    const body = (await r.json()) as { resource: { name: string; tables: number }[] };
    const tables = Object.fromEntries(body.resource.map((s) => [s.name, s.tables]));
    assert.deepEqual(tables, { hr: 3, crm: 2, gone: 0 });
  });

  test("POST /api/v2/_refresh refreshes one service or says which does not exist", async () => {
    const ok = await get("/api/v2/_refresh?service=hr", "POST");
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as { resource: { service: string; status: string; tables: number }[] };
    assert.deepEqual(
      body.resource.map((r) => [r.service, r.status, r.tables]),
      [["hr", "up", 3]],
    );
    const missing = await get("/api/v2/_refresh?service=nope", "POST");
    assert.equal(missing.status, 404);
    const bad = await get("/api/v2/_refresh?bogus=1", "POST");
    assert.equal(bad.status, 400);
  });
});
