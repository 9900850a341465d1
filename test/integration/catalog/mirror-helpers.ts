import type { Mirror, MirrorContext, MirrorResult } from "../../../src/catalog/mirror.ts";

export const ctxOf = (user: string, settings: Record<string, string> = {}): MirrorContext => ({
  user,
  settings,
});

/** Runs a statement in text format and returns the rows as strings. */
export async function textRows(
  mirror: Mirror,
  sql: string,
  ctx: MirrorContext,
  params: (string | null)[] = [],
): Promise<(string | null)[][]> {
  const r = await run(mirror, sql, ctx, params);
  return r.rows.map((row) => row.map((c) => (c === null ? null : Buffer.from(c).toString("utf8"))));
}

export function run(
  mirror: Mirror,
  sql: string,
  ctx: MirrorContext,
  params: (string | null)[] = [],
  readBack?: string[],
): Promise<MirrorResult> {
  const encoded = params.map((p) => (p === null ? null : Buffer.from(p, "utf8")));
  return mirror.execute(sql, [], encoded, [], [], ctx, readBack);
}
