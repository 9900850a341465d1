import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import type { UserCredentials } from "../../common/session-api.ts";

export type ScramVerifier = UserCredentials["scram"];

export const scramMechanism = "SCRAM-SHA-256";

function hmac(key: Buffer, data: string | Buffer): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function sha256(data: Buffer): Buffer {
  return createHash("sha256").update(data).digest();
}

// Non-ASCII spaces map to SPACE, "commonly mapped to nothing" characters vanish (RFC 4013 B.1, C.1.2).
const nonAsciiSpace = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/g;
const mappedToNothing = new Set([
  0xad, 0x34f, 0x1806, 0x180b, 0x180c, 0x180d, 0x200c, 0x200d, 0x2060, 0xfeff,
]);
const isVariationSelector = (c: number) => c >= 0xfe00 && c <= 0xfe0f;

/**
 * SASLprep as far as passwords need it. Like Postgres, a password that is
 * plain ASCII is used as is.
 */
export function saslPrep(password: string): string {
  if (/^[\x00-\x7f]*$/.test(password)) return password;
  let mapped = "";
  for (const ch of password.replace(nonAsciiSpace, " ")) {
    const c = ch.codePointAt(0)!;
    if (!mappedToNothing.has(c) && !isVariationSelector(c)) mapped += ch;
  }
  return mapped.normalize("NFKC");
}

export function saltedPassword(password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(saslPrep(password), salt, iterations, 32, "sha256");
}

/** The stored SCRAM-SHA-256 secret for a password (what pg_authid keeps). */
export function makeScramVerifier(
  password: string,
  iterations = 4096,
  salt: Buffer = randomBytes(16),
): ScramVerifier {
  const salted = saltedPassword(password, salt, iterations);
  const clientKey = hmac(salted, "Client Key");
  return {
    iterations,
    salt,
    storedKey: sha256(clientKey),
    serverKey: hmac(salted, "Server Key"),
  };
}

/** Checks a cleartext password against a SCRAM verifier. */
export function scramVerifierMatches(verifier: ScramVerifier, password: string): boolean {
  const salted = saltedPassword(password, verifier.salt, verifier.iterations);
  const stored = sha256(hmac(salted, "Client Key"));
  return timingSafeEqual(stored, verifier.storedKey);
}

/** Why an exchange failed; `badMessage` is a protocol violation, `badProof` a wrong password. */
export type ScramFailure = { kind: "badMessage"; message: string } | { kind: "badProof" };

export type ScramStep<T> = { ok: true; value: T } | { ok: false; failure: ScramFailure };

function bad(message: string): ScramStep<never> {
  return { ok: false, failure: { kind: "badMessage", message } };
}

/** RFC 5802 printable: %x21-2B / %x2D-7E */
function isPrintableNonce(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x2c) return false;
  }
  return true;
}

/**
 * Server side of one SCRAM-SHA-256 exchange without channel binding. For an
 * unknown user it runs with a made-up verifier and fails at the proof, so the
 * exchange does not reveal whether the user exists.
 */
export class ScramServerExchange {
  private readonly verifier: ScramVerifier;
  private readonly known: boolean;
  private clientFirstBare = "";
  private serverFirst = "";
  private gs2Header = "";
  private nonce = "";

  constructor(
    verifier: ScramVerifier | undefined,
    private readonly serverNonce: string = randomBytes(18).toString("base64"),
  ) {
    this.known = verifier !== undefined;
    this.verifier = verifier ?? {
      iterations: 4096,
      salt: randomBytes(16),
      storedKey: randomBytes(32),
      serverKey: randomBytes(32),
    };
  }

  /** client-first-message → server-first-message */
  clientFirst(message: string): ScramStep<string> {
    const m = /^([npy])(=[^,]*)?,(a=[^,]*)?,(.*)$/s.exec(message);
    if (!m) return bad("malformed SCRAM message");
    const [, cbFlag, cbName, authzid, bare] = m;
    if (cbFlag === "p") return bad("channel binding is not supported");
    if (cbFlag !== "p" && cbName !== undefined) return bad("malformed SCRAM message");
    if (authzid !== undefined) return bad("client uses authorization identity, but it is not supported");
    const attrs = bare.split(",");
    if (attrs.length < 2 || !attrs[0].startsWith("n=") || !attrs[1].startsWith("r="))
      return bad("malformed SCRAM message");
    if (attrs.slice(2).some((a) => a.startsWith("m="))) return bad("unsupported SCRAM extension");
    const clientNonce = attrs[1].slice(2);
    if (!isPrintableNonce(clientNonce)) return bad("invalid SCRAM nonce");
    this.gs2Header = message.slice(0, message.length - bare.length);
    this.clientFirstBare = bare;
    this.nonce = clientNonce + this.serverNonce;
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString("base64")},i=${this.verifier.iterations}`;
    return { ok: true, value: this.serverFirst };
  }

  /** client-final-message → server-final-message ("v=…") */
  clientFinal(message: string): ScramStep<string> {
    const proofAt = message.lastIndexOf(",p=");
    if (proofAt < 0) return bad("malformed SCRAM message");
    const withoutProof = message.slice(0, proofAt);
    const attrs = withoutProof.split(",");
    if (attrs.length < 2 || !attrs[0].startsWith("c=") || !attrs[1].startsWith("r="))
      return bad("malformed SCRAM message");
    if (attrs[0].slice(2) !== Buffer.from(this.gs2Header).toString("base64"))
      return bad("SCRAM channel binding check failed");
    if (attrs[1].slice(2) !== this.nonce) return bad("SCRAM nonce mismatch");
    const proof = Buffer.from(message.slice(proofAt + 3), "base64");
    if (proof.length !== 32) return bad("malformed SCRAM message");
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.verifier.storedKey, authMessage);
    const clientKey = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) clientKey[i] = proof[i] ^ clientSignature[i];
    const matches = timingSafeEqual(sha256(clientKey), this.verifier.storedKey);
    if (!matches || !this.known) return { ok: false, failure: { kind: "badProof" } };
    const serverSignature = hmac(this.verifier.serverKey, authMessage);
    return { ok: true, value: `v=${serverSignature.toString("base64")}` };
  }
}
