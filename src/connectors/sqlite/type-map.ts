/**
 * SQLite declared types → Postgres types. SQLite stores any value in any column; the declared
 * type only sets an affinity. We follow the affinity rules (https://sqlite.org/datatype3.html §3.1)
 * and recognise the common spellings apps use for booleans, dates and JSON.
 */
import { Oid, type PgType } from "../../common/pg-types.ts";
import { numericType, pgText, pgType, varcharType } from "../shared/pg-type.ts";

export function mapSqliteType(declared: string | null): PgType {
  const t = (declared ?? "").trim().toUpperCase();
  if (t === "") return pgText; // no declared type: BLOB affinity, but apps overwhelmingly store text there
  if (/^BOOL(EAN)?$/.test(t)) return pgType(Oid.bool);
  if (/^(DATETIME|TIMESTAMP)\b/.test(t)) return pgType(Oid.timestamp);
  if (t === "DATE") return pgType(Oid.date);
  if (t === "TIME") return pgType(Oid.time);
  if (t === "JSON" || t === "JSONB") return pgType(Oid.json);
  // SQLite's own rule order from here on
  if (t.includes("INT")) return pgType(Oid.int8);
  const varchar =
    /^(?:VARCHAR|CHARACTER VARYING|VARYING CHARACTER|NVARCHAR|NATIVE CHARACTER)\s*\(\s*(\d+)\s*\)$/.exec(t);
  if (varchar) return varcharType(Number(varchar[1]));
  if (t.includes("CHAR") || t.includes("CLOB") || t.includes("TEXT")) return pgText;
  if (t.includes("BLOB")) return pgType(Oid.bytea);
  if (t.includes("REAL") || t.includes("FLOA") || t.includes("DOUB")) return pgType(Oid.float8);
  const numeric = /^(?:NUMERIC|DECIMAL)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(t);
  if (numeric)
    return numeric[1]
      ? numericType(Number(numeric[1]), numeric[2] ? Number(numeric[2]) : 0)
      : numericType(null, null);
  // anything else has NUMERIC affinity in SQLite but holds whatever text it was given
  return pgText;
}

const numberLiteral = /^[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

/** PRAGMA table_info's dflt_value (SQL text) → a Postgres default, only when it means the same. */
export function mapSqliteDefault(raw: string | null, type: PgType): string | null {
  if (raw === null) return null;
  const text = raw
    .trim()
    .replace(/^\((.*)\)$/s, "$1")
    .trim();
  const upper = text.toUpperCase();
  if (upper === "NULL") return null;
  switch (type.oid) {
    case Oid.bool:
      if (upper === "TRUE" || upper === "1") return "true";
      if (upper === "FALSE" || upper === "0") return "false";
      return null;
    case Oid.int8:
    case Oid.float8:
    case Oid.numeric:
      return numberLiteral.test(text) ? text.replace(/^\+/, "") : null;
    case Oid.timestamp:
      if (upper === "CURRENT_TIMESTAMP") return "CURRENT_TIMESTAMP";
      break;
    case Oid.date:
      if (upper === "CURRENT_DATE") return "CURRENT_DATE";
      break;
    case Oid.time:
      if (upper === "CURRENT_TIME") return "CURRENT_TIME";
      break;
  }
  if (/^'(?:[^']|'')*'$/s.test(text) && type.oid !== Oid.bytea) return text;
  return null;
}
