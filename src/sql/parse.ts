import type { Node } from "@pgsql/types";
import { hasSqlDetails, loadModule, parseSync } from "libpg-query";
import { PgError, SqlState } from "../common/pg-error.ts";

/**
 * One statement of a (possibly multi-statement) input.
 * Every `location` inside `ast` and `location` itself are 0-based UTF-16 indexes into the
 * whole input string (libpg-query reports byte offsets; parseSql converts them), so
 * `input.slice(location)` works. Use `errorPosition` to turn one into a Postgres error position.
 */
export interface ParsedStatement {
  /** the inner statement node, e.g. { SelectStmt: … } */
  ast: Node;
  /** this statement's own source text */
  text: string;
  /** offset of text in the input */
  location: number;
}

let loaded: Promise<void> | null = null;
let ready = false;

export async function initParser(): Promise<void> {
  loaded ??= loadModule().then(() => {
    ready = true;
  });
  await loaded;
}

export function parseSql(sql: string): ParsedStatement[] {
  if (!ready) throw new Error("parseSql called before initParser()");
  let result: ReturnType<typeof parseSync>;
  try {
    result = parseSync(sql);
  } catch (err) {
    // libpg-query refuses input with no tokens; Postgres treats it as an empty query
    if (err instanceof Error && err.message === "Query cannot be empty") return [];
    throw toSyntaxError(err);
  }
  const toIndex = byteToIndex(sql);
  const out: ParsedStatement[] = [];
  for (const raw of result.stmts ?? []) {
    if (!raw.stmt) continue;
    const startByte = raw.stmt_location ?? 0;
    const start = toIndex(startByte);
    // stmt_len 0 means "to the end of the input"
    const end = raw.stmt_len ? toIndex(startByte + raw.stmt_len) : sql.length;
    const ast = raw.stmt as Node;
    if (toIndex !== identity) remapLocations(ast, toIndex);
    out.push({ ast, text: sql.slice(start, end).trim(), location: start });
  }
  return out;
}

export function statementKind(ast: Node): string {
  return Object.keys(ast)[0] ?? "";
}

/** 1-based character (code point) position Postgres reports for a UTF-16 index into `sql`. */
export function errorPosition(sql: string, index: number): number {
  let chars = 0;
  for (let i = 0; i < index && i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) chars++;
  }
  return chars + 1;
}

function toSyntaxError(err: unknown): unknown {
  if (hasSqlDetails(err) && err.sqlDetails) {
    // cursorPosition is libpg-query's 0-based character offset; Postgres reports 1-based
    const position = err.sqlDetails.cursorPosition + 1;
    return new PgError(SqlState.syntaxError, err.sqlDetails.message, { position });
  }
  if (err instanceof Error) return new PgError(SqlState.syntaxError, err.message);
  return err;
}

const identity = (n: number): number => n;

/** Maps UTF-8 byte offsets to UTF-16 indexes. */
function byteToIndex(sql: string): (byte: number) => number {
  if (/^[\x00-\x7f]*$/.test(sql)) return identity;
  const map: number[] = [];
  for (let i = 0; i < sql.length; i++) {
    const cp = sql.codePointAt(i)!;
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let b = 0; b < bytes; b++) map.push(i);
    if (cp > 0xffff) i++;
  }
  map.push(sql.length);
  return (byte) => (byte < 0 ? byte : (map[byte] ?? sql.length));
}

function remapLocations(node: unknown, toIndex: (n: number) => number): void {
  if (Array.isArray(node)) {
    for (const item of node) remapLocations(item, toIndex);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const rec = node as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    const v = rec[key];
    if ((key === "location" || key === "stmt_location") && typeof v === "number") rec[key] = toIndex(v);
    else if (typeof v === "object") remapLocations(v, toIndex);
  }
}
