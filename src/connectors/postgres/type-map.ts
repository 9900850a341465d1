/**
 * Postgres → Postgres type mapping: the real type, with domains resolved to their base type
 * and every type without a canonical Value form (enums, ranges, geometry, bit, inet …) shown as text.
 */
import type { PgType, TypeOid } from "../../common/pg-types.ts";
import { isSupportedOid, pgText, pgType } from "../shared/pg-type.ts";

export interface DomainInfo {
  base: TypeOid;
  typmod: number;
}

export function mapPgType(oid: TypeOid, typmod: number, domains: ReadonlyMap<TypeOid, DomainInfo>): PgType {
  // a domain may be based on another domain; its typmod wins only when the column has none
  for (let depth = 0; depth < 16 && domains.has(oid); depth++) {
    const d = domains.get(oid)!;
    oid = d.base;
    if (typmod < 0) typmod = d.typmod;
  }
  if (!isSupportedOid(oid)) return pgText;
  return pgType(oid, typmod);
}

/** Result columns: RowDescription already reports a domain's base type. */
export function resultOid(oid: TypeOid): TypeOid {
  return isSupportedOid(oid) ? oid : pgText.oid;
}

const exactDefault =
  /^(?:\(?-?\d+(?:\.\d+)?\)?(?:::(?:numeric|bigint|integer|smallint|real|double precision))?|'(?:[^']|'')*'(?:::[a-z ]+(?:\(\d+(?:,\d+)?\))?(?:\[\])?)?|true|false|now\(\)|CURRENT_TIMESTAMP|CURRENT_DATE|CURRENT_TIME|LOCALTIMESTAMP|LOCALTIME|gen_random_uuid\(\))$/;

/**
 * A default is kept only when it means the same in the mirror: literals of built-in types and
 * the clock functions. Sequences (nextval) and anything naming schema objects are dropped.
 */
export function mapPgDefault(expr: string | null, typeIsNative: boolean): string | null {
  if (expr === null || !typeIsNative) return null;
  return exactDefault.test(expr) ? expr : null;
}
