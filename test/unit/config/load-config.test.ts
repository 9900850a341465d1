import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ConfigError, demoConfig, loadConfig } from "../../../src/config.ts";

describe("loadConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-config-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("reads a file; relative paths are relative to the file, not the cwd", async () => {
    mkdirSync(join(dir, "conf"));
    const file = join(dir, "conf", "weft.yaml");
    writeFileSync(
      file,
      `users: [{ name: weft, password: "\${PW}" }]\nstateDir: ../state\nservices: [{ name: f, kind: sqlite, path: data/f.db }]\n`,
    );
    const config = await loadConfig(file, { PW: "x" });
    assert.equal(config.stateDir, join(dir, "state"));
    assert.equal(config.services[0]!.path, join(dir, "conf", "data", "f.db"));
    assert.deepEqual(config.users, [{ name: "weft", password: "x" }]);
  });

  test("a missing file is a ConfigError naming the file", async () => {
    const file = join(dir, "nope.yaml");
    await assert.rejects(loadConfig(file, {}), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.field, file);
      assert.equal(err.message, `${file}: config file not found`);
      return true;
    });
  });

  test("a directory is not a config file", async () => {
    await assert.rejects(loadConfig(dir, {}), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, `${dir}: is a directory, not a config file`);
      return true;
    });
  });

  test("errors inside the file keep their field path", async () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      "users: [{ name: a, password: b }]\nservices: [{ name: x, kind: postgres, url: 'http://h' }]\n",
    );
    await assert.rejects(
      loadConfig(file, {}),
      /^ConfigError: services\[0\]\.url: must be a postgres:\/\/ or postgresql:\/\/ URL$/,
    );
  });
});

describe("demoConfig", () => {
  test("two sqlite services under <stateDir>/demo, user weft/weft, the demo admin key, default listen", () => {
    assert.deepEqual(demoConfig("/var/weft"), {
      listen: { host: "127.0.0.1", port: 5433, httpPort: 8433 },
      stateDir: "/var/weft",
      database: "weft",
      strictDatabase: false,
      users: [{ name: "weft", password: "weft" }],
      auth: "scram-sha-256",
      tls: null,
      log: { level: "info" },
      services: [
        { name: "hr", kind: "sqlite", path: "/var/weft/demo/hr.db" },
        { name: "crm", kind: "sqlite", path: "/var/weft/demo/crm.db" },
      ],
      admin: { keys: [{ name: "demo", key: "weft-demo-admin-key", role: "admin" }] },
    });
  });

  test("a relative stateDir becomes absolute", () => {
    const config = demoConfig("rel/state");
    assert.equal(config.stateDir, join(process.cwd(), "rel", "state"));
    assert.equal(config.services[0]!.path, join(process.cwd(), "rel", "state", "demo", "hr.db"));
  });
});
