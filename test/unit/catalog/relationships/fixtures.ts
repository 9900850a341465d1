/** Tables of three services for relationship tests, and a lookup over them (no database). */
import type { TableLookup } from "../../../../src/catalog/relationships/build.ts";
import { Oid } from "../../../../src/common/pg-types.ts";
import type { SourceForeignKey, SourceTable } from "../../../../src/connectors/spi.ts";
import { postgresEquality } from "../../../../src/relationship-wiring.ts";

const types = {
  int4: { oid: Oid.int4, typmod: -1, sql: "integer" },
  int8: { oid: Oid.int8, typmod: -1, sql: "bigint" },
  text: { oid: Oid.text, typmod: -1, sql: "text" },
  varchar: { oid: Oid.varchar, typmod: 104, sql: "character varying(100)" },
  bpchar: { oid: Oid.bpchar, typmod: 14, sql: "character(10)" },
  json: { oid: Oid.json, typmod: -1, sql: "json" },
  date: { oid: Oid.date, typmod: -1, sql: "date" },
} as const;

export function table(
  name: string,
  columns: [string, keyof typeof types][],
  foreignKeys: SourceForeignKey[] = [],
): SourceTable {
  return {
    name,
    kind: "table",
    columns: columns.map(([column, type], i) => ({
      name: column,
      ordinal: i + 1,
      type: types[type],
      nativeType: types[type].sql,
      nullable: true,
      defaultExpr: null,
      comment: null,
    })),
    primaryKey: null,
    uniqueKeys: [],
    foreignKeys,
    indexes: [],
    comment: null,
    rowEstimate: -1,
  };
}

/** hr (sqlite-like), crm, ops; "down" is configured but never introspected. */
export function fixtureServices(): Map<string, SourceTable[] | null> {
  return new Map<string, SourceTable[] | null>([
    [
      "hr",
      [
        table("todo", [
          ["id", "int4"],
          ["title", "text"],
          ["assigned_to", "text"],
          ["owner_id", "int4"],
          ["code", "bpchar"],
        ]),
        table(
          "employees",
          [
            ["emp_no", "int4"],
            ["dept_no", "text"],
            ["manager", "int4"],
          ],
          [
            { name: "fk_dept", columns: ["dept_no"], refTable: "departments", refColumns: ["dept_no"] },
            { name: "fk_mgr", columns: ["manager"], refTable: "employees", refColumns: ["emp_no"] },
          ],
        ),
        table("departments", [
          ["dept_no", "text"],
          ["dept_name", "varchar"],
        ]),
      ],
    ],
    [
      "crm",
      [
        table("contact", [
          ["id", "int8"],
          ["display_name", "varchar"],
          ["code", "varchar"],
          ["region", "text"],
          ["profile", "json"],
        ]),
      ],
    ],
    [
      "ops",
      [
        table("assignment", [
          ["emp_no", "int4"],
          ["contact_id", "int8"],
          ["contact_key", "text"],
        ]),
      ],
    ],
    ["down", null],
  ]);
}

export function fixtureLookup(services = fixtureServices()): TableLookup {
  return {
    serviceState: (service) =>
      !services.has(service) ? "unknown" : services.get(service) ? "ready" : "unavailable",
    table: (service, name) => services.get(service)?.find((t) => t.name === name),
    services: () => [...services.keys()],
    tables: (service) => services.get(service) ?? undefined,
  };
}

export const fixtureContext = () => ({ lookup: fixtureLookup(), comparable: postgresEquality });
