import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import "../../../../src/exec/scalar/functions-json.ts";
import { type Case, call, describeCase, inZone, Oracle, oper, runOurs } from "./oracle-string.ts";

const docs = [
  '{"a": 1, "b": {"c": [1, 2, {"d": "\\u00e9\\ud83d\\ude00"}]}, "e": null, "f": "x\\"y\\\\z\\n", "a2": true}',
  '{ "k" :  [ 1 ,  2.50 , "three" ] , "k" : "dup" }',
  '[10, "s", null, [1, 2], {"x": 1e3}, false]',
  '"just a string"',
  "42",
  "null",
  "{}",
  "[]",
  '{"emoji": "😀", "ü": "straße"}',
];
const cases: Case[] = [];
for (const d of docs) {
  for (const t of ["json", "jsonb"]) {
    for (const k of ["a", "b", "k", "e", "f", "emoji", "ü", "missing"])
      cases.push(oper("->", [t, "text"], d, k), oper("->>", [t, "text"], d, k));
    for (const i of ["0", "1", "3", "-1", "-7", "9"])
      cases.push(oper("->", [t, "int4"], d, i), oper("->>", [t, "int4"], d, i));
    for (const p of ["{}", "{b,c,2,d}", "{b,c,-1}", "{3,1}", "{4,x}", "{k,1}", "{b,c,x}", "{a,b}"])
      cases.push(oper("#>", [t, "text[]"], d, p), oper("#>>", [t, "text[]"], d, p));
    cases.push(call(`${t}_typeof`, [t], d), call(`${t}_array_length`, [t], d));
  }
  for (const k of ["a", "s", "k", "just a string", "x"]) cases.push(oper("?", ["jsonb", "text"], d, k));
  for (const other of [
    '{"a": 1}',
    '{"b": {"c": [2]}}',
    "[10]",
    '"s"',
    "10",
    "[[1]]",
    '{"x": 1000}',
    "[{}]",
    "{}",
    "[]",
  ])
    cases.push(oper("@>", ["jsonb", "jsonb"], d, other), oper("<@", ["jsonb", "jsonb"], other, d));
}
const values: [string, string][] = [
  ["int4", "-7"],
  ["int8", "9007199254740993"],
  ["numeric", "12.500"],
  ["numeric", "NaN"],
  ["float8", "1.5e300"],
  ["float8", "-Infinity"],
  ["float8", "0.1"],
  ["bool", "true"],
  ["text", 'quote " back \\ tab \t nl \n ctl \u0001 é 😀 </script>'],
  ["text", ""],
  ["date", "2024-02-29"],
  ["date", "infinity"],
  ["timestamp", "2024-02-29 13:45:12.5"],
  ["timestamp", "0044-03-15 12:00:00 BC"],
  ["timestamptz", "2024-03-31 01:30:00+00"],
  ["timestamptz", "1900-01-01 00:00:00+00"],
  ["interval", "1 day -02:00:00"],
  ["bytea", "\\x00ff"],
  ["uuid", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"],
  ["json", '{"b": 1,   "a": [1, 2]}'],
  ["jsonb", '{"b": 1,   "a": [1, 2]}'],
  ["int4[]", "{1,NULL,3}"],
  ["text[]", '{"a b",c,NULL}'],
];
for (const [t, v] of values) {
  for (const z of ["UTC", "America/New_York"]) {
    cases.push(inZone(z, call("to_json", [t], v)), inZone(z, call("to_jsonb", [t], v)));
  }
  cases.push(
    call("json_build_object", ["text", t, "int4", t], "k", v, "2", null),
    call("jsonb_build_object", ["text", t, "text", "int4"], "k", v, "a", "1"),
  );
  cases.push(
    call("json_build_array", [t, "text", t], v, null, v),
    call("jsonb_build_array", [t, "int4"], v, "1"),
  );
}
cases.push(
  call("json_build_object", ["text", "int4", "text"], "a", "1", "b"),
  call("json_build_object", ["text", "int4"], null, "1"),
  call("json_build_object", ["int4[]", "int4"], "{1}", "1"),
  call("jsonb_build_object", ["text", "int4", "text", "int4"], "a", "1", "a", "2"),
  call("json_build_object", ["date", "int4", "bool", "int4"], "2024-01-02", "1", "true", "2"),
);

describe("json functions against PostgreSQL", () => {
  const oracle = new Oracle();
  before(() => oracle.connect());
  after(() => oracle.close());
  for (const c of cases) {
    test(describeCase(c), async () => {
      assert.deepEqual(runOurs(c), await oracle.run(c));
    });
  }
});
