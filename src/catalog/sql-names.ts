/** Identifier helpers for the DDL the mirror generates (identifiers are quoted, never values). */

/** Postgres keeps at most NAMEDATALEN-1 = 63 bytes of an identifier. */
export const MAX_IDENTIFIER_BYTES = 63;

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** Cuts a name to 63 bytes of UTF-8 without splitting a character, as Postgres would. */
export function truncateIdent(name: string): string {
  if (Buffer.byteLength(name, "utf8") <= MAX_IDENTIFIER_BYTES) return name;
  let out = "";
  let bytes = 0;
  for (const ch of name) {
    const size = Buffer.byteLength(ch, "utf8");
    if (bytes + size > MAX_IDENTIFIER_BYTES) break;
    out += ch;
    bytes += size;
  }
  return out;
}
