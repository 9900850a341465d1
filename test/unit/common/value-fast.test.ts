import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Oid } from "../../../src/common/pg-types.ts";
import { decodeText, encodeText, encodeWireCell } from "../../../src/common/value-codec.ts";
import {
  fastBigInt,
  fastSmallInt,
  isCanonicalNumeric,
  isIsoDate,
  isIsoTimestamp,
} from "../../../src/common/value-fast.ts";
import { normalizeNumericText } from "../../../src/common/value-numeric.ts";
import { canonicalTimestamp, timestampMicros } from "../../../src/common/value-temporal.ts";
import { defaultEncodeContext, type EncodeContext } from "../../../src/common/values.ts";

// The fast paths must agree with the full parse + format path on everything they accept, and must
// refuse what the full path changes. value-codec-pg.test.ts compares the full path with PostgreSQL.

describe("codec fast paths", () => {
  test("integers: accepted only when the full parser gives the same value", () => {
    for (const t of ["0", "-0", "7", "007", "-2147483648", "2147483647", "32767", "-32768", "123456789"])
      assert.equal(fastSmallInt(t, -2147483648, 2147483647), Number(BigInt(t)), t);
    assert.ok(Object.is(fastSmallInt("-0", -10, 10), 0));
    for (const t of [
      "",
      "-",
      "+1",
      " 1",
      "1 ",
      "1_000",
      "0x10",
      "2147483648",
      "-2147483649",
      "1.0",
      "12345678901",
    ])
      assert.equal(fastSmallInt(t, -2147483648, 2147483647), undefined, t);
    assert.equal(fastSmallInt("32768", -32768, 32767), undefined);
    assert.equal(fastBigInt("-922337203685477580"), -922337203685477580n);
    assert.equal(fastBigInt("9223372036854775807"), undefined); // 19 digits: the full path checks the range
    assert.equal(decodeText("9223372036854775807", Oid.int8), 9223372036854775807n);
    assert.equal(decodeText(" 42 ", Oid.int4), 42);
    assert.equal(decodeText("-0", Oid.int4), 0);
  });

  test("numeric: only numeric_out's own form passes through", () => {
    for (const t of ["0", "0.00", "12.50", "-12.50", "-0.01", "100", "123456789012345678901234567890.123"]) {
      assert.equal(isCanonicalNumeric(t), true, t);
      assert.equal(normalizeNumericText(t), t);
    }
    for (const t of ["-0", "-0.00", "007", "00.5", ".5", "5.", "1e3", "+1", " 1", "1_0", "NaN", "", "-"]) {
      assert.equal(isCanonicalNumeric(t), false, t);
    }
    assert.equal(decodeText("-0.00", Oid.numeric), "0.00");
    assert.equal(decodeText("007.10", Oid.numeric), "7.10");
  });

  test("dates and timestamps: the ISO shape with valid fields passes through", () => {
    for (const t of ["2024-02-29", "0001-01-01", "9999-12-31", "2023-04-30"]) {
      assert.equal(isIsoDate(t), true, t);
      assert.equal(decodeText(t, Oid.date), t);
    }
    for (const t of [
      "2023-02-29",
      "0000-01-01",
      "2023-13-01",
      "2023-04-31",
      "2023-1-01",
      "12023-01-01",
      "2023-01-01 BC",
    ])
      assert.equal(isIsoDate(t), false, t);
    const ok = [
      "2024-02-29 23:59:59",
      "2000-01-01 00:00:00.5",
      "2000-01-01 00:00:00.123456",
      "1999-12-31 12:34:56.01",
    ];
    for (const t of ok) {
      assert.equal(isIsoTimestamp(t, ""), true, t);
      assert.equal(canonicalTimestamp(timestampMicros(t, false)), t);
      assert.equal(isIsoTimestamp(`${t}+00`, "+00"), true, t);
    }
    const bad = [
      "2000-01-01 24:00:00",
      "2000-01-01 00:00:60",
      "2000-01-01 00:00:00.50",
      "2000-01-01 00:00:00.",
      "2000-01-01 00:00:00.1234567",
      "2000-01-01T00:00:00",
      "2000-01-01 00:00:00 BC",
      "2000-01-01 00:00:00+01",
    ];
    for (const t of bad) assert.equal(isIsoTimestamp(t, ""), false, t);
    assert.equal(isIsoTimestamp("2000-01-01 00:00:00", "+00"), false);
    assert.equal(isIsoTimestamp("2000-01-01 00:00:00+01", "+00"), false);
    // the full path still normalises what the fast path refuses
    assert.equal(decodeText("2000-01-01 24:00:00", Oid.timestamp), "2000-01-02 00:00:00");
    assert.equal(decodeText("2000-01-01 00:00:00.50", Oid.timestamp), "2000-01-01 00:00:00.5");
    assert.equal(decodeText("2000-01-01 02:00:00+02", Oid.timestamptz), "2000-01-01 00:00:00+00");
  });

  test("output passes canonical values through only in ISO DateStyle (and UTC for timestamptz)", () => {
    const iso = defaultEncodeContext;
    const sql: EncodeContext = { ...iso, dateStyle: "SQL, DMY" };
    const berlin: EncodeContext = { ...iso, timeZone: "Europe/Berlin" };
    assert.equal(encodeText("2024-02-29", Oid.date, iso), "2024-02-29");
    assert.equal(encodeText("2024-02-29", Oid.date, sql), "29/02/2024");
    assert.equal(encodeText("2024-02-29 10:00:00.5", Oid.timestamp, iso), "2024-02-29 10:00:00.5");
    assert.equal(encodeText("2024-02-29 10:00:00.5", Oid.timestamp, sql), "29/02/2024 10:00:00.5");
    assert.equal(encodeText("2024-02-29 10:00:00+00", Oid.timestamptz, iso), "2024-02-29 10:00:00+00");
    assert.equal(encodeText("2024-02-29 10:00:00+00", Oid.timestamptz, berlin), "2024-02-29 11:00:00+01");
    assert.equal(encodeText("12.50", Oid.numeric, iso), "12.50");
    assert.equal(encodeText("abc", Oid.varchar, iso), "abc");
    assert.equal(encodeText(5, Oid.text, iso), "5");
  });

  test("encodeWireCell keeps text cells as strings and binary cells as bytes", () => {
    assert.equal(encodeWireCell(null, Oid.text, 0, defaultEncodeContext), null);
    assert.equal(encodeWireCell("ü", Oid.text, 0, defaultEncodeContext), "ü");
    assert.equal(encodeWireCell(5, Oid.int4, 0, defaultEncodeContext), "5");
    assert.deepEqual(encodeWireCell(5, Oid.int4, 1, defaultEncodeContext), Uint8Array.of(0, 0, 0, 5));
  });
});
