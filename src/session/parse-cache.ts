import { type ParsedStatement, parseSql } from "../sql/parse.ts";

/**
 * Parsed statements by SQL text, shared by every session: a client that runs one statement over
 * and over (every extended-protocol Parse of pgbench, JDBC, psql's \bind …) pays libpg-query once.
 * Parsing depends on the text alone, and nothing downstream changes an AST, so entries never go
 * stale; errors are not cached (they are thrown again, with their positions, on the next try).
 */
const capacity = 1000;
/** Longer texts (bulk INSERTs, generated queries) are rarely repeated: parsing them is not saved. */
const maxCachedLength = 8192;
const entries = new Map<string, ParsedStatement[]>();

export function parseSqlCached(sql: string): ParsedStatement[] {
  if (sql.length > maxCachedLength) return parseSql(sql);
  const hit = entries.get(sql);
  if (hit) {
    entries.delete(sql);
    entries.set(sql, hit);
    return hit;
  }
  const parsed = parseSql(sql);
  entries.set(sql, parsed);
  if (entries.size > capacity) {
    const oldest = entries.keys().next().value;
    if (oldest !== undefined) entries.delete(oldest);
  }
  return parsed;
}
