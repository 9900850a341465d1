import assert from "node:assert/strict";
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { serialize } from "pg-protocol";
import { Parser } from "pg-protocol/dist/parser.js";
import type { PgError } from "../../../src/common/pg-error.ts";
import type { AuthMethod, UserCredentials } from "../../../src/common/session-api.ts";
import { authenticate } from "../../../src/wire/auth/authenticate.ts";
import { makeUserCredentials } from "../../../src/wire/auth/credentials.ts";
import { makeScramVerifier, ScramServerExchange } from "../../../src/wire/auth/scram.ts";

// RFC 7677 section 3
const rfc = {
  password: "pencil",
  salt: Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"),
  clientFirst: "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
  serverNonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
  serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
  clientFinal:
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
};

/** A SCRAM client written from the RFC, independent of the server code. */
function clientFinalFor(password: string, clientFirstBare: string, serverFirst: string) {
  const attrs = Object.fromEntries(serverFirst.split(",").map((a) => [a[0], a.slice(2)]));
  const salted = pbkdf2Sync(password, Buffer.from(attrs.s, "base64"), Number(attrs.i), 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const withoutProof = `c=biws,r=${attrs.r}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const sig = createHmac("sha256", storedKey).update(authMessage).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ sig[i]));
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  const serverSig = createHmac("sha256", serverKey).update(authMessage).digest("base64");
  return { final: `${withoutProof},p=${proof.toString("base64")}`, expectedServerFinal: `v=${serverSig}` };
}

describe("SCRAM-SHA-256", () => {
  test("RFC 7677 test vector", () => {
    const exchange = new ScramServerExchange(
      makeScramVerifier(rfc.password, 4096, rfc.salt),
      rfc.serverNonce,
    );
    const first = exchange.clientFirst(rfc.clientFirst);
    assert.deepEqual(first, { ok: true, value: rfc.serverFirst });
    assert.deepEqual(exchange.clientFinal(rfc.clientFinal), { ok: true, value: rfc.serverFinal });
  });

  test("full exchange with an independently computed client", () => {
    const exchange = new ScramServerExchange(makeScramVerifier("s3cr3t ü", 4096));
    const bare = `n=,r=${randomBytes(18).toString("base64")}`;
    const first = exchange.clientFirst(`n,,${bare}`);
    assert.ok(first.ok);
    const { final, expectedServerFinal } = clientFinalFor("s3cr3t ü".normalize("NFKC"), bare, first.value);
    assert.deepEqual(exchange.clientFinal(final), { ok: true, value: expectedServerFinal });
  });

  test("wrong password fails with badProof", () => {
    const exchange = new ScramServerExchange(makeScramVerifier("right"));
    const bare = "n=,r=abcdef";
    const first = exchange.clientFirst(`n,,${bare}`);
    assert.ok(first.ok);
    const { final } = clientFinalFor("wrong", bare, first.value);
    assert.deepEqual(exchange.clientFinal(final), { ok: false, failure: { kind: "badProof" } });
  });

  test("unknown user runs the exchange and fails like a wrong password", () => {
    const exchange = new ScramServerExchange(undefined);
    const first = exchange.clientFirst("n,,n=,r=abcdef");
    assert.ok(first.ok);
    const { final } = clientFinalFor("anything", "n=,r=abcdef", first.value);
    assert.deepEqual(exchange.clientFinal(final), { ok: false, failure: { kind: "badProof" } });
  });

  test("a tampered nonce, channel binding and malformed messages are rejected", () => {
    const verifier = makeScramVerifier("pw");
    const ex = new ScramServerExchange(verifier);
    const first = ex.clientFirst("n,,n=,r=abc");
    assert.ok(first.ok);
    const { final } = clientFinalFor("pw", "n=,r=abc", first.value);
    const tampered = final.replace(/r=abc/, "r=abd");
    assert.equal(ex.clientFinal(tampered).ok, false);
    assert.equal(new ScramServerExchange(verifier).clientFirst("p=tls-server-end-point,,n=,r=abc").ok, false);
    assert.equal(new ScramServerExchange(verifier).clientFirst("n,a=admin,n=,r=abc").ok, false);
    assert.equal(new ScramServerExchange(verifier).clientFirst("n,,n=,r=").ok, false);
    assert.equal(new ScramServerExchange(verifier).clientFirst("n,,n=,r=a,b").ok, true);
    assert.equal(new ScramServerExchange(verifier).clientFirst("garbage").ok, false);
    const ex2 = new ScramServerExchange(verifier);
    ex2.clientFirst("n,,n=,r=abc");
    assert.equal(ex2.clientFinal("c=eSws,r=abc,p=AAAA").ok, false);
  });
});

/** Plays the client side of authenticate() over decoded backend messages. */
async function runAuth(method: AuthMethod, creds: UserCredentials | undefined, answer: (msg: any) => Buffer) {
  const requests: any[] = [];
  const result = await authenticate(method, "alice", creds, {
    async request(message) {
      const parsed: any[] = [];
      new Parser().parse(message, (m) => parsed.push(m));
      requests.push(parsed[0]);
      return answer(parsed[0]).subarray(5);
    },
  });
  return { requests, result };
}

describe("authenticate()", () => {
  const creds = makeUserCredentials("alice", "pw1");

  test("md5 with the salt from the server", async () => {
    const md5 = (s: string | Buffer) => createHash("md5").update(s).digest("hex");
    const { requests } = await runAuth("md5", creds, (m) =>
      serialize.password(`md5${md5(Buffer.concat([Buffer.from(md5("pw1alice")), m.salt]))}`),
    );
    assert.equal(requests[0].name, "authenticationMD5Password");
    await assert.rejects(
      runAuth("md5", creds, () => serialize.password("md5nope")),
      (e: PgError) =>
        e.code === "28P01" &&
        e.severity === "FATAL" &&
        e.message === 'password authentication failed for user "alice"',
    );
  });

  test("cleartext password, also against a SCRAM-only store", async () => {
    await runAuth("password", creds, () => serialize.password("pw1"));
    const scramOnly: UserCredentials = { ...creds, password: undefined };
    await runAuth("password", scramOnly, () => serialize.password("pw1"));
    await assert.rejects(
      runAuth("password", scramOnly, () => serialize.password("pw2")),
      { code: "28P01" },
    );
    await assert.rejects(
      runAuth("password", undefined, () => serialize.password("pw1")),
      {
        code: "28P01",
        message: 'password authentication failed for user "alice"',
      },
    );
  });

  test("trust asks nothing", async () => {
    const { requests } = await runAuth("trust", undefined, () => {
      throw new Error("must not ask");
    });
    assert.equal(requests.length, 0);
  });

  test("SCRAM through the protocol messages", async () => {
    const bare = "n=,r=clientnonce123";
    let clientFinal = "";
    const { result } = await runAuth("scram-sha-256", creds, (m) => {
      if (m.name === "authenticationSASL") {
        assert.deepEqual(m.mechanisms, ["SCRAM-SHA-256"]);
        return serialize.sendSASLInitialResponseMessage("SCRAM-SHA-256", `n,,${bare}`);
      }
      const { final, expectedServerFinal } = clientFinalFor("pw1", bare, m.data);
      clientFinal = expectedServerFinal;
      return serialize.sendSCRAMClientFinalMessage(final);
    });
    const parsed: any[] = [];
    new Parser().parse(result.saslFinal!, (m) => parsed.push(m));
    assert.equal(parsed[0].name, "authenticationSASLFinal");
    assert.equal(parsed[0].data, clientFinal);
  });

  test("SCRAM with a wrong password or an unknown user: 28P01, same message", async () => {
    for (const c of [creds, undefined]) {
      await assert.rejects(
        runAuth("scram-sha-256", c, (m) => {
          if (m.name === "authenticationSASL")
            return serialize.sendSASLInitialResponseMessage("SCRAM-SHA-256", "n,,n=,r=xyz");
          return serialize.sendSCRAMClientFinalMessage(clientFinalFor("bad", "n=,r=xyz", m.data).final);
        }),
        { code: "28P01", message: 'password authentication failed for user "alice"' },
      );
    }
  });

  test("SCRAM with an unknown mechanism is a protocol violation", async () => {
    await assert.rejects(
      runAuth("scram-sha-256", creds, () =>
        serialize.sendSASLInitialResponseMessage("SCRAM-SHA-256-PLUS", "p=x,,"),
      ),
      { code: "08P01" },
    );
  });
});
