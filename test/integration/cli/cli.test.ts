import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { runProcess } from "../../support/run-process.ts";

const weftBin = new URL("../../../bin/weft.mjs", import.meta.url).pathname;
const env = { ...process.env, WEFT_PASSWORD: "s3cret", WEFT_ADMIN_KEY: "cli-test-admin-key-0123456789" };
const adminKeys = `admin: { keys: [ { name: ops, key: "\${WEFT_ADMIN_KEY}", role: admin } ] }\n`;

function weft(args: string[], withEnv: NodeJS.ProcessEnv = env) {
  return runProcess(process.execPath, [weftBin, ...args], { env: withEnv, timeoutMs: 60_000 });
}

let dir: string;
let db: TestDatabase;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "weft-cli-"));
  db = await createPgDatabase("weft_cli");
  await db.exec("create table widget (id int primary key, name text)");
  await db.exec("insert into widget select g, 'w' || g from generate_series(1, 500) g");
  await db.exec("analyze widget");
});

after(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function config(name: string, services: string, extra = ""): Promise<string> {
  const path = join(dir, name);
  await writeFile(
    path,
    `listen: { host: 127.0.0.1, port: 0, httpPort: 0 }\nstateDir: ./state-${name}\nusers:\n  - { name: weft, password: "\${WEFT_PASSWORD}" }\nlog: { level: warn }\n${extra}services:\n${services}`,
  );
  return path;
}

describe("weft CLI", () => {
  test("--version and --help", async () => {
    const version = await weft(["--version"]);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
    const help = await weft(["--help"]);
    assert.equal(help.code, 0);
    for (const command of ["serve", "check", "refresh"]) assert.match(help.stdout, new RegExp(command));
  });

  test("a bad config exits with code 2 and one message naming the field", async () => {
    const path = await config(
      "bad.yaml",
      `  - { name: a, kind: postgres, url: "${db.url}" }\n  - { name: b, kind: mysql, url: "http://nowhere" }\n`,
    );
    const r = await weft(["check", "--config", path]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /services\[1\]\.url/);
    const missing = await weft(["check", "--config", join(dir, "nope.yaml")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /not found/);
  });

  test("check connects to every service and lists tables with row estimates", async () => {
    const path = await config(
      "check.yaml",
      `  - { name: shop, kind: postgres, url: "${db.url}" }\n  - { name: gone, kind: postgres, url: "postgres://postgres@127.0.0.1:1/x" }\n`,
    );
    const r = await weft(["check", "--config", path]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /service shop: up, 1 tables/);
    assert.match(r.stdout, /table widget +\(2 columns, ~500 rows\)/);
    assert.match(r.stdout, /service gone: DOWN/);
    assert.match(r.stderr, /\[1\/1\] widget/);
  });

  test("serve runs a config; refresh re-reads a service's schema on the running server", async () => {
    const path = await config(
      "serve.yaml",
      `  - { name: shop, kind: postgres, url: "${db.url}" }\n`,
      adminKeys,
    );
    const child = spawn(process.execPath, [weftBin, "serve", "--config", path], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const { sqlPort, httpPort } = await readyPorts(child);
      const client = new pg.Client({
        connectionString: `postgresql://weft:s3cret@127.0.0.1:${sqlPort}/weft`,
      });
      await client.connect();
      try {
        assert.equal((await client.query("select count(*)::int as n from shop.widget")).rows[0].n, 500);
        await db.exec("create table gadget (id int primary key)");
        const before = await client.query(
          "select count(*)::int as n from information_schema.tables where table_schema = 'shop'",
        );
        assert.equal(before.rows[0].n, 1);
        const r = await weft(["refresh", "--url", `http://127.0.0.1:${httpPort}`, "--service", "shop"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /shop: up, 2 tables/);
        const afterRefresh = await client.query(
          "select table_name from information_schema.tables where table_schema = 'shop' order by 1",
        );
        assert.deepEqual(
          afterRefresh.rows.map((x) => x.table_name),
          ["gadget", "widget"],
        );
        const unknown = await weft(["refresh", "--url", `http://127.0.0.1:${httpPort}`, "--service", "nope"]);
        assert.equal(unknown.code, 1);
        assert.match(unknown.stderr, /service "nope" does not exist/);
        await relCommands(`http://127.0.0.1:${httpPort}`);
      } finally {
        await client.end();
      }
    } finally {
      child.kill("SIGTERM");
    }
  });
});

/** weft rel add / list / rm against a server whose shop service has widget and gadget. */
async function relCommands(url: string): Promise<void> {
  const add = await weft([
    "rel",
    "add",
    "shop.widget",
    "--url",
    url,
    "--type",
    "belongs_to",
    "--field",
    "id",
    "--ref",
    "shop.gadget.id",
    "--alias",
    "the_gadget",
  ]);
  assert.equal(add.code, 0, add.stderr);
  assert.match(
    add.stdout,
    /added shop\.widget gadget_by_id \(alias the_gadget\): belongs_to \(id\) → shop\.gadget \(id\) \[virtual\]/,
  );
  const list = await weft(["rel", "list", "--url", url, "--service", "shop", "--table", "widget"]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /shop\.widget gadget_by_id/);
  const listAll = await weft(["rel", "list", "--url", url, "--json"]);
  assert.equal(listAll.code, 0, listAll.stderr);
  const names = (JSON.parse(listAll.stdout) as { resource: { name: string }[] }).resource.map((r) => r.name);
  assert.ok(names.includes("gadget_by_id"), listAll.stdout);
  const badField = await weft([
    "rel",
    "add",
    "shop.widget",
    "--url",
    url,
    "--type",
    "belongs_to",
    "--field",
    "nope",
    "--ref",
    "shop.gadget.id",
  ]);
  assert.equal(badField.code, 1);
  assert.match(badField.stderr, /^weft rel add: 400: .*\(field field\)/);
  const badRef = await weft([
    "rel",
    "add",
    "shop.widget",
    "--url",
    url,
    "--type",
    "belongs_to",
    "--field",
    "id",
    "--ref",
    "gadget",
  ]);
  assert.equal(badRef.code, 2);
  assert.match(badRef.stderr, /--ref must be/);
  const badType = await weft([
    "rel",
    "add",
    "shop.widget",
    "--url",
    url,
    "--type",
    "owns",
    "--field",
    "id",
    "--ref",
    "shop.gadget.id",
  ]);
  assert.equal(badType.code, 2);
  const noKey = await weft(["rel", "list", "--url", url], { ...env, WEFT_ADMIN_KEY: "" });
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /no API key/);
  const wrongKey = await weft(["rel", "list", "--url", url, "--key", "not-the-key"]);
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.stderr, /401: unknown API key/);
  const rm = await weft(["rel", "rm", "shop.widget", "gadget_by_id", "--url", url]);
  assert.equal(rm.code, 0, rm.stderr);
  assert.match(rm.stdout, /removed shop\.widget gadget_by_id/);
  const again = await weft(["rel", "rm", "shop.widget", "gadget_by_id", "--url", url]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /404/);
}

/** Reads the ports from the line `weft serve` prints once it listens. */
function readyPorts(child: ChildProcess): Promise<{ sqlPort: number; httpPort: number }> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`weft did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on [\d.]+:(\d+) \(SQL\) and :(\d+) \(HTTP\)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ sqlPort: Number(m[1]), httpPort: Number(m[2]) });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`weft exited with ${code}:\n${out}`));
    });
  });
}
