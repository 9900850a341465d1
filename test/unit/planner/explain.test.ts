import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Node } from "@pgsql/types";
import type { BoundExpr } from "../../../src/planner/bound-expr.ts";
import {
  type ExplainEnv,
  explainTree,
  type NodeStats,
  type RemoteStats,
} from "../../../src/planner/explain.ts";
import { renderExplainJson, renderExplainText } from "../../../src/planner/explain-render.ts";
import type { QueryPlan, RemoteScanPlan } from "../../../src/planner/query-plan.ts";

const int4 = 23;
const col = (name: string) => ({ name, oid: int4, typmod: -1 });
const key = { kind: "column", index: 0, type: int4, typmod: -1 } as unknown as BoundExpr;

function scan(service: string, sql: string, pushed: string[], kept: string[]): RemoteScanPlan {
  return {
    kind: "remote-scan",
    service,
    fragment: { SelectStmt: { sql } } as unknown as Node,
    columns: [col("id")],
    estimate: 10,
    pushed,
    kept,
  };
}

const left = scan("pgs", "select a", ["filter"], []);
const right = scan("my", "select b", [], ["operator ~ is not supported by mysql"]);
const join: QueryPlan = {
  kind: "hash-join",
  joinType: "inner",
  build: "right",
  left,
  right,
  leftKeys: [key],
  rightKeys: [key],
  keyTypes: [int4],
  residual: null,
  columns: [col("id"), col("id")],
  estimate: 10,
};
const plan: QueryPlan = {
  kind: "limit",
  input: join,
  limit: null,
  offset: null,
  columns: join.columns,
  estimate: 10,
};

const env = (stats?: ExplainEnv["stats"]): ExplainEnv => ({
  compile: (service, fragment) => ({
    text: `${service}: ${(fragment as any).SelectStmt.sql}`,
    params: [],
    returnsRows: true,
  }),
  serviceKind: (service) => (service === "pgs" ? "postgres" : "mysql"),
  params: [],
  paramTypes: [],
  stats,
});

describe("EXPLAIN text", () => {
  test("the tree in PostgreSQL's indentation, native SQL, what was pushed and what stayed in memory", () => {
    assert.deepEqual(renderExplainText(explainTree(plan, env())), [
      "Limit  (in memory)",
      "  ->  Hash Inner Join  (build right, 1 key)",
      '        ->  Remote Scan on service "pgs" (postgres)  (rows≈10)',
      "              Native SQL: pgs: select a",
      "              Pushed down: filter",
      '        ->  Remote Scan on service "my" (mysql)  (rows≈10)',
      "              Native SQL: my: select b",
      "              Kept in memory: operator ~ is not supported by mysql",
    ]);
  });

  test("ANALYZE: actuals per node, source counters, a node that never ran, totals", () => {
    const nodes = new Map<QueryPlan, NodeStats>([
      [plan, { rows: 2, batches: 1, timeMs: 3.25, loops: 1 }],
      [join, { rows: 7, batches: 2, timeMs: 3, loops: 1 }],
      [left, { rows: 5, batches: 1, timeMs: 1, loops: 1 }],
    ]);
    const remotes = new Map<RemoteScanPlan, RemoteStats>([
      [left, { queries: 1, rows: 5, batches: 1, bytes: 40, timeMs: 0.5 }],
    ]);
    const tree = explainTree(plan, env({ node: (p) => nodes.get(p), remote: (s) => remotes.get(s) }));
    assert.deepEqual(renderExplainText(tree, { planningMs: 0.1, executionMs: 4, peakMemoryBytes: 512 }), [
      "Limit  (in memory) (actual rows=2 batches=1 time=3.250 ms)",
      "  ->  Hash Inner Join  (build right, 1 key) (actual rows=7 batches=2 time=3.000 ms)",
      '        ->  Remote Scan on service "pgs" (postgres)  (rows≈10) (actual rows=5 batches=1 time=1.000 ms)',
      "              Native SQL: pgs: select a",
      "              Pushed down: filter",
      "              Source: queries=1 rows=5 batches=1 bytes=40 time=0.500 ms",
      '        ->  Remote Scan on service "my" (mysql)  (rows≈10) (never executed)',
      "              Native SQL: my: select b",
      "              Kept in memory: operator ~ is not supported by mysql",
      "Peak Memory: 512 bytes",
      "Planning Time: 0.100 ms",
      "Execution Time: 4.000 ms",
    ]);
  });
});

describe("EXPLAIN (FORMAT JSON)", () => {
  test("PostgreSQL's shape: an array with one Plan, child Plans with their relationship", () => {
    const doc = JSON.parse(renderExplainJson(explainTree(plan, env())));
    assert.deepEqual(doc, [
      {
        Plan: {
          "Node Type": "Limit",
          Where: "in memory",
          Plans: [
            {
              "Node Type": "Hash Join",
              "Parent Relationship": "Outer",
              "Join Type": "Inner",
              "Join Strategy": "hash",
              "Build Side": "right",
              "Hash Keys": 1,
              Plans: [
                {
                  "Node Type": "Remote Scan",
                  "Parent Relationship": "Outer",
                  Service: "pgs",
                  "Service Kind": "postgres",
                  "Native SQL": "pgs: select a",
                  "Estimated Rows": 10,
                  "Pushed Down": ["filter"],
                  "Kept In Memory": [],
                },
                {
                  "Node Type": "Remote Scan",
                  "Parent Relationship": "Inner",
                  Service: "my",
                  "Service Kind": "mysql",
                  "Native SQL": "my: select b",
                  "Estimated Rows": 10,
                  "Pushed Down": [],
                  "Kept In Memory": ["operator ~ is not supported by mysql"],
                },
              ],
            },
          ],
        },
      },
    ]);
  });

  test("indented like PostgreSQL's output, totals after the plan", () => {
    const text = renderExplainJson(explainTree(left, env()), { planningMs: 1.23456, executionMs: 2 });
    assert.ok(text.startsWith('[\n  {\n    "Plan": {\n      "Node Type": "Remote Scan",'));
    const [doc] = JSON.parse(text);
    assert.equal(doc["Planning Time"], 1.235);
    assert.equal(doc["Execution Time"], 2);
  });
});
