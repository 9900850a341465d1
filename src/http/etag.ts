/** The catalog version as an ETag, and If-Match back to a version for optimistic writes. */
import type { FastifyReply, FastifyRequest } from "fastify";
import { ApiError } from "./errors.ts";

export function setEtag(reply: FastifyReply, version: number): void {
  reply.header("etag", `"${version}"`);
}

/** undefined when the request has no If-Match (or `*`): the write is then unconditional. */
export function ifMatchVersion(req: FastifyRequest): number | undefined {
  const header = req.headers["if-match"];
  if (header === undefined || header.trim() === "*") return undefined;
  const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
  if (!match) throw new ApiError(400, 'If-Match must be an ETag this API returned, like "12"', "If-Match");
  return Number(match[1]);
}
