import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TLSSocket } from "node:tls";
import pg from "pg";
import Cursor from "pg-cursor";
import { serialize } from "pg-protocol";
import postgres from "postgres";
import type { AuthMethod, UserStore } from "../../../src/common/session-api.ts";
import { makeUserCredentials } from "../../../src/wire/auth/credentials.ts";
import type { WireLogger } from "../../../src/wire/logger.ts";
import { startWireServer, type WireServer } from "../../../src/wire/server.ts";
import { FakeSessionFactory } from "./fake-session.ts";
import { cstr, int16, int32, typed, untyped } from "./frontend-frames.ts";
import { RawClient } from "./raw-client.ts";

const creds = makeUserCredentials("u", "p");
function users(method: AuthMethod): UserStore {
  return { method, lookup: (name) => (name === "u" ? creds : undefined) };
}

interface Logged {
  level: string;
  obj: any;
  msg?: string;
}
function captureLogger(into: Logged[]): WireLogger {
  const at = (level: string) => (obj: object, msg?: string) => into.push({ level, obj, msg });
  return { info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
}

interface Running {
  server: WireServer;
  sessions: FakeSessionFactory;
  logs: Logged[];
}

async function start(
  method: AuthMethod,
  extra: { tls?: { cert: Buffer; key: Buffer } } = {},
): Promise<Running> {
  const sessions = new FakeSessionFactory();
  const logs: Logged[] = [];
  const server = await startWireServer({
    host: "127.0.0.1",
    port: 0,
    users: users(method),
    sessions,
    logger: captureLogger(logs),
    ...extra,
  });
  return { server, sessions, logs };
}

function pgClient(port: number, extra: Partial<pg.ClientConfig> = {}): pg.Client {
  return new pg.Client({ host: "127.0.0.1", port, user: "u", password: "p", database: "db", ...extra });
}

function runPsql(
  url: string,
  sql: string,
  extraArgs: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PGCONNECT_TIMEOUT: "10" };
    delete env.PGPASSWORD;
    delete env.PGSERVICE;
    execFile(
      "psql",
      ["-X", "-A", "-t", ...extraArgs, url, "-c", sql],
      { env, timeout: 20_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as any).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe("wire server with node-postgres", () => {
  let s: Running;
  before(async () => {
    s = await start("scram-sha-256");
  });
  after(async () => {
    await s.server.close();
  });

  test("simple query, then the session gets the startup info", async () => {
    const c = pgClient(s.server.port, { application_name: "wire-test" });
    await c.connect();
    try {
      const r = await c.query("select 42");
      assert.deepEqual(r.rows, [{ "?column?": 42 }]);
      assert.equal(r.command, "SELECT");
      const session = s.sessions.last();
      assert.equal(session.startup.user, "u");
      assert.equal(session.startup.database, "db");
      assert.equal(session.startup.params.application_name, "wire-test");
      assert.equal((c as any).processID > 0, true);
      const multi = (await c.query("begin; select 7; commit")) as unknown as pg.QueryResult[];
      assert.deepEqual(
        multi.map((m) => m.command),
        ["BEGIN", "SELECT", "COMMIT"],
      );
    } finally {
      await c.end();
    }
  });

  test("parameterized query (extended protocol), text and binary results", async () => {
    const c = pgClient(s.server.port);
    await c.connect();
    try {
      const r = await c.query("select $1::int4 as a, $2::text as b", [41, "hé ☃"]);
      assert.deepEqual(r.rows, [{ a: 41, b: "hé ☃" }]);
      // node-postgres turns every DataRow cell into a UTF-8 string before its binary parsers run
      // (pg/lib/connection.js: "TODO support binary mode"), so the value is chosen to be ASCII
      // in binary: 0x31323334 is the bytes "1234". A text-format answer would read as 1234.
      const bin = await c.query({
        text: "select $1::int4 as a, $2::text as b",
        values: [0x31323334, "x"],
        binary: true,
      } as pg.QueryConfig);
      assert.deepEqual(bin.rows, [{ a: 0x31323334, b: "x" }]);
      assert.deepEqual(
        bin.fields.map((f) => f.format),
        ["binary", "binary"],
      );
      const ins = await c.query("insert", []);
      assert.equal(ins.command, "INSERT");
      assert.equal(ins.rowCount, 1);
    } finally {
      await c.end();
    }
  });

  test("a named prepared statement is parsed once and executed several times", async () => {
    const c = pgClient(s.server.port);
    await c.connect();
    try {
      for (let i = 0; i < 3; i++) {
        const r = await c.query({
          name: "pair",
          text: "select $1::int4 as a, $2::text as b",
          values: [i, `v${i}`],
        });
        assert.deepEqual(r.rows, [{ a: i, b: `v${i}` }]);
      }
      const session = s.sessions.last();
      assert.equal(session.prepared.filter((p) => p.sql.startsWith("select $1")).length, 1);
      assert.equal(session.prepared[0].stmt.portals.length, 3);
    } finally {
      await c.end();
    }
  });

  test("pg-cursor reads in row-limited chunks (PortalSuspended)", async () => {
    const c = pgClient(s.server.port);
    await c.connect();
    try {
      const cursor = c.query(new Cursor("select * from gen($1)", [10]));
      const read = (n: number) => cursor.read(n);
      assert.deepEqual(
        (await read(3)).map((r) => r.id),
        [1, 2, 3],
      );
      assert.deepEqual(
        (await read(3)).map((r) => r.name),
        ["row 4", "row 5", "row 6"],
      );
      assert.deepEqual(
        (await read(10)).map((r) => r.id),
        [7, 8, 9, 10],
      );
      assert.deepEqual(await read(10), []);
      await cursor.close();
      const portal = s.sessions.last().prepared.at(-1)!.stmt.portals[0];
      assert.deepEqual(portal.executes.slice(0, 3), [
        { maxRows: 3, result: "suspended" },
        { maxRows: 3, result: "suspended" },
        { maxRows: 10, result: "complete" },
      ]);
      await eventually(() => portal.closed, "portal close");
    } finally {
      await c.end();
    }
  });

  test("a large result streams through (buffer flushes, backpressure)", async () => {
    const c = pgClient(s.server.port);
    await c.connect();
    try {
      const r = await c.query("select * from gen(200000)");
      assert.equal(r.rows.length, 200000);
      assert.deepEqual(r.rows[199999], { id: 200000, name: "row 200000" });
      const e = await c.query("select * from gen($1)", [50000]);
      assert.equal(e.rowCount, 50000);
    } finally {
      await c.end();
    }
  });

  test("errors: PgError fields reach the client; a non-PgError is XX000 'internal error'; the connection survives", async () => {
    const c = pgClient(s.server.port);
    await c.connect();
    try {
      await assert.rejects(c.query("fail"), (e: any) => {
        assert.equal(e.code, "42P01");
        assert.equal(e.message, 'relation "nope" does not exist');
        assert.equal(e.position, "3");
        assert.equal(e.hint, "check the name");
        assert.equal(e.severity, "ERROR");
        return true;
      });
      await assert.rejects(c.query("boom"), (e: any) => e.code === "XX000" && e.message === "internal error");
      assert.ok(s.logs.some((l) => l.level === "error" && String(l.obj.err?.message).includes("kaboom")));
      // extended protocol: the error skips to Sync and the session is told
      await assert.rejects(c.query("boom", [1]), { code: "XX000", message: "internal error" });
      assert.equal(s.sessions.last().extendedErrors, 1);
      assert.deepEqual((await c.query("select 1")).rows, [{ "?column?": 1 }]);
      assert.deepEqual((await c.query("select $1::int4 as a, $2::text as b", [1, "z"])).rows, [
        { a: 1, b: "z" },
      ]);
    } finally {
      await c.end();
    }
  });

  test("notices and ParameterStatus from the session reach the client", async () => {
    const c = pgClient(s.server.port);
    await c.connect();
    try {
      const notices: any[] = [];
      c.on("notice", (n) => notices.push(n));
      await c.query("notice");
      assert.equal(notices[0]?.message, "just so you know");
      const statuses: any[] = [];
      (c as any).connection.on("parameterStatus", (m: any) =>
        statuses.push([m.parameterName, m.parameterValue]),
      );
      await c.query("set app");
      assert.deepEqual(statuses, [["application_name", "changed"]]);
    } finally {
      await c.end();
    }
  });

  test("wrong password and unknown user both get 28P01 with the same message", async () => {
    for (const [user, password] of [
      ["u", "bad"],
      ["ghost", "p"],
    ]) {
      const c = pgClient(s.server.port, { user, password });
      await assert.rejects(c.connect(), (e: any) => {
        assert.equal(e.code, "28P01");
        assert.equal(e.message, `password authentication failed for user "${user}"`);
        return true;
      });
    }
  });

  test("a session that refuses the database gives FATAL 3D000", async () => {
    const c = pgClient(s.server.port, { database: "nodb" });
    await assert.rejects(c.connect(), { code: "3D000", message: 'database "nodb" does not exist' });
  });

  test("terminate closes the session and the connection count drops", async () => {
    const c = pgClient(s.server.port);
    await c.connect();
    const session = s.sessions.last();
    assert.ok(s.server.connectionCount() >= 1);
    await c.end();
    await eventually(() => session.closed, "session.close()");
    await eventually(() => s.server.connectionCount() === 0, "connection count 0");
  });

  test("socket close without Terminate still closes the session", async () => {
    const c = pgClient(s.server.port);
    c.on("error", () => {});
    await c.connect();
    const session = s.sessions.last();
    (c as any).connection.stream.destroy();
    await eventually(() => session.closed, "session.close()");
  });
});

describe("wire server with postgres.js", () => {
  let s: Running;
  before(async () => {
    s = await start("scram-sha-256");
  });
  after(async () => {
    await s.server.close();
  });

  test("queries with parameters, Describe of statements, prepared reuse", async () => {
    const sql = postgres({
      host: "127.0.0.1",
      port: s.server.port,
      user: "u",
      pass: "p",
      database: "db",
      fetch_types: false,
      max: 1,
      onnotice: () => {},
    });
    try {
      for (let i = 0; i < 3; i++) {
        const rows = await sql`select ${i}::int4 as a, ${"ü"}::text as b`;
        assert.deepEqual([...rows], [{ a: i, b: "ü" }]);
      }
      const gen = await sql`select * from gen(${5})`;
      assert.equal(gen.length, 5);
      assert.equal(gen[4].name, "row 5");
      await assert.rejects(sql`fail`, (e: any) => e.code === "42P01");
      const again = await sql`select ${9}::int4 as a, ${"x"}::text as b`;
      assert.equal(again[0].a, 9);
      const session = s.sessions.last();
      assert.equal(session.prepared.filter((p) => p.sql.startsWith("select $1")).length, 1);
    } finally {
      await sql.end();
    }
  });
});

describe("wire server with psql", () => {
  let scram: Running;
  let md5: Running;
  before(async () => {
    scram = await start("scram-sha-256");
    md5 = await start("md5");
  });
  after(async () => {
    await scram.server.close();
    await md5.server.close();
  });

  test("psql with SCRAM", async () => {
    const r = await runPsql(`postgresql://u:p@127.0.0.1:${scram.server.port}/db`, "select 1");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "1");
  });

  test("psql with md5", async () => {
    const r = await runPsql(`postgresql://u:p@127.0.0.1:${md5.server.port}/db`, "select 3");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "3");
  });

  test("psql with a wrong password exits 2 with the 28P01 message", async () => {
    for (const port of [scram.server.port, md5.server.port]) {
      const r = await runPsql(`postgresql://u:wrong@127.0.0.1:${port}/db`, "select 1");
      assert.equal(r.code, 2);
      assert.match(r.stderr, /FATAL: {2}password authentication failed for user "u"/);
    }
  });

  test("psql errors show SQLSTATE in verbose mode", async () => {
    const r = await runPsql(`postgresql://u:p@127.0.0.1:${scram.server.port}/db`, "fail", [
      "-v",
      "VERBOSITY=verbose",
    ]);
    assert.match(r.stderr, /42P01/);
  });
});

describe("wire server robustness (raw sockets)", () => {
  let s: Running;
  before(async () => {
    s = await start("trust");
  });
  after(async () => {
    await s.server.close();
  });

  test("a malformed frame gets FATAL 08P01 and closes only that connection", async () => {
    const good = pgClient(s.server.port);
    await good.connect();
    try {
      for (const badFrame of [
        typed("Z", Buffer.alloc(0)),
        Buffer.from([0x51, 0, 0, 0, 2]),
        typed("Q", Buffer.from("no terminator")),
        Buffer.from([0x51, 0x7f, 0xff, 0xff, 0xff]),
        typed("B", Buffer.concat([cstr(""), cstr(""), int16(0), int16(3)])),
      ]) {
        const raw = await RawClient.ready(s.server.port);
        raw.send(badFrame);
        const [err] = await raw.until("E");
        assert.equal(err.msg.severity, "FATAL");
        assert.equal(err.msg.code, "08P01");
        await raw.closed();
        assert.deepEqual((await good.query("select 5")).rows, [{ "?column?": 5 }]);
      }
      // garbage instead of a startup packet
      const raw = await RawClient.connect(s.server.port);
      raw.send(int32(3, 0));
      const [err] = await raw.until("E");
      assert.equal(err.msg.code, "08P01");
      await raw.closed();
    } finally {
      await good.end();
    }
  });

  test("a frame over maxMessageBytes is refused", async () => {
    const small = await startWireServer({
      host: "127.0.0.1",
      port: 0,
      users: users("trust"),
      sessions: new FakeSessionFactory(),
      maxMessageBytes: 1000,
    });
    try {
      const raw = await RawClient.ready(small.port, { user: "u" });
      raw.send(serialize.query("x".repeat(2000)));
      const [err] = await raw.until("E");
      assert.equal(err.msg.code, "08P01");
      await raw.closed();
    } finally {
      await small.close();
    }
  });

  test("startup without a user gives FATAL 28000", async () => {
    const raw = await RawClient.connect(s.server.port);
    raw.send(untyped(Buffer.concat([int32(196608), cstr("database"), cstr("db"), cstr("")])));
    const [err] = await raw.until("E");
    assert.equal(err.msg.code, "28000");
    assert.equal(err.msg.severity, "FATAL");
  });

  test("protocol 3.2 and a _pq_ option get NegotiateProtocolVersion, then the session starts", async () => {
    const raw = await RawClient.connect(s.server.port);
    raw.send(
      untyped(
        Buffer.concat([int32(0x30002), cstr("user"), cstr("alice"), cstr("_pq_.x"), cstr("1"), cstr("")]),
      ),
    );
    const frames = await raw.until("Z");
    const v = frames[0];
    assert.equal(v.code, "v");
    assert.equal(v.body.readInt32BE(0), 0);
    assert.equal(v.body.readInt32BE(4), 1);
    assert.equal(v.body.subarray(8).toString(), "_pq_.x\0");
    assert.equal(frames[1].msg.name, "authenticationOk");
    assert.ok(frames.some((f) => f.code === "K"));
    assert.equal(s.sessions.last().startup.params["_pq_.x"], undefined);
    raw.close();
  });

  test("an unsupported major protocol version is refused with 0A000", async () => {
    const raw = await RawClient.connect(s.server.port);
    raw.send(untyped(Buffer.concat([int32(0x20000), cstr("user"), cstr("alice"), cstr("")])));
    const [err] = await raw.until("E");
    assert.equal(err.msg.code, "0A000");
  });

  test("SSLRequest and GSSENCRequest are answered N without TLS, then startup continues", async () => {
    const socket = connect(s.server.port, "127.0.0.1");
    const received: Buffer[] = [];
    socket.on("data", (d) => received.push(d));
    await new Promise((r) => socket.once("connect", r));
    socket.write(untyped(int32(80877104)));
    await eventually(() => Buffer.concat(received).length >= 1, "GSSENC answer");
    socket.write(serialize.requestSsl());
    await eventually(() => Buffer.concat(received).length >= 2, "SSL answer");
    assert.equal(Buffer.concat(received).toString(), "NN");
    socket.write(serialize.startup({ user: "alice" }));
    await eventually(
      () => Buffer.concat(received).includes(Buffer.from([0x5a, 0, 0, 0, 5, 0x49])),
      "ReadyForQuery",
    );
    socket.destroy();
  });

  test("extended protocol errors: names, counts, skip until Sync", async () => {
    const raw = await RawClient.ready(s.server.port);
    const expectError = async (code: string, message: string) => {
      const frames = await raw.until("Z");
      const err = frames.find((f) => f.code === "E");
      assert.ok(err, `expected ${code}, got ${frames.map((f) => f.code).join("")}`);
      assert.equal(err.msg.code, code);
      assert.equal(err.msg.message, message);
      assert.equal(frames.at(-1)!.code, "Z");
      return frames;
    };
    raw.send(serialize.parse({ name: "s1", text: "select 1" }), serialize.sync());
    assert.deepEqual(
      (await raw.until("Z")).map((f) => f.code),
      ["1", "Z"],
    );
    raw.send(serialize.parse({ name: "s1", text: "select 1" }), serialize.sync());
    await expectError("42P05", 'prepared statement "s1" already exists');
    raw.send(serialize.bind({ statement: "nope" }), serialize.sync());
    await expectError("26000", 'prepared statement "nope" does not exist');
    raw.send(serialize.execute({ portal: "nope" }), serialize.sync());
    await expectError("34000", 'portal "nope" does not exist');
    raw.send(serialize.describe({ type: "P", name: "nope" }), serialize.sync());
    await expectError("34000", 'portal "nope" does not exist');
    raw.send(
      serialize.parse({ name: "two", text: "select $1::int4 as a, $2::text as b" }),
      serialize.bind({ statement: "two", values: ["1"] }),
      serialize.sync(),
    );
    const frames = await expectError(
      "08P01",
      'bind message supplies 1 parameters, but prepared statement "two" requires 2',
    );
    assert.deepEqual(
      frames.map((f) => f.code),
      ["1", "E", "Z"],
    );
    // after an error everything up to Sync is skipped
    raw.send(
      serialize.bind({ statement: "missing" }),
      serialize.parse({ name: "", text: "select 1" }),
      serialize.execute({}),
      serialize.sync(),
    );
    assert.deepEqual(
      (await raw.until("Z")).map((f) => f.code),
      ["E", "Z"],
    );
    // bad format code
    raw.send(
      typed("B", Buffer.concat([cstr(""), cstr("s1"), int16(1, 7), int16(0), int16(0)])),
      serialize.sync(),
    );
    await expectError("22023", "unsupported format code: 7");
    // duplicate portal, and the extendedError count
    raw.send(
      serialize.bind({ portal: "p", statement: "s1" }),
      serialize.bind({ portal: "p", statement: "s1" }),
      serialize.sync(),
    );
    await expectError("42P03", 'cursor "p" already exists');
    assert.equal(s.sessions.last().extendedErrors, 8);
    raw.close();
  });

  test("Describe, Execute with row limits, completed portal, Close of missing names", async () => {
    const raw = await RawClient.ready(s.server.port);
    raw.send(
      serialize.parse({ name: "g", text: "select * from gen($1)" }),
      serialize.describe({ type: "S", name: "g" }),
      serialize.bind({ portal: "c", statement: "g", values: ["5"] }),
      serialize.describe({ type: "P", name: "c" }),
      serialize.execute({ portal: "c", rows: 2 }),
      serialize.execute({ portal: "c", rows: 2 }),
      serialize.execute({ portal: "c", rows: 2 }),
      serialize.execute({ portal: "c", rows: 2 }),
      serialize.close({ type: "P", name: "c" }),
      serialize.close({ type: "S", name: "never" }),
      serialize.parse({ name: "i", text: "insert" }),
      serialize.describe({ type: "S", name: "i" }),
      serialize.parse({ name: "", text: "" }),
      serialize.bind({}),
      serialize.execute({}),
      serialize.sync(),
    );
    const frames = await raw.until("Z");
    assert.deepEqual(
      frames.map((f) => f.code).join(""),
      "1tT2T" + "DDs" + "DDs" + "DC" + "C" + "3" + "3" + "1tn" + "1" + "2" + "I" + "Z",
    );
    assert.deepEqual(frames[1].msg.dataTypeIDs, [23]);
    assert.deepEqual(
      frames[2].msg.fields.map((f: any) => f.name),
      ["id", "name"],
    );
    const tags = frames.filter((f) => f.code === "C").map((f) => f.msg.text);
    assert.deepEqual(tags, ["SELECT 5", "SELECT 5"]);
    raw.close();
  });

  test("Flush sends buffered replies without Sync", async () => {
    const raw = await RawClient.ready(s.server.port);
    raw.send(serialize.parse({ name: "f", text: "select 1" }), serialize.flush());
    assert.deepEqual(
      (await raw.until("1")).map((f) => f.code),
      ["1"],
    );
    raw.close();
  });

  test("FunctionCall is refused; stray copy messages are ignored", async () => {
    const raw = await RawClient.ready(s.server.port);
    raw.send(typed("F", Buffer.concat([int32(1), int16(0), int16(0), int16(0)])));
    const frames = await raw.until("Z");
    assert.equal(frames[0].msg.code, "0A000");
    raw.send(serialize.copyData(Buffer.from("x")), serialize.copyDone(), serialize.query("select 2"));
    const after = await raw.until("Z");
    assert.deepEqual(
      after.map((f) => f.code),
      ["T", "D", "C", "Z"],
    );
    raw.close();
  });

  test("empty query string: EmptyQueryResponse", async () => {
    const raw = await RawClient.ready(s.server.port);
    raw.send(serialize.query(""));
    assert.deepEqual(
      (await raw.until("Z")).map((f) => f.code),
      ["I", "Z"],
    );
    raw.close();
  });

  test("CancelRequest reaches the right session; a wrong key does nothing", async () => {
    const a = pgClient(s.server.port);
    const b = pgClient(s.server.port);
    await a.connect();
    await b.connect();
    try {
      const sessionA = s.sessions.sessions.find(
        (x) => x.startup.params.application_name === undefined && !x.closed,
      );
      assert.ok(sessionA);
      const pending = assert.rejects(a.query("sleep"), { code: "57014" });
      const sessA = s.sessions.sessions.at(-2)!;
      const sessB = s.sessions.sessions.at(-1)!;
      await eventually(() => sessA.running, "query running");
      const sendCancel = async (pid: number, key: number) => {
        const raw = await RawClient.connect(s.server.port);
        raw.send(serialize.cancel(pid, key));
        await raw.closed();
        assert.equal(raw.frames.length, 0);
      };
      await sendCancel((a as any).processID, (a as any).secretKey ^ 1);
      assert.equal(sessA.cancelled, 0);
      await sendCancel((a as any).processID, (a as any).secretKey);
      await pending;
      assert.equal(sessA.cancelled, 1);
      assert.equal(sessB.cancelled, 0);
      assert.deepEqual((await a.query("select 1")).rows, [{ "?column?": 1 }]);
    } finally {
      await a.end();
      await b.end();
    }
  });
});

describe("wire server with TLS", () => {
  let dir: string;
  let s: Running;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "weft-tls-"));
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1"].concat([
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ]),
      { stdio: "ignore" },
    );
    s = await start("scram-sha-256", {
      tls: { cert: readFileSync(join(dir, "cert.pem")), key: readFileSync(join(dir, "key.pem")) },
    });
  });
  after(async () => {
    await s.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("pg over TLS", async () => {
    const c = pgClient(s.server.port, { ssl: { rejectUnauthorized: false } });
    await c.connect();
    try {
      assert.ok((c as any).connection.stream instanceof TLSSocket);
      assert.equal((c as any).connection.stream.encrypted, true);
      const r = await c.query("select $1::int4 as a, $2::text as b", [1, "tls"]);
      assert.deepEqual(r.rows, [{ a: 1, b: "tls" }]);
      assert.equal((await c.query("select * from gen(30000)")).rowCount, 30000);
    } finally {
      await c.end();
    }
  });

  test("psql with sslmode=require", async () => {
    const r = await runPsql(`postgresql://u:p@127.0.0.1:${s.server.port}/db?sslmode=require`, "select 8");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "8");
  });

  test("plaintext bytes pipelined after SSLRequest are refused", async () => {
    const raw = await RawClient.connect(s.server.port);
    raw.send(serialize.requestSsl(), serialize.startup({ user: "u" }));
    await raw.closed();
  });
});

describe("server close", () => {
  test("close() ends connections with 57P01 and closes their sessions", async () => {
    const s = await start("trust");
    const c = pgClient(s.server.port);
    const errors: any[] = [];
    c.on("error", (e) => errors.push(e));
    await c.connect();
    const session = s.sessions.last();
    await s.server.close();
    assert.equal(session.closed, true);
    assert.equal(s.server.connectionCount(), 0);
    await eventually(() => errors.length > 0, "client error");
    assert.equal(errors[0].code, "57P01");
  });
});
