/** quote_ident, quote_literal and format(): the SQL quoting PostgreSQL applies. */
import { PgError, SqlState } from "../../common/pg-error.ts";

// keywords that are not UNRESERVED (pg_get_keywords() where catcode <> 'U'): these need quotes
const QUOTED_KEYWORDS = new Set(
  `all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both
case cast char character check coalesce collate collation column concurrently constraint create cross
current_catalog current_date current_role current_schema current_time current_timestamp current_user dec
decimal default deferrable desc distinct do else end except exists extract false fetch float for foreign
freeze from full grant greatest group grouping having ilike in initially inner inout int integer intersect
interval into is isnull join lateral leading least left like limit localtime localtimestamp national natural
nchar none normalize not notnull null nullif numeric offset on only or order out outer overlaps overlay
placing position precision primary real references returning right row select session_user setof similar
smallint some substring symmetric table tablesample then time timestamp to trailing treat trim true union
unique user using values varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement
xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`.split(/\s+/),
);

export function quoteIdent(s: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(s) && !QUOTED_KEYWORDS.has(s)) return s;
  return `"${s.replaceAll('"', '""')}"`;
}

export function quoteLiteral(s: string): string {
  const body = s.replaceAll("'", "''");
  return s.includes("\\") ? `E'${body.replaceAll("\\", "\\\\")}'` : `'${body}'`;
}

function formatError(message: string): PgError {
  return new PgError(SqlState.invalidParameterValue, message);
}

/**
 * format(fmt, args…) for %s, %I, %L, %% and positional n$ references. `texts[i]` is the text
 * output of argument i (null for SQL NULL). Width and the '-' flag are refused (0A000).
 */
export function pgFormat(fmt: string, texts: (string | null)[]): string {
  let out = "";
  let next = 0;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== "%") {
      out += c;
      continue;
    }
    i++;
    if (i >= fmt.length) throw formatError("unterminated format() type specifier");
    if (fmt[i] === "%") {
      out += "%";
      continue;
    }
    let argIndex = next;
    const m = /^(\d+)\$/.exec(fmt.slice(i));
    if (m) {
      const n = Number(m[1]);
      if (n === 0) throw formatError("format specifies argument 0, but arguments are numbered from 1");
      argIndex = n - 1;
      i += m[0].length;
      if (i >= fmt.length) throw formatError("unterminated format() type specifier");
    }
    const spec = fmt[i];
    if (spec === "-" || spec === "*" || (spec >= "0" && spec <= "9"))
      throw new PgError(SqlState.featureNotSupported, "format() width and flags are not supported here");
    if (spec !== "s" && spec !== "I" && spec !== "L")
      throw new PgError(SqlState.invalidParameterValue, `unrecognized format() type specifier "${spec}"`, {
        hint: 'For a single "%" use "%%".',
      });
    if (argIndex >= texts.length) throw formatError("too few arguments for format()");
    next = argIndex + 1;
    const v = texts[argIndex];
    if (spec === "s") out += v ?? "";
    else if (spec === "I") {
      if (v === null) throw new PgError("22004", "null values cannot be formatted as an SQL identifier");
      out += quoteIdent(v);
    } else out += v === null ? "NULL" : quoteLiteral(v);
  }
  return out;
}
