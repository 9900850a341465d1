import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { PgError, SqlState } from "../../common/pg-error.ts";
import type { AuthMethod, UserCredentials } from "../../common/session-api.ts";
import { BackendWriter } from "../codec/backend-writer.ts";
import { FrameReader } from "../codec/frame-reader.ts";
import { ProtocolError } from "../codec/protocol-error.ts";
import { md5Hex } from "./credentials.ts";
import { ScramServerExchange, scramMechanism, scramVerifierMatches } from "./scram.ts";

/** How the authentication exchange talks to the client. */
export interface AuthChannel {
  /** Sends an authentication request and resolves with the body of the client's 'p' reply. */
  request(message: Buffer): Promise<Uint8Array>;
}

function message(build: (w: BackendWriter) => void): Buffer {
  const w = new BackendWriter(256);
  build(w);
  return w.take();
}

function authFailed(user: string): PgError {
  return new PgError(SqlState.invalidPassword, `password authentication failed for user "${user}"`, {
    severity: "FATAL",
  });
}

function protocolViolation(text: string): PgError {
  return new PgError(SqlState.protocolViolation, text, { severity: "FATAL" });
}

function sameSecret(a: string, b: string): boolean {
  // hashing first gives equal lengths, so the comparison time does not depend on the input
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

function passwordText(body: Uint8Array): string {
  try {
    const r = new FrameReader(Buffer.from(body.buffer, body.byteOffset, body.length), 0, "password");
    const text = r.cstring();
    r.end();
    return text;
  } catch (err) {
    if (err instanceof ProtocolError) throw protocolViolation("invalid password packet size");
    throw err;
  }
}

/**
 * Runs the exchange for `method`. Resolves when the user is authenticated and
 * throws a FATAL PgError otherwise. An unknown user fails exactly like a wrong
 * password, after the same exchange, so user names cannot be probed.
 */
export async function authenticate(
  method: AuthMethod,
  user: string,
  creds: UserCredentials | undefined,
  channel: AuthChannel,
): Promise<{ saslFinal?: Buffer }> {
  switch (method) {
    case "trust":
      return {};
    case "password": {
      const body = await channel.request(message((w) => w.authenticationCleartextPassword()));
      const given = passwordText(body);
      if (!creds || given === "") throw authFailed(user);
      const ok =
        creds.password !== undefined
          ? sameSecret(given, creds.password)
          : scramVerifierMatches(creds.scram, given);
      if (!ok) throw authFailed(user);
      return {};
    }
    case "md5": {
      const salt = randomBytes(4);
      const body = await channel.request(message((w) => w.authenticationMD5Password(salt)));
      const given = passwordText(body);
      const stored = creds?.md5 ?? randomBytes(16).toString("hex");
      const expected = `md5${md5Hex(Buffer.concat([Buffer.from(stored), salt]))}`;
      if (!creds || !sameSecret(given, expected)) throw authFailed(user);
      return {};
    }
    case "scram-sha-256":
      return { saslFinal: await scram(user, creds, channel) };
  }
}

async function scram(
  user: string,
  creds: UserCredentials | undefined,
  channel: AuthChannel,
): Promise<Buffer> {
  const exchange = new ScramServerExchange(creds?.scram);
  const initial = await channel.request(message((w) => w.authenticationSASL([scramMechanism])));
  let mechanism: string;
  let first: string;
  try {
    const r = new FrameReader(
      Buffer.from(initial.buffer, initial.byteOffset, initial.length),
      0,
      "SASLInitialResponse",
    );
    mechanism = r.cstring();
    const len = r.int32();
    const data = len === -1 ? new Uint8Array(0) : r.bytes(len);
    r.end();
    first = Buffer.from(data).toString("utf8");
  } catch (err) {
    if (err instanceof ProtocolError) throw protocolViolation(err.message);
    throw err;
  }
  if (mechanism !== scramMechanism)
    throw protocolViolation("client selected an invalid SASL authentication mechanism");
  const serverFirst = exchange.clientFirst(first);
  if (!serverFirst.ok) throw scramFailure(user, serverFirst.failure);
  const final = await channel.request(
    message((w) => w.authenticationSASLContinue(Buffer.from(serverFirst.value))),
  );
  const serverFinal = exchange.clientFinal(Buffer.from(final).toString("utf8"));
  if (!serverFinal.ok) throw scramFailure(user, serverFinal.failure);
  return message((w) => w.authenticationSASLFinal(Buffer.from(serverFinal.value)));
}

function scramFailure(user: string, failure: { kind: "badMessage"; message: string } | { kind: "badProof" }) {
  return failure.kind === "badProof" ? authFailed(user) : protocolViolation(failure.message);
}
