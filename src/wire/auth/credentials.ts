import { createHash } from "node:crypto";
import type { UserCredentials } from "../../common/session-api.ts";
import { makeScramVerifier } from "./scram.ts";

export function md5Hex(data: string | Buffer): string {
  return createHash("md5").update(data).digest("hex");
}

/**
 * Credentials for a configured user. The cleartext password is kept because
 * the "password" method needs it; a store that only ever uses SCRAM/md5 may drop it.
 */
export function makeUserCredentials(name: string, password: string): UserCredentials {
  return {
    name,
    scram: makeScramVerifier(password),
    md5: md5Hex(password + name),
    password,
  };
}
