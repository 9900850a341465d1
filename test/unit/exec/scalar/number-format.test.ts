import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import "../../../../src/exec/scalar/number-format.ts";
import { call, describeCase, Oracle, runOurs } from "./oracle-string.ts";

const patterns = [
  "9",
  "999",
  "99999",
  "0000",
  "9990",
  "0999",
  "99.99",
  "9.9",
  "999.999",
  "0.00",
  "00.000",
  "990.00",
  "9,999",
  "9G999D99",
  "999,999,999.99",
  "FM999,999,999.99",
  "FM9999",
  "FM9.99",
  "FM999990.00",
  "FM999999990.00",
  "FM0000.0099",
  "FM9.9990",
  "FM99.",
  ".99",
  "FM.99",
  "S999",
  "999S",
  "S99.99",
  "99.99S",
  "FMS999.99",
  "FM999.99S",
  "999MI",
  "MI999",
  "FM999MI",
  "999.9MI",
  "PL999",
  "999PL",
  "FMPL999.9",
  "SG999",
  "999SG",
  "FMSG99.99",
  "999PR",
  "99.99PR",
  "FM999PR",
  "9 9 9",
  '"val:"999" units"',
  "999 xyz",
  "$999.99",
  "C9",
  "99,99,9",
  "FM9,999.00",
  "0,000.0",
  "FM0.999",
  "S0.99",
  "FMPR9.99",
  "9.99PR",
  "MI0.99",
  "999D9G9",
  "",
];
const numerics = [
  "0",
  "1",
  "-1",
  "0.5",
  "-0.5",
  "1.5",
  "2.5",
  "0.005",
  "-0.005",
  "0.045",
  "12.345",
  "-12.345",
  "123.456",
  "999.995",
  "-999.995",
  "99.95",
  "1234.5",
  "-1234567.891",
  "12345678901234567890.12345",
  "0.0001",
  "-0.0001",
  "0.1",
  "10",
  "100.10",
  "0.95",
  "-0.95",
  "9.995",
  "NaN",
  "Infinity",
  "-Infinity",
];
const ints = [
  "0",
  "1",
  "-1",
  "7",
  "12",
  "-45",
  "123",
  "999",
  "1000",
  "-9999",
  "123456",
  "2147483647",
  "-2147483648",
];
const bigints = ["0", "-5", "98765", "9223372036854775807", "-9223372036854775808", "1000000"];
const floats = [
  "0",
  "-0",
  "0.5",
  "1.5",
  "2.5",
  "-2.5",
  "0.125",
  "0.045",
  "12.345",
  "-12.345",
  "999.995",
  "1234.5678",
  "1e15",
  "123456789012.345",
  "1.23456789012345678",
  "1e-7",
  "-1e-3",
  "NaN",
  "Infinity",
  "-Infinity",
];

describe("to_char(number, text) against PostgreSQL", () => {
  const oracle = new Oracle();
  before(() => oracle.connect());
  after(() => oracle.close());
  const sets: [string, string[]][] = [
    ["numeric", numerics],
    ["int4", ints],
    ["int8", bigints],
    ["float8", floats],
  ];
  for (const [type, values] of sets) {
    for (const fmt of patterns) {
      test(`to_char(${type}, ${JSON.stringify(fmt)})`, async () => {
        for (const v of values) {
          const c = call("to_char", [type, "text"], v, fmt);
          assert.deepEqual(runOurs(c), await oracle.run(c), describeCase(c));
        }
      });
    }
  }

  test("pattern errors match PostgreSQL", async () => {
    for (const fmt of ["9.9.9", "S9S", "S9MI", "MI9S", "PL9S", "9PR9", "9PR0", "SG9PR"]) {
      const c = call("to_char", ["numeric", "text"], "1.5", fmt);
      assert.deepEqual(runOurs(c), await oracle.run(c), describeCase(c));
    }
  });

  test("patterns Weft cannot reproduce exactly are refused with 0A000", () => {
    for (const fmt of ["RN", "rn", "9.99EEEE", "99V9", "999TH", "L999", "B999", "999SP"]) {
      for (const type of ["numeric", "int4", "int8", "float8"]) {
        const ours = runOurs(call("to_char", [type, "text"], "12", fmt));
        assert.ok("error" in ours && ours.error.startsWith("0A000 "), `${fmt}: ${JSON.stringify(ours)}`);
      }
    }
  });
});
