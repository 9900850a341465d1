/** coerceValue over the values real drivers hand back, plus the codec's own edges. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import Database from "better-sqlite3";
import { PgError } from "../../../src/common/pg-error.ts";
import { Oid } from "../../../src/common/pg-types.ts";
import {
  coerceValue,
  decodeBinary,
  decodeParam,
  decodeText,
  encodeBinary,
  encodeCell,
  encodeText,
} from "../../../src/common/value-codec.ts";
import { defaultEncodeContext } from "../../../src/common/values.ts";

function pgError(code: string, message?: string) {
  return (err: unknown) => {
    assert.ok(err instanceof PgError);
    assert.equal(err.code, code);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  };
}

describe("coerceValue from mysql2-style values", () => {
  test("Date objects are read in UTC", () => {
    const d = new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 123));
    assert.equal(coerceValue(d, Oid.timestamp), "2024-02-29 23:59:58.123");
    assert.equal(coerceValue(d, Oid.timestamptz), "2024-02-29 23:59:58.123+00");
    assert.equal(coerceValue(d, Oid.date), "2024-02-29");
    assert.equal(coerceValue(d, Oid.time), "23:59:58.123");
    assert.equal(coerceValue(new Date(Date.UTC(1969, 11, 31, 12)), Oid.date), "1969-12-31");
    assert.equal(coerceValue(new Date(Date.UTC(1969, 11, 31, 12)), Oid.timestamp), "1969-12-31 12:00:00");
    assert.throws(() => coerceValue(new Date(Number.NaN), Oid.timestamp), pgError("22007"));
  });

  test("date and datetime strings", () => {
    assert.equal(coerceValue("2024-01-02", Oid.date), "2024-01-02");
    assert.equal(coerceValue("2024-01-02 03:04:05.000001", Oid.timestamp), "2024-01-02 03:04:05.000001");
    assert.equal(coerceValue("2024-01-02 03:04:05+01:00", Oid.timestamptz), "2024-01-02 02:04:05+00");
    assert.equal(coerceValue("2024-01-02 03:04:05", Oid.timestamptz), "2024-01-02 03:04:05+00");
    assert.equal(coerceValue("838:59:59", Oid.interval) !== null, true);
    assert.deepEqual(coerceValue("838:59:59", Oid.interval), { months: 0, days: 0, micros: 3020399000000n });
  });

  test("decimal strings stay exact", () => {
    assert.equal(coerceValue("12.50", Oid.numeric), "12.50");
    assert.equal(coerceValue("-0.000", Oid.numeric), "0.000");
    assert.equal(
      coerceValue("123456789012345678901234567890.123456789", Oid.numeric),
      "123456789012345678901234567890.123456789",
    );
    assert.equal(coerceValue("9007199254740993", Oid.int8), 9007199254740993n);
    assert.equal(coerceValue("42", Oid.int4), 42);
  });

  test("numbers", () => {
    assert.equal(coerceValue(0.1, Oid.numeric), "0.1");
    assert.equal(coerceValue(1e21, Oid.numeric), "1000000000000000000000");
    assert.equal(coerceValue(1.5e-7, Oid.numeric), "0.00000015");
    assert.equal(coerceValue(-0, Oid.numeric), "0");
    assert.equal(coerceValue(Number.NaN, Oid.numeric), "NaN");
    assert.equal(coerceValue(12345678901234567890n, Oid.numeric), "12345678901234567890");
    assert.equal(coerceValue(42, Oid.int8), 42n);
    assert.equal(coerceValue(2.5, Oid.int4), 2); // float → int rounds half to even, as Postgres casts
    assert.equal(coerceValue(3.5, Oid.int4), 4);
    assert.equal(coerceValue(0.1, Oid.float4), Math.fround(0.1));
    assert.equal(coerceValue(7n, Oid.float8), 7);
    assert.throws(() => coerceValue(40000, Oid.int2), pgError("22003"));
    assert.throws(() => coerceValue(2 ** 31, Oid.int4), pgError("22003"));
    assert.throws(() => coerceValue(2n ** 63n, Oid.int8), pgError("22003"));
    assert.throws(
      () => coerceValue("x", Oid.int4),
      pgError("22P02", 'invalid input syntax for type integer: "x"'),
    );
  });

  test("booleans from TINYINT(1), BIT(1) and strings", () => {
    assert.equal(coerceValue(1, Oid.bool), true);
    assert.equal(coerceValue(0, Oid.bool), false);
    assert.equal(coerceValue(Buffer.from([1]), Oid.bool), true);
    assert.equal(coerceValue(Buffer.from([0]), Oid.bool), false);
    assert.equal(coerceValue("yes", Oid.bool), true);
    assert.equal(coerceValue(true, Oid.text), "true");
    assert.equal(coerceValue(false, Oid.int4), 0);
  });

  test("Buffers", () => {
    const b = coerceValue(Buffer.from([0, 1, 255]), Oid.bytea);
    assert.ok(b instanceof Uint8Array && !Buffer.isBuffer(b));
    assert.deepEqual(b, Uint8Array.of(0, 1, 255));
    assert.equal(coerceValue(Buffer.from("héllo"), Oid.text), "héllo");
    assert.equal(
      coerceValue(Buffer.from("a0eebc999c0b4ef8bb6d6bb9bd380a11", "hex"), Oid.uuid),
      "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
    );
    assert.deepEqual(coerceValue("\\x0102", Oid.bytea), Uint8Array.of(1, 2));
  });

  test("JSON columns arrive parsed", () => {
    assert.equal(coerceValue({ b: [1, 2], a: "x" }, Oid.json), '{"b":[1,2],"a":"x"}');
    assert.equal(
      coerceValue({ bb: 1, a: { d: null, c: true } }, Oid.jsonb),
      '{"a": {"c": true, "d": null}, "bb": 1}',
    );
    assert.equal(coerceValue([1, "two"], Oid.jsonb), '[1, "two"]');
    assert.equal(coerceValue('{"b":1,"a":2,"a":3}', Oid.jsonb), '{"a": 3, "b": 1}');
    assert.equal(coerceValue('{"b":1}', Oid.json), '{"b":1}');
  });

  test("arrays and null", () => {
    assert.equal(coerceValue(null, Oid.int4), null);
    assert.equal(coerceValue(undefined, Oid.text), null);
    assert.deepEqual(coerceValue([1, null, 3], Oid._int8), [1n, null, 3n]);
    assert.deepEqual(coerceValue('{a,NULL,"b c"}', Oid._text), ["a", null, "b c"]);
    const iv = { months: 1, days: 2, micros: 3n };
    assert.deepEqual(coerceValue(iv, Oid.interval), iv);
  });
});

describe("coerceValue from better-sqlite3", () => {
  test("real rows: number, bigint, string, Buffer, null", () => {
    const db = new Database(":memory:");
    try {
      db.exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT, d TEXT, big INTEGER)");
      db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)").run(
        42,
        2.5,
        "émoji 🎉 'q' \\",
        Buffer.from([0, 0x5c, 0xff]),
        null,
        "2024-02-29 12:00:00",
        9007199254740993n,
      );
      const row = db.prepare("SELECT * FROM t").get() as Record<string, unknown>;
      assert.equal(coerceValue(row.i, Oid.int4), 42);
      assert.equal(coerceValue(row.i, Oid.int8), 42n);
      assert.equal(coerceValue(row.r, Oid.float8), 2.5);
      assert.equal(coerceValue(row.r, Oid.numeric), "2.5");
      assert.equal(coerceValue(row.s, Oid.text), "émoji 🎉 'q' \\");
      assert.deepEqual(coerceValue(row.b, Oid.bytea), Uint8Array.of(0, 0x5c, 0xff));
      assert.equal(coerceValue(row.n, Oid.text), null);
      assert.equal(coerceValue(row.d, Oid.timestamp), "2024-02-29 12:00:00");
      assert.equal(coerceValue(row.d, Oid.date), "2024-02-29");
      const safe = db.prepare("SELECT big FROM t").safeIntegers(true).get() as { big: bigint };
      assert.equal(coerceValue(safe.big, Oid.int8), 9007199254740993n);
      assert.equal(coerceValue(safe.big, Oid.numeric), "9007199254740993");
    } finally {
      db.close();
    }
  });
});

describe("codec edges", () => {
  const ctx = defaultEncodeContext;

  test("encodeCell and decodeParam", () => {
    assert.equal(encodeCell(null, Oid.int4, 0, ctx), null);
    assert.deepEqual(encodeCell(5, Oid.int4, 0, ctx), new TextEncoder().encode("5"));
    assert.deepEqual(encodeCell(5, Oid.int4, 1, ctx), Uint8Array.of(0, 0, 0, 5));
    assert.deepEqual(encodeCell("ü", Oid.text, 0, ctx), Uint8Array.of(0xc3, 0xbc));
    assert.equal(decodeParam(null, Oid.int4, 1), null);
    assert.equal(decodeParam(Uint8Array.of(0, 0, 0, 5), Oid.int4, 1), 5);
    assert.equal(decodeParam(new TextEncoder().encode(" 5 "), Oid.int4, 0), 5);
    assert.equal(
      decodeParam(new TextEncoder().encode("2024-03-31 02:30:00"), Oid.timestamptz, 0, {
        ...ctx,
        timeZone: "Europe/Berlin",
      }),
      "2024-03-31 01:30:00+00",
    );
    assert.throws(() => decodeParam(Uint8Array.of(0, 0, 5), Oid.int4, 1), pgError("22P03"));
    assert.throws(() => decodeParam(Uint8Array.of(0xff), Oid.text, 0), pgError("22021"));
  });

  test("array lower bounds are accepted and dropped; nested arrays refused", () => {
    assert.deepEqual(decodeText("[0:2]={7,8,9}", Oid._int4), [7, 8, 9]);
    assert.throws(() => decodeText("{{1,2},{3,4}}", Oid._int4), pgError("0A000"));
    assert.deepEqual(decodeText("{}", Oid._text), []);
    assert.equal(encodeText([], Oid._int4, ctx), "{}");
  });

  test("text arrays quote exactly what needs quoting", () => {
    const items = ["a", "", null, "NULL", "a b", 'x"y', "back\\slash", "{}", "ü🎉"];
    const text = encodeText(items, Oid._text, ctx);
    assert.equal(text, '{a,"",NULL,"NULL","a b","x\\"y","back\\\\slash","{}",ü🎉}');
    assert.deepEqual(decodeText(text, Oid._text), items);
    const bin = encodeBinary(items, Oid._text, ctx);
    assert.deepEqual(decodeBinary(bin, Oid._text), items);
  });

  test("encoders accept the neighbouring JS number types", () => {
    assert.equal(encodeText(5n, Oid.int4, ctx), "5");
    assert.equal(encodeText(5, Oid.int8, ctx), "5");
    assert.equal(encodeText(0.5, Oid.numeric, ctx), "0.5");
    assert.throws(() => encodeText("x", Oid.int8, ctx), pgError("42804"));
  });

  test("timestamptz values not in UTC are normalised on output", () => {
    assert.equal(
      encodeText("2024-01-02 03:04:05+05:30", Oid.timestamptz, { ...ctx, timeZone: "UTC" }),
      "2024-01-01 21:34:05+00",
    );
  });

  test("jsonb binary needs version 1", () => {
    assert.equal(decodeBinary(Uint8Array.of(1, 0x5b, 0x5d), Oid.jsonb), "[]");
    assert.throws(() => decodeBinary(Uint8Array.of(2, 0x5b, 0x5d), Oid.jsonb), pgError("22P03"));
  });
});
