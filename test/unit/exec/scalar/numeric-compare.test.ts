import assert from "node:assert/strict";
import { test } from "node:test";
import { compare, parseDecimal } from "../../../../src/exec/scalar/numeric.ts";
import { comparePlainDecimalText } from "../../../../src/exec/scalar/numeric-compare.ts";

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

test("plain decimals order exactly as the arithmetic comparison orders them", () => {
  const values = [
    "0",
    "-0",
    "0.000",
    "-0.0",
    "1",
    "-1",
    "1.0",
    "1.00001",
    "0.99999",
    "10",
    "9.999",
    "-10",
    "-9.5",
    "007",
    "7",
    "123456789012345678901234567890.5",
    "123456789012345678901234567890.49",
    "-0.001",
    "0.001",
    "100.10",
    "100.1",
    "-100.10",
    "2.5",
    "-2.50",
    "99999999999999999999",
    "1e5",
    "NaN",
    "Infinity",
    "-Infinity",
  ];
  let compared = 0;
  for (const a of values) {
    for (const b of values) {
      const fast = comparePlainDecimalText(a, b);
      if (/[eaIN]/.test(a + b)) {
        assert.equal(fast, null, `${a} vs ${b} falls back`);
        continue;
      }
      assert.equal(sign(fast!), sign(compare(parseDecimal(a), parseDecimal(b))), `${a} vs ${b}`);
      compared++;
    }
  }
  assert.ok(compared > 500);
});

test("random decimals agree with the arithmetic comparison", () => {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const gen = () => {
    const int = String(Math.floor(rnd() * 10 ** Math.floor(rnd() * 8)));
    const frac =
      rnd() < 0.5 ? "" : `.${String(Math.floor(rnd() * 10000)).padStart(Math.floor(rnd() * 5) + 1, "0")}`;
    return `${rnd() < 0.4 ? "-" : ""}${int}${frac}`;
  };
  for (let i = 0; i < 20000; i++) {
    const a = gen();
    const b = rnd() < 0.1 ? a : gen();
    assert.equal(
      sign(comparePlainDecimalText(a, b)!),
      sign(compare(parseDecimal(a), parseDecimal(b))),
      `${a} vs ${b}`,
    );
  }
});
