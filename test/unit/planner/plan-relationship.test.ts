import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { Node, SelectStmt } from "@pgsql/types";
import type { Relationship } from "../../../src/catalog/relationships/types.ts";
import { PgError } from "../../../src/common/pg-error.ts";
import { Oid, type TypeOid } from "../../../src/common/pg-types.ts";
import type { Row } from "../../../src/common/row.ts";
import { defaultEncodeContext, type Value } from "../../../src/common/values.ts";
import type { Capabilities, SourceTable } from "../../../src/connectors/spi.ts";
import { buildPlan } from "../../../src/exec/build-plan.ts";
import { createMemoryBudget } from "../../../src/exec/memory-budget.ts";
import { values } from "../../../src/exec/operators/values.ts";
import {
  commonType,
  resolveAggregate,
  resolveCast,
  resolveFunction,
  resolveOperator,
} from "../../../src/exec/scalar/index.ts";
import { explainTree } from "../../../src/planner/explain.ts";
import { renderExplainText } from "../../../src/planner/explain-render.ts";
import { type PlannerCatalog, planSelect } from "../../../src/planner/plan-select.ts";
import type { QueryPlan, RemoteScanPlan } from "../../../src/planner/query-plan.ts";
import type { ScalarCatalog } from "../../../src/planner/scalar-catalog.ts";
import { initParser, parseSql } from "../../../src/sql/parse.ts";

// Hand-made tables and relationships; a fake service evaluates the fragments the planner sends
// (a plain column list, `key = ANY($n)` / `rtrim(key) = ANY($n)` filters), and refuses any other
// WHERE, so everything else runs in memory as it would against a service that cannot.
const scalars: ScalarCatalog = {
  resolveOperator,
  resolveFunction,
  resolveAggregate,
  canCast: (from, to, typmod, context) => resolveCast(from, to, typmod, context) !== null,
  commonType,
};

function table(name: string, cols: [string, TypeOid][], pk: string[] | null): SourceTable {
  return {
    name,
    kind: "table",
    columns: cols.map(([n, oid], i) => ({
      name: n,
      ordinal: i + 1,
      type: { oid, typmod: -1, sql: "" },
      nativeType: "",
      nullable: true,
      defaultExpr: null,
      comment: null,
    })),
    primaryKey: pk ? { name: `${name}_pkey`, columns: pk } : null,
    uniqueKeys: [],
    foreignKeys: [],
    indexes: [],
    comment: null,
    rowEstimate: 1000,
  };
}

const tables: Record<string, { t: SourceTable; rows: Row[] }> = {
  "a.todo": {
    t: table(
      "todo",
      [
        ["id", Oid.int4],
        ["assigned_to", Oid.varchar],
      ],
      ["id"],
    ),
    rows: [
      [1, "Ann O'Neil"],
      [2, "Zoë"],
      [3, null],
      [4, "nobody"],
      [5, "Ann O'Neil"],
      [6, "Bob  "],
    ],
  },
  "b.contact": {
    t: table(
      "contact",
      [
        ["id", Oid.int4],
        ["display_name", Oid.varchar],
        ["score", Oid.numeric],
      ],
      ["id"],
    ),
    rows: [
      [10, "Ann O'Neil", "1.50"],
      [11, "Zoë", null],
      [12, "Bob", "2"],
    ],
  },
  "b.task": {
    t: table(
      "task",
      [
        ["id", Oid.int4],
        ["todo_id", Oid.int8],
        ["done", Oid.bool],
      ],
      ["id"],
    ),
    rows: [
      [102, 1n, true],
      [101, 1n, false],
      [103, 2n, false],
      [104, 77n, true],
    ],
  },
  "c.link": {
    t: table(
      "link",
      [
        ["todo_id", Oid.int4],
        ["contact_id", Oid.int4],
      ],
      null,
    ),
    rows: [
      [1, 11],
      [1, 10],
      [1, 10],
      [2, 12],
      [9, 10],
    ],
  },
};

function rel(
  r: Partial<Relationship> & Pick<Relationship, "name" | "type" | "field" | "ref_table">,
): Relationship {
  return {
    service: "a",
    table: "todo",
    alias: null,
    label: r.name,
    description: null,
    is_virtual: true,
    ref_service: "b",
    ref_field: ["id"],
    junction_service: null,
    junction_table: null,
    junction_field: null,
    junction_ref_field: null,
    always_fetch: false,
    key_comparison: "exact",
    ...r,
  };
}

const relationships: Relationship[] = [
  rel({
    name: "b.contact_by_assigned_to",
    type: "belongs_to",
    field: ["assigned_to"],
    ref_table: "contact",
    ref_field: ["display_name"],
  }),
  rel({
    name: "b.task_by_todo_id",
    alias: "tasks",
    type: "has_many",
    field: ["id"],
    ref_table: "task",
    ref_field: ["todo_id"],
  }),
  rel({
    name: "b.contact_by_link",
    type: "many_many",
    field: ["id"],
    ref_table: "contact",
    ref_field: ["id"],
    junction_service: "c",
    junction_table: "link",
    junction_field: ["todo_id"],
    junction_ref_field: ["contact_id"],
  }),
  rel({
    name: "trimmed",
    type: "belongs_to",
    field: ["assigned_to"],
    ref_table: "contact",
    ref_field: ["display_name"],
    key_comparison: "trim",
  }),
];

const caps = { bindBatchSize: 2, maxParams: 1000, maxConcurrency: 2 } as Capabilities;
const queries: { table: string; keys: Value[][] }[] = [];

const catalog: PlannerCatalog = {
  isService: (s) => ["a", "b", "c"].includes(s),
  serviceForUnqualified: () => null,
  table: (s, t) => tables[`${s}.${t}`]?.t,
  capabilities: () => caps,
  compileFragment: (_service, fragment) => {
    const where = (fragment as any).SelectStmt.whereClause;
    if (where && !keyFilters(where).every((f) => f !== null))
      throw new PgError("0A000", "this fake service runs key filters only");
    if (JSON.stringify(fragment).includes("JoinExpr")) throw new PgError("0A000", "no joins here");
    return { text: JSON.stringify(fragment), params: [], returnsRows: true };
  },
  relationships: (s, t) => relationships.filter((r) => r.service === s && r.table === t),
};

/** `[fn, column, param]` per conjunct `fn(col) = ANY($n)` or `col = ANY($n)`, null for others. */
function keyFilters(where: any): ({ fn: string | null; column: string; param: number } | null)[] {
  const parts = where.BoolExpr?.boolop === "AND_EXPR" ? where.BoolExpr.args : [where];
  return parts.map((p: any) => {
    const e = p.A_Expr;
    if (e?.kind !== "AEXPR_OP_ANY" || !e.rexpr?.ParamRef) return null;
    const call = e.lexpr.FuncCall;
    const ref = call ? call.args[0].ColumnRef : e.lexpr.ColumnRef;
    if (!ref) return null;
    const fn = call ? String(call.funcname.at(-1).String.sval) : null;
    return { fn, column: ref.fields.at(-1).String.sval, param: e.rexpr.ParamRef.number };
  });
}

function openScan(scan: RemoteScanPlan, extra?: { values: Value[] }) {
  const s = (scan.fragment as any).SelectStmt;
  const rv = s.fromClause[0].RangeVar;
  const { t, rows } = tables[`${rv.schemaname}.${rv.relname}`];
  const names = (s.targetList as any[]).map((x) => x.ResTarget.val.ColumnRef.fields.at(-1).String.sval);
  const idx = (n: string) => t.columns.findIndex((c) => c.name === n);
  const filters = s.whereClause ? keyFilters(s.whereClause) : [];
  const keys = filters.map((f) => extra!.values[f!.param - 1] as Value[]);
  queries.push({ table: rv.relname, keys });
  const kept = rows.filter((row) =>
    filters.every((f, i) => {
      let v = row[idx(f!.column)];
      if (f!.fn === "rtrim" && typeof v === "string") v = v.replace(/ +$/, "");
      return keys[i].some((k) => String(k) === String(v));
    }),
  );
  return Promise.resolve(values(kept.map((row) => names.map((n) => row[idx(n)]))));
}

function plan(sql: string): QueryPlan {
  const stmt = (parseSql(sql)[0].ast as { SelectStmt: SelectStmt }).SelectStmt;
  return planSelect(stmt, { catalog, scalars, params: [], paramTypes: [] });
}

async function run(sql: string): Promise<Row[]> {
  queries.length = 0;
  const source = buildPlan(plan(sql), {
    ctx: { settings: defaultEncodeContext, transactionTimestamp: "", statementTimestamp: "" },
    budget: createMemoryBudget(64 * 1024 * 1024),
    params: [],
    scans: { open: openScan },
  });
  const out: Row[] = [];
  for (let b = await source.next(); b; b = await source.next()) out.push(...b);
  await source.close();
  return out;
}

before(initParser);

describe("relationship columns", () => {
  test("belongs_to: the related row as row_to_json text, NULL without a match or key", async () => {
    const rows = await run('select t.id, t."b.contact_by_assigned_to" from a.todo t order by t.id');
    assert.deepEqual(rows, [
      [1, `{"id":10,"display_name":"Ann O'Neil","score":1.50}`],
      [2, `{"id":11,"display_name":"Zoë","score":null}`],
      [3, null],
      [4, null],
      [5, `{"id":10,"display_name":"Ann O'Neil","score":1.50}`],
      [6, null],
    ]);
    const contactQueries = queries.filter((q) => q.table === "contact");
    // three distinct keys in batches of two: two queries, never one per row
    assert.equal(contactQueries.length, 2);
    assert.deepEqual(
      contactQueries.flatMap((q) => q.keys[0]).sort(),
      ["Ann O'Neil", "Zoë", "nobody", "Bob  "].sort(),
    );
  });

  test("has_many by alias: an array ordered by the primary key, [] for none; keys of another type", async () => {
    const rows = await run("select id, tasks from a.todo order by id");
    assert.deepEqual(rows, [
      [1, `[{"id":101,"todo_id":1,"done":false}, {"id":102,"todo_id":1,"done":true}]`],
      [2, `[{"id":103,"todo_id":2,"done":false}]`],
      [3, "[]"],
      [4, "[]"],
      [5, "[]"],
      [6, "[]"],
    ]);
  });

  test("many_many: junction then target, each related row once, ordered by its key", async () => {
    const rows = await run(
      'select t.id, t."b.contact_by_link" as c from a.todo t where t.id <= 3 order by 1',
    );
    assert.deepEqual(rows, [
      [
        1,
        `[{"id":10,"display_name":"Ann O'Neil","score":1.50}, {"id":11,"display_name":"Zoë","score":null}]`,
      ],
      [2, `[{"id":12,"display_name":"Bob","score":2}]`],
      [3, "[]"],
    ]);
    assert.deepEqual(
      queries.map((q) => q.table),
      ["todo", "link", "link", "contact", "contact"],
    );
  });

  test("trim comparison matches trailing spaces on either side, exactly in memory", async () => {
    const rows = await run("select id, trimmed->>'id' from a.todo where id in (1, 6) order by id");
    assert.deepEqual(rows, [
      [1, "10"],
      [6, "12"],
    ]);
  });

  test("filters and ORDER BY on a relationship column run in memory above the fetch", async () => {
    const isNull = await run(
      'select t.id from a.todo t where t."b.contact_by_assigned_to" is null order by t.id',
    );
    assert.deepEqual(isNull, [[3], [4], [6]]);
    const ordered = await run(
      `select t.id from a.todo t where t."b.contact_by_assigned_to" is not null order by t."b.contact_by_assigned_to"->>'display_name' desc, t.id`,
    );
    assert.deepEqual(ordered, [[2], [1], [5]]);
  });

  test("SELECT * leaves out relationship columns that are not always_fetch", async () => {
    const rows = await run("select * from a.todo where id = 1");
    assert.deepEqual(rows, [[1, "Ann O'Neil"]]);
  });

  test("EXPLAIN shows the fetch and the native query of each step", () => {
    const p = plan('select t.id, t."b.contact_by_link" from a.todo t');
    const text = renderExplainText(
      explainTree(p, {
        compile: (_s, fragment) => ({
          text: JSON.stringify(fragment).slice(0, 20),
          params: [],
          returnsRows: true,
        }),
        serviceKind: () => "fake",
        params: [],
        paramTypes: [],
      }),
    ).join("\n");
    assert.match(text, /Relationship Fetch "b\.contact_by_link" \(many_many, batches of 2, 2 in flight\)/);
    assert.match(text, /Remote Scan on service "c" \(fake\) \(junction\) per batch of keys/);
    assert.match(text, /Remote Scan on service "b" \(fake\) \(target\) per batch of keys/);
  });

  test("a belongs_to matching two rows fails like a scalar subquery would (21000)", async () => {
    const saved = tables["b.contact"].rows;
    tables["b.contact"].rows = [...saved, [13, "Zoë", null]];
    try {
      await assert.rejects(run('select t."b.contact_by_assigned_to" from a.todo t'), { code: "21000" });
    } finally {
      tables["b.contact"].rows = saved;
    }
  });
});

void ({} as Node);
