import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { ConfigError, parseConfig, type WeftConfig } from "../../../src/config.ts";

const base = "/etc/weft";
/** `${NAME}` as it appears in a config file (kept out of template-literal look-alikes). */
const ref = (name: string) => `$\{${name}}`;
const user = "users: [{ name: weft, password: secret }]\n";

function parse(text: string, env: NodeJS.ProcessEnv = {}, baseDir = base): WeftConfig {
  return parseConfig(text, baseDir, env);
}

/** Asserts parsing fails with exactly this field and message. */
function assertConfigError(text: string, field: string, message: string, env: NodeJS.ProcessEnv = {}): void {
  assert.throws(
    () => parse(text, env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
      assert.equal(err.field, field);
      assert.equal(err.message, message);
      return true;
    },
  );
}

describe("parseConfig: valid files", () => {
  test("the documented example", () => {
    const config = parse(
      `listen: { host: 0.0.0.0, port: 6543, httpPort: 9000 }
stateDir: ./.weft
database: analytics
strictDatabase: true
users:
  - { name: weft, password: "\${WEFT_PASSWORD}" }
auth: md5
log: { level: debug }
limits: { queryMemory: 512MB }
services:
  - { name: mysql, kind: mysql,    url: "mysql://root@127.0.0.1:3306/hr", pool: 10 }
  - { name: pgsql, kind: postgres, url: "postgres://postgres@127.0.0.1:5432/crm", schema: public }
  - { name: files, kind: sqlite,   path: ./data/files.db }
`,
      { WEFT_PASSWORD: "s3cret" },
    );
    assert.deepEqual(config, {
      listen: { host: "0.0.0.0", port: 6543, httpPort: 9000 },
      stateDir: "/etc/weft/.weft",
      database: "analytics",
      strictDatabase: true,
      users: [{ name: "weft", password: "s3cret" }],
      auth: "md5",
      tls: null,
      log: { level: "debug" },
      services: [
        { name: "mysql", kind: "mysql", url: "mysql://root@127.0.0.1:3306/hr", pool: 10 },
        { name: "pgsql", kind: "postgres", url: "postgres://postgres@127.0.0.1:5432/crm", schema: "public" },
        { name: "files", kind: "sqlite", path: "/etc/weft/data/files.db" },
      ],
      limits: { queryMemory: 512 * 1024 * 1024 },
      admin: { keys: [] },
      relationships: [],
      catalog: { store: "file" },
    });
  });

  test("defaults fill everything but users", () => {
    assert.deepEqual(parse(user), {
      listen: { host: "127.0.0.1", port: 5433, httpPort: 8433 },
      stateDir: "/etc/weft/.weft",
      database: "weft",
      strictDatabase: false,
      users: [{ name: "weft", password: "secret" }],
      auth: "scram-sha-256",
      tls: null,
      log: { level: "info" },
      services: [],
      limits: { queryMemory: 1024 * 1024 * 1024 },
      admin: { keys: [] },
      relationships: [],
      catalog: { store: "file" },
    });
  });

  test("a partial listen block keeps the other defaults", () => {
    assert.deepEqual(parse(`${user}listen: { port: 7000 }`).listen, {
      host: "127.0.0.1",
      port: 7000,
      httpPort: 8433,
    });
  });

  test("auth trust needs no users and no passwords", () => {
    assert.deepEqual(parse("auth: trust").users, []);
    assert.deepEqual(parse("auth: trust\nusers: [{ name: bob }]").users, [{ name: "bob", password: "" }]);
  });

  test("an empty file is the defaults, which need a user", () => {
    assertConfigError(
      "",
      "users",
      "users: must list at least one user (auth is scram-sha-256; only trust needs none)",
    );
  });

  test("mariadb:// and postgresql:// schemes are accepted", () => {
    const config = parse(`${user}services:
  - { name: m, kind: mysql, url: "mariadb://root@db:3306/shop" }
  - { name: p, kind: postgres, url: "postgresql://u:p@db/crm" }`);
    assert.deepEqual(
      config.services.map((s) => s.url),
      ["mariadb://root@db:3306/shop", "postgresql://u:p@db/crm"],
    );
  });

  test("absolute sqlite paths and :memory: are kept as written", () => {
    const config = parse(`${user}services:
  - { name: a, kind: sqlite, path: /data/a.db }
  - { name: b, kind: sqlite, path: ":memory:" }
  - { name: c, kind: sqlite, path: ../c.db, readOnly: true }`);
    assert.deepEqual(config.services, [
      { name: "a", kind: "sqlite", path: "/data/a.db" },
      { name: "b", kind: "sqlite", path: ":memory:" },
      { name: "c", kind: "sqlite", path: "/etc/c.db", readOnly: true },
    ]);
  });

  test("relative stateDir and sqlite paths are relative to the config's folder", () => {
    const config = parse(
      `${user}stateDir: state\nservices: [{ name: f, kind: sqlite, path: data/f.db }]`,
      {},
      "/srv/x",
    );
    assert.equal(config.stateDir, "/srv/x/state");
    assert.equal(config.services[0]!.path, "/srv/x/data/f.db");
    assert.equal(parse(`${user}stateDir: /var/lib/weft`).stateDir, "/var/lib/weft");
  });
});

describe("parseConfig: environment", () => {
  test("env references are replaced anywhere in a string, $-escaped ones are literal", () => {
    const config = parse(
      `users: [{ name: "\${U}", password: "a\${P}b$\${P}" }]
services: [{ name: pg, kind: postgres, url: "postgres://\${U}:\${P}@\${HOST}:5432/crm" }]`,
      { U: "alice", P: "pw", HOST: "db.internal" },
    );
    assert.deepEqual(config.users, [{ name: "alice", password: `apwb${ref("P")}` }]);
    assert.equal(config.services[0]!.url, "postgres://alice:pw@db.internal:5432/crm");
  });

  test("numbers and booleans may come from the environment", () => {
    const config = parse(
      `${user}listen: { port: "\${PORT}" }\nstrictDatabase: "\${STRICT}"\nservices: [{ name: s, kind: sqlite, path: a.db, pool: "\${POOL}" }]`,
      { PORT: "6000", STRICT: "true", POOL: "4" },
    );
    assert.equal(config.listen.port, 6000);
    assert.equal(config.strictDatabase, true);
    assert.equal(config.services[0]!.pool, 4);
  });

  test("an empty variable is a value, not a missing one", () => {
    assert.equal(
      parse(`auth: trust\nusers: [{ name: a, password: "\${EMPTY}" }]`, { EMPTY: "" }).users[0]!.password,
      "",
    );
  });

  test("a missing variable names the field and the variable", () => {
    assertConfigError(
      `users:\n  - { name: weft, password: "\${WEFT_PASSWORD}" }`,
      "users[0].password",
      "users[0].password: environment variable WEFT_PASSWORD is not set",
    );
    assertConfigError(
      `${user}services: [{ name: a, kind: mysql, url: "mysql://\${DB_HOST}/x" }]`,
      "services[0].url",
      "services[0].url: environment variable DB_HOST is not set",
    );
  });

  test("a malformed reference is an error", () => {
    assertConfigError(
      `${user}database: "\${not valid}"`,
      "database",
      `database: "${ref("not valid")}" is not a valid environment variable reference`,
    );
  });

  test("WEFT_HOST, WEFT_PORT, WEFT_HTTP_PORT override listen", () => {
    const config = parse(`${user}listen: { host: 127.0.0.1, port: 6000, httpPort: 6001 }`, {
      WEFT_HOST: "0.0.0.0",
      WEFT_PORT: "7000",
      WEFT_HTTP_PORT: "0",
    });
    assert.deepEqual(config.listen, { host: "0.0.0.0", port: 7000, httpPort: 0 });
  });

  test("a bad override names the variable", () => {
    assertConfigError(user, "WEFT_PORT", 'WEFT_PORT: must be an integer between 0 and 65535, got "http"', {
      WEFT_PORT: "http",
    });
    assertConfigError(
      user,
      "WEFT_HTTP_PORT",
      'WEFT_HTTP_PORT: must be an integer between 0 and 65535, got "70000"',
      {
        WEFT_HTTP_PORT: "70000",
      },
    );
  });
});

describe("parseConfig: each rule names its field", () => {
  const svc = (s: string) => `${user}services:\n  - { name: ok, kind: sqlite, path: a.db }\n  - ${s}\n`;

  test("YAML syntax errors give the line", () => {
    assert.throws(() => parse("listen: [\n"), /^ConfigError: yaml: .*line 2, column 1$/);
    assertConfigError("a: 1\na: 2\n", "yaml", "yaml: Map keys must be unique at line 2, column 1");
  });

  test("the document must be a mapping", () => {
    assertConfigError(
      "- a\n- b\n",
      "(root)",
      "(root): must be a mapping of settings (listen, users, services …)",
    );
  });

  test("unknown fields are refused", () => {
    assertConfigError(`${user}servces: []`, "servces", "servces: unknown field");
    assertConfigError(`${user}listen: { prot: 1 }`, "listen.prot", "listen.prot: unknown field");
    assertConfigError(
      svc("{ name: x, kind: sqlite, path: a.db, passwd: 1 }"),
      "services[1].passwd",
      "services[1].passwd: unknown field",
    );
  });

  test("ports are 0..65535 integers", () => {
    assertConfigError(
      `${user}listen: { port: 70000 }`,
      "listen.port",
      "listen.port: must be an integer between 0 and 65535",
    );
    assertConfigError(
      `${user}listen: { httpPort: -1 }`,
      "listen.httpPort",
      "listen.httpPort: must be an integer between 0 and 65535",
    );
    assertConfigError(
      `${user}listen: { port: 1.5 }`,
      "listen.port",
      "listen.port: must be an integer between 0 and 65535",
    );
    assertConfigError(`${user}listen: { port: abc }`, "listen.port", "listen.port: must be a number");
    assert.equal(parse(`${user}listen: { port: 0 }`).listen.port, 0);
  });

  test("types are named", () => {
    assertConfigError(`${user}database: 12`, "database", "database: must be a string");
    assertConfigError(
      `${user}strictDatabase: maybe`,
      "strictDatabase",
      "strictDatabase: must be true or false",
    );
    assertConfigError(`${user}services: {}`, "services", "services: must be a list");
    assertConfigError(`${user}listen: 5433`, "listen", "listen: must be a mapping");
    assertConfigError(`${user}database: ""`, "database", "database: must not be empty");
  });

  test("auth is one of four methods", () => {
    assertConfigError(
      `${user}auth: ldap`,
      "auth",
      "auth: must be one of scram-sha-256, md5, password, trust",
    );
  });

  test("log level is a pino level", () => {
    assertConfigError(
      `${user}log: { level: loud }`,
      "log.level",
      "log.level: must be one of fatal, error, warn, info, debug, trace, silent",
    );
  });

  test("users: non-empty, unique names, passwords unless trust", () => {
    assertConfigError(
      "users: []",
      "users",
      "users: must list at least one user (auth is scram-sha-256; only trust needs none)",
    );
    assertConfigError(
      "users: [{ name: a, password: x }, { name: b, password: y }, { name: a, password: z }]",
      "users[2].name",
      'users[2].name: duplicate user name "a" (also users[0])',
    );
    assertConfigError(
      "auth: md5\nusers: [{ name: a }]",
      "users[0].password",
      "users[0].password: is required (auth is md5)",
    );
    assertConfigError("users: [{ password: x }]", "users[0].name", "users[0].name: is required");
  });

  test("service names are unique lowercase identifiers that are not reserved", () => {
    assertConfigError(
      svc("{ name: ok, kind: sqlite, path: b.db }"),
      "services[1].name",
      'services[1].name: duplicate service name "ok" (also services[0])',
    );
    for (const bad of ["Sales", "1st", "my-db", "a b", ""]) {
      assertConfigError(
        svc(`{ name: "${bad}", kind: sqlite, path: b.db }`),
        "services[1].name",
        `services[1].name: "${bad}" must be a lowercase identifier (a-z, 0-9 and _, not starting with a digit, at most 63 characters): it becomes a schema name`,
      );
    }
    for (const reserved of ["public", "pg_catalog", "information_schema", "pg_toast", "pg_x"]) {
      assertConfigError(
        svc(`{ name: ${reserved}, kind: sqlite, path: b.db }`),
        "services[1].name",
        `services[1].name: "${reserved}" is reserved by Postgres (pg_catalog, information_schema, public, pg_*)`,
      );
    }
    assertConfigError(
      svc("{ kind: sqlite, path: b.db }"),
      "services[1].name",
      "services[1].name: is required",
    );
  });

  test("service kinds: three supported, db2/mongodb refused for now", () => {
    assertConfigError(
      svc('{ name: d, kind: db2, url: "db2://h/x" }'),
      "services[1].kind",
      "services[1].kind: db2 is not supported yet (no db2 connector in this build); use postgres, mysql, sqlite",
    );
    assertConfigError(
      svc('{ name: d, kind: mongodb, url: "mongodb://h/x" }'),
      "services[1].kind",
      "services[1].kind: mongodb is not supported yet (no mongodb connector in this build); use postgres, mysql, sqlite",
    );
    assertConfigError(
      svc("{ name: d, kind: oracle }"),
      "services[1].kind",
      "services[1].kind: must be one of postgres, mysql, sqlite",
    );
    assertConfigError(svc("{ name: d }"), "services[1].kind", "services[1].kind: is required");
  });

  test("urls are required and scheme-checked", () => {
    assertConfigError(
      svc('{ name: p, kind: postgres, url: "mysql://h/crm" }'),
      "services[1].url",
      "services[1].url: must be a postgres:// or postgresql:// URL",
    );
    assertConfigError(
      svc('{ name: p, kind: postgres, url: "not a url" }'),
      "services[1].url",
      "services[1].url: must be a postgres:// or postgresql:// URL",
    );
    assertConfigError(
      svc('{ name: m, kind: mysql, url: "postgres://h/db" }'),
      "services[1].url",
      "services[1].url: must be a mysql:// or mariadb:// URL",
    );
    assertConfigError(
      svc('{ name: m, kind: mysql, url: "mysql://root@h:3306" }'),
      "services[1].url",
      "services[1].url: must name a database (mysql://user@host:3306/<database>)",
    );
    assertConfigError(
      svc("{ name: p, kind: postgres }"),
      "services[1].url",
      "services[1].url: is required for a postgres service",
    );
    assertConfigError(
      svc("{ name: m, kind: mysql }"),
      "services[1].url",
      "services[1].url: is required for a mysql service",
    );
  });

  test("sqlite needs a path and nothing of the network kinds", () => {
    assertConfigError(
      svc("{ name: s, kind: sqlite }"),
      "services[1].path",
      "services[1].path: is required for a sqlite service",
    );
    assertConfigError(
      svc('{ name: s, kind: sqlite, url: "file:x" }'),
      "services[1].url",
      "services[1].url: not used by sqlite services (use path)",
    );
    assertConfigError(
      svc('{ name: p, kind: postgres, url: "postgres://h/x", path: a.db }'),
      "services[1].path",
      "services[1].path: not used by postgres services (use url)",
    );
    assertConfigError(
      svc('{ name: m, kind: mysql, url: "mysql://h/x", schema: foo }'),
      "services[1].schema",
      "services[1].schema: only postgres services take a schema",
    );
  });

  test("pool is 1..1000", () => {
    for (const bad of [0, 1001, -5]) {
      assertConfigError(
        svc(`{ name: s, kind: sqlite, path: a.db, pool: ${bad} }`),
        "services[1].pool",
        "services[1].pool: must be an integer between 1 and 1000",
      );
    }
    assert.equal(parse(svc("{ name: s, kind: sqlite, path: a.db, pool: 1000 }")).services[1]!.pool, 1000);
  });

  test("the first field at fault is the one reported", () => {
    assertConfigError(
      `${user}listen: { port: 99999 }\nservices: [{ name: "Bad", kind: nope }]`,
      "listen.port",
      "listen.port: must be an integer between 0 and 65535",
    );
  });
});

describe("parseConfig: limits", () => {
  test("queryMemory takes bytes or a size with a 1024-based unit", () => {
    const memory = (value: string) => parse(`${user}limits: { queryMemory: ${value} }`).limits?.queryMemory;
    assert.equal(memory("1048576"), 1048576);
    assert.equal(memory('"65536"'), 65536);
    assert.equal(memory("64kB"), 64 * 1024);
    assert.equal(memory('"512 MB"'), 512 * 1024 * 1024);
    assert.equal(memory("1GB"), 1024 ** 3);
    assert.equal(memory("2gb"), 2 * 1024 ** 3);
    assert.equal(memory("1.5GB"), 1.5 * 1024 ** 3);
    assert.equal(parse(`${user}limits: {}`).limits?.queryMemory, 1024 ** 3);
  });

  test("queryMemory from an environment variable", () => {
    const config = parse(`${user}limits: { queryMemory: "${ref("MEM")}" }`, { MEM: "256MB" });
    assert.equal(config.limits?.queryMemory, 256 * 1024 * 1024);
  });

  test("a bad size names the field", () => {
    const message = 'limits.queryMemory: must be a positive number of bytes or a size like "512MB" or "1GB"';
    for (const bad of ["lots", "0", "-5", "12XB", "1.5", "true"]) {
      assertConfigError(`${user}limits: { queryMemory: ${bad} }`, "limits.queryMemory", message);
    }
  });

  test("unknown limit keys are refused", () => {
    assert.throws(
      () => parse(`${user}limits: { rowLimit: 5 }`),
      (err: unknown) => err instanceof ConfigError && err.field.startsWith("limits"),
    );
  });
});

describe("parseConfig: tls", () => {
  const dir = mkdtempSync(join(tmpdir(), "weft-config-tls-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("cert and key are resolved against the config folder and must exist", () => {
    writeFileSync(join(dir, "server.crt"), "cert");
    writeFileSync(join(dir, "server.key"), "key");
    const config = parseConfig(`${user}tls: { cert: ./server.crt, key: server.key }`, dir, {});
    assert.deepEqual(config.tls, { cert: join(dir, "server.crt"), key: join(dir, "server.key") });
  });

  test("a missing file names the field and the path", () => {
    assert.throws(
      () => parseConfig(`${user}tls: { cert: ./server.crt, key: ./missing.key }`, dir, {}),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.field === "tls.key" &&
        err.message === `tls.key: file not found: ${join(dir, "missing.key")}`,
    );
  });

  test("both cert and key are required", () => {
    assert.throws(
      () => parseConfig(`${user}tls: { cert: ./server.crt }`, dir, {}),
      (err: unknown) => err instanceof ConfigError && err.message === "tls.key: is required",
    );
  });
});

describe("parseConfig: admin keys", () => {
  const key = "k".repeat(16);
  test("keys with a role; the key may come from the environment", () => {
    const config = parse(
      `${user}admin: { keys: [ { name: ops, key: "${ref("ADMIN_KEY")}", role: admin }, { name: bi, key: ${key}, role: read } ] }`,
      {
        ADMIN_KEY: "a".repeat(20),
      },
    );
    assert.deepEqual(config.admin, {
      keys: [
        { name: "ops", key: "a".repeat(20), role: "admin" },
        { name: "bi", key, role: "read" },
      ],
    });
  });

  test("bad keys name the field at fault", () => {
    assertConfigError(
      `${user}admin: { keys: [ { name: ops, key: short, role: admin } ] }`,
      "admin.keys[0].key",
      "admin.keys[0].key: must be at least 16 characters (a random secret, e.g. openssl rand -hex 24)",
    );
    assertConfigError(
      `${user}admin: { keys: [ { name: ops, key: ${key}, role: owner } ] }`,
      "admin.keys[0].role",
      "admin.keys[0].role: must be one of admin, read",
    );
    assertConfigError(
      `${user}admin: { keys: [ { name: ops, key: ${key}, role: admin }, { name: ops, key: ${"x".repeat(16)}, role: read } ] }`,
      "admin.keys[1].name",
      'admin.keys[1].name: duplicate key name "ops" (also admin.keys[0])',
    );
    assertConfigError(
      `${user}admin: { keys: [ { name: a, key: ${key}, role: admin }, { name: b, key: ${key}, role: read } ] }`,
      "admin.keys[1].key",
      "admin.keys[1].key: the same key as admin.keys[0]",
    );
  });
});
