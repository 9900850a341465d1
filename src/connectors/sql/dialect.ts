import type { ServiceKind } from "../spi.ts";

/** What differs between the backends the shared compiler emits for. */
export interface Dialect {
  kind: Extract<ServiceKind, "postgres" | "mysql" | "sqlite">;
  quoteIdent(name: string): string;
  /** native syntax for ORDER BY … NULLS FIRST/LAST */
  nullsOrdering: boolean;
  fullJoin: boolean;
  intersectExceptAll: boolean;
  returning: { insert: boolean; update: boolean; delete: boolean };
}

export const postgresDialect: Dialect = {
  kind: "postgres",
  quoteIdent: (name) => `"${name.replaceAll('"', '""')}"`,
  nullsOrdering: true,
  fullJoin: true,
  intersectExceptAll: true,
  returning: { insert: true, update: true, delete: true },
};

export const mysqlDialect: Dialect = {
  kind: "mysql",
  quoteIdent: (name) => `\`${name.replaceAll("`", "``")}\``,
  nullsOrdering: false,
  fullJoin: false,
  intersectExceptAll: true,
  // MariaDB 10.5+: INSERT/DELETE … RETURNING, no UPDATE … RETURNING
  returning: { insert: true, update: false, delete: true },
};

export const sqliteDialect: Dialect = {
  kind: "sqlite",
  quoteIdent: (name) => `"${name.replaceAll('"', '""')}"`,
  nullsOrdering: true,
  fullJoin: true,
  intersectExceptAll: false,
  returning: { insert: true, update: true, delete: true },
};

/** The byte-exact, no-pad collation every MySQL text expression is compared and sorted in. */
export const mysqlTextCollation = "utf8mb4_nopad_bin";
