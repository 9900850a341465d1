/** A hand-written service schema exercising what the mirror has to reproduce. */
import type { PgType } from "../../../src/common/pg-types.ts";
import type { SourceColumn, SourceSchema, SourceTable } from "../../../src/connectors/spi.ts";

export const T = {
  int4: { oid: 23, typmod: -1, sql: "integer" },
  int8: { oid: 20, typmod: -1, sql: "bigint" },
  int2: { oid: 21, typmod: -1, sql: "smallint" },
  bool: { oid: 16, typmod: -1, sql: "boolean" },
  text: { oid: 25, typmod: -1, sql: "text" },
  varchar40: { oid: 1043, typmod: 44, sql: "character varying(40)" },
  varchar100: { oid: 1043, typmod: 104, sql: "character varying(100)" },
  char2: { oid: 1042, typmod: 6, sql: "character(2)" },
  numeric10_2: { oid: 1700, typmod: (10 << 16) + 2 + 4, sql: "numeric(10,2)" },
  float4: { oid: 700, typmod: -1, sql: "real" },
  float8: { oid: 701, typmod: -1, sql: "double precision" },
  date: { oid: 1082, typmod: -1, sql: "date" },
  time: { oid: 1083, typmod: -1, sql: "time without time zone" },
  timestamp3: { oid: 1114, typmod: 3, sql: "timestamp(3) without time zone" },
  timestamptz: { oid: 1184, typmod: -1, sql: "timestamp with time zone" },
  interval: { oid: 1186, typmod: -1, sql: "interval" },
  bytea: { oid: 17, typmod: -1, sql: "bytea" },
  json: { oid: 114, typmod: -1, sql: "json" },
  jsonb: { oid: 3802, typmod: -1, sql: "jsonb" },
  uuid: { oid: 2950, typmod: -1, sql: "uuid" },
  int4Array: { oid: 1007, typmod: -1, sql: "integer[]" },
  textArray: { oid: 1009, typmod: -1, sql: "text[]" },
} satisfies Record<string, PgType>;

export function col(
  name: string,
  ordinal: number,
  type: PgType,
  opts: { nullable?: boolean; defaultExpr?: string | null; comment?: string | null } = {},
): SourceColumn {
  return {
    name,
    ordinal,
    type,
    nativeType: type.sql,
    nullable: opts.nullable ?? true,
    defaultExpr: opts.defaultExpr ?? null,
    comment: opts.comment ?? null,
  };
}

export function table(name: string, columns: SourceColumn[], rest: Partial<SourceTable> = {}): SourceTable {
  return {
    name,
    kind: "table",
    columns,
    primaryKey: null,
    uniqueKeys: [],
    foreignKeys: [],
    indexes: [],
    comment: null,
    rowEstimate: -1,
    ...rest,
  };
}

export function shopSchema(): SourceSchema {
  return {
    tables: [
      table(
        "customers",
        [
          col("id", 1, T.int4, { nullable: false }),
          col("email", 2, T.varchar100, { nullable: false, comment: "login e-mail" }),
          col("name", 3, T.varchar40),
          col("country", 4, T.char2, { defaultExpr: "'US'" }),
          col("created_at", 5, T.timestamptz, { nullable: false, defaultExpr: "now()" }),
        ],
        {
          primaryKey: { name: "PRIMARY", columns: ["id"] },
          uniqueKeys: [{ name: "email", columns: ["email"] }],
          indexes: [
            { name: "PRIMARY", columns: ["id"], unique: true },
            { name: "idx_name", columns: ["name"], unique: false },
          ],
          comment: "people who buy things",
          rowEstimate: 12345,
        },
      ),
      table(
        "orders",
        [
          col("id", 1, T.int8, { nullable: false }),
          col("customer_id", 2, T.int4, { nullable: false }),
          col("total", 3, T.numeric10_2),
          col("paid", 4, T.bool, { defaultExpr: "false" }),
          col("ordered_on", 5, T.date),
          col("ordered_at", 6, T.timestamp3),
          col("note", 7, T.text),
        ],
        {
          primaryKey: { name: "PRIMARY", columns: ["id"] },
          foreignKeys: [
            {
              name: "orders_customer_fk",
              columns: ["customer_id"],
              refTable: "customers",
              refColumns: ["id"],
              onDelete: "CASCADE",
            },
          ],
          indexes: [{ name: "idx_name", columns: ["customer_id", "ordered_on"], unique: false }],
          rowEstimate: 500000,
        },
      ),
      table(
        "everything",
        [
          col("k", 1, T.int2, { nullable: false }),
          col("r", 2, T.float4),
          col("d", 3, T.float8),
          col("t", 4, T.time),
          col("i", 5, T.interval),
          col("b", 6, T.bytea),
          col("j", 7, T.json),
          col("jb", 8, T.jsonb),
          col("u", 9, T.uuid),
          col("ia", 10, T.int4Array),
          col("ta", 11, T.textArray),
        ],
        { primaryKey: { name: "PRIMARY", columns: ["k"] } },
      ),
      {
        ...table("big_spenders", [
          col("customer_id", 1, T.int4),
          col("spent", 2, T.numeric10_2, { comment: "sum" }),
        ]),
        kind: "view",
        comment: "customers by spend",
      },
    ],
  };
}
