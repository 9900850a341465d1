/**
 * API keys for /api/v2: `Authorization: Bearer <key>` or `X-Api-Key: <key>`. A read key may only
 * read (GET/HEAD); everything else needs an admin key. Keys are compared in constant time (as
 * SHA-256 digests, so neither the length nor a prefix leaks through timing).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { ApiError } from "./errors.ts";

export type ApiRole = "admin" | "read";

export interface ApiKey {
  name: string;
  key: string;
  role: ApiRole;
}

export interface Caller {
  name: string;
  role: ApiRole;
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

export class ApiKeys {
  readonly #keys: { name: string; role: ApiRole; digest: Buffer }[];

  constructor(keys: readonly ApiKey[]) {
    this.#keys = keys.map((k) => ({ name: k.name, role: k.role, digest: digest(k.key) }));
  }

  get configured(): boolean {
    return this.#keys.length > 0;
  }

  /** The key's holder, or undefined. Every configured key is compared, so the time does not tell which matched. */
  find(key: string): Caller | undefined {
    const given = digest(key);
    let found: Caller | undefined;
    for (const k of this.#keys) {
      if (timingSafeEqual(k.digest, given) && !found) found = { name: k.name, role: k.role };
    }
    return found;
  }

  /** Throws 401 (no or unknown key) or 403 (a read key on a write). */
  authorize(req: FastifyRequest): Caller {
    const key = presentedKey(req);
    if (!this.configured) {
      throw new ApiError(401, "the admin API has no keys configured: add admin.keys to the config file");
    }
    if (key === undefined) {
      throw new ApiError(401, "an API key is required (Authorization: Bearer <key> or X-Api-Key: <key>)");
    }
    const caller = this.find(key);
    if (!caller) throw new ApiError(401, "unknown API key");
    const reading = req.method === "GET" || req.method === "HEAD";
    if (!reading && caller.role !== "admin") {
      throw new ApiError(403, `key "${caller.name}" has the read role; ${req.method} needs an admin key`);
    }
    return caller;
  }
}

function presentedKey(req: FastifyRequest): string | undefined {
  const header = req.headers["x-api-key"];
  if (typeof header === "string" && header !== "") return header;
  const auth = req.headers.authorization;
  const match = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return match?.[1];
}
