import { Oid } from "../../../src/common/pg-types.ts";
import type { Value } from "../../../src/common/values.ts";
import type { CompileTarget, NativeQuery, SourceColumn, SqlCompiler } from "../../../src/connectors/spi.ts";
import { parseSql } from "../../../src/sql/parse.ts";

const col = (name: string, oid: number, i: number): SourceColumn => ({
  name,
  ordinal: i + 1,
  type: { oid, typmod: -1, sql: "" },
  nativeType: "",
  nullable: true,
  defaultExpr: null,
  comment: null,
});
const tables: Record<string, [string, number][]> = {
  t: [
    ["id", Oid.int4],
    ["name", Oid.text],
    ["price", Oid.numeric],
    ["d", Oid.date],
    ["ts", Oid.timestamp],
    ["ok", Oid.bool],
    ["f", Oid.float8],
  ],
  u: [
    ["id", Oid.int4],
    ["t_id", Oid.int4],
    ["note", Oid.text],
  ],
  'we"ird`': [["Mixed Col", Oid.text]],
};

export function target(nativeSchema: string | null = null): CompileTarget {
  return {
    service: "svc",
    nativeSchema,
    columnsOf: (t) => tables[t]?.map(([n, o], i) => col(n, o, i)),
  };
}

export function compile(
  compiler: SqlCompiler,
  sql: string,
  params: Value[] = [],
  types: number[] = [],
  schema: string | null = null,
): NativeQuery {
  return compiler.compile(parseSql(sql)[0].ast, target(schema), params, types);
}
