import type { SqlCompiler } from "../spi.ts";
import { makeCompiler } from "./compiler.ts";
import { mysqlDialect, mysqlTextCollation, postgresDialect, sqliteDialect } from "./dialect.ts";

export type { Dialect } from "./dialect.ts";

export const postgresCompiler: SqlCompiler = makeCompiler(postgresDialect);
export const mysqlCompiler: SqlCompiler = makeCompiler(mysqlDialect);
export const sqliteCompiler: SqlCompiler = makeCompiler(sqliteDialect);

/**
 * Run on every new MySQL/MariaDB connection. The compiler assumes: strict, ANSI-ish
 * modes without ONLY_FULL_GROUP_BY surprises, `||` is not OR (PIPES_AS_CONCAT is not
 * relied on — `||` is emitted as CONCAT), no NO_BACKSLASH_ESCAPES (drivers that
 * interpolate client-side escape with backslashes; LIKE's default escape is backslash as in Postgres), literals/params in a byte-exact no-pad
 * collation, UTC session time zone, and GROUP_CONCAT not truncating.
 */
export const mysqlSessionInit: string[] = [
  `SET NAMES utf8mb4 COLLATE ${mysqlTextCollation}`,
  "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION'",
  "SET time_zone = '+00:00'",
  "SET SESSION group_concat_max_len = 1073741824",
  "SET SESSION div_precision_increment = 30",
];
