/** MySQL/MariaDB column types → Postgres types (docs/type-mapping.md explains every row). */
import { Oid, type PgType } from "../../common/pg-types.ts";
import {
  bpcharType,
  numericType,
  pgText,
  pgType,
  timestampType,
  timeType,
  varcharType,
} from "../shared/pg-type.ts";

/** What information_schema.COLUMNS says about a column. */
export interface MysqlColumnInfo {
  dataType: string;
  columnType: string;
  charLength: number | null;
  precision: number | null;
  scale: number | null;
  datetimePrecision: number | null;
  /** MariaDB's JSON is LONGTEXT with a CHECK (json_valid(col)) */
  jsonCheck: boolean;
}

const spatial = new Set([
  "geometry",
  "point",
  "linestring",
  "polygon",
  "multipoint",
  "multilinestring",
  "multipolygon",
  "geometrycollection",
]);

export function mapMysqlType(c: MysqlColumnInfo): PgType {
  const unsigned = /\bunsigned\b/i.test(c.columnType);
  switch (c.dataType.toLowerCase()) {
    case "tinyint":
      return /^tinyint\(1\)/i.test(c.columnType) ? pgType(Oid.bool) : pgType(Oid.int2);
    case "smallint":
      return pgType(unsigned ? Oid.int4 : Oid.int2);
    case "mediumint":
      return pgType(Oid.int4);
    case "int":
    case "integer":
      return pgType(unsigned ? Oid.int8 : Oid.int4);
    case "bigint":
      return unsigned ? numericType(20, 0) : pgType(Oid.int8);
    case "decimal":
    case "numeric":
      return numericType(c.precision ?? 10, c.scale ?? 0);
    case "float":
      return pgType(Oid.float4);
    case "double":
    case "real":
      return pgType(Oid.float8);
    case "bit":
      return c.precision === 1 ? pgType(Oid.bool) : pgType(Oid.bytea);
    case "char":
      return bpcharType(c.charLength ?? 1);
    case "varchar":
      return varcharType(c.charLength ?? 255);
    case "tinytext":
    case "text":
    case "mediumtext":
    case "longtext":
      return c.jsonCheck ? pgType(Oid.jsonb) : pgText;
    case "json":
      return pgType(Oid.jsonb);
    case "binary":
    case "varbinary":
    case "tinyblob":
    case "blob":
    case "mediumblob":
    case "longblob":
      return pgType(Oid.bytea);
    case "date":
      return pgType(Oid.date);
    case "datetime":
    case "timestamp":
      return timestampType(c.datetimePrecision ?? 0);
    case "time":
      return timeType(c.datetimePrecision ?? 0);
    case "year":
      return pgType(Oid.int2);
    case "uuid":
      return pgType(Oid.uuid);
    default:
      // enum, set, inet4/inet6, vector, … are shown as their text
      return spatial.has(c.dataType.toLowerCase()) ? pgType(Oid.bytea) : pgText;
  }
}

/** The values of enum('a','b') / set('a','b'), for the column comment. */
export function enumValues(columnType: string): string[] | null {
  const m = /^(?:enum|set)\((.*)\)$/is.exec(columnType);
  if (!m) return null;
  const values: string[] = [];
  const re = /'((?:[^']|'')*)'/g;
  for (let hit = re.exec(m[1]!); hit; hit = re.exec(m[1]!)) values.push(hit[1]!.replaceAll("''", "'"));
  return values;
}

function quoteLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const clockDefault = /^(?:current_timestamp|now|localtimestamp|localtime)(?:\(\d*\))?$/i;
const numberLiteral = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/**
 * COLUMN_DEFAULT → a Postgres default expression, only when it means exactly the same.
 * MariaDB (10.2.7+) quotes string literals and spells NULL; MySQL shows literals bare and marks
 * expressions with DEFAULT_GENERATED in EXTRA.
 */
export function mapMysqlDefault(
  raw: string | null,
  extra: string,
  type: PgType,
  mariadb: boolean,
): string | null {
  if (raw === null || /auto_increment/i.test(extra)) return null;
  if (mariadb && raw === "NULL") return null;
  if (clockDefault.test(raw)) {
    return type.oid === Oid.timestamp || type.oid === Oid.timestamptz ? "CURRENT_TIMESTAMP" : null;
  }
  let literal: string;
  if (mariadb) {
    if (/^b'[01]+'$/.test(raw)) {
      return type.oid === Oid.bool ? String(/1/.test(raw)) : null;
    }
    const quoted = /^'((?:[^'\\]|'')*)'$/s.exec(raw);
    if (quoted) literal = quoted[1]!.replaceAll("''", "'");
    else if (numberLiteral.test(raw)) literal = raw;
    else return null; // an expression
  } else {
    if (/DEFAULT_GENERATED/i.test(extra)) return null;
    if (raw.includes("\\")) return null;
    literal = raw;
  }
  switch (type.oid) {
    case Oid.bool:
      return numberLiteral.test(literal) ? String(Number(literal) !== 0) : null;
    case Oid.int2:
    case Oid.int4:
    case Oid.int8:
    case Oid.numeric:
    case Oid.float4:
    case Oid.float8:
      return numberLiteral.test(literal) ? literal : null;
    case Oid.date:
    case Oid.timestamp:
      // a zero date reads as NULL, so it is no default at all
      return /^0000-00-00/.test(literal) ? null : quoteLiteral(literal);
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.time:
    case Oid.uuid:
      return quoteLiteral(literal);
    default:
      return null;
  }
}
