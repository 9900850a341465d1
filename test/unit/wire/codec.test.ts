import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Parser } from "pg-protocol/dist/parser.js";
import { BackendWriter } from "../../../src/wire/codec/backend-writer.ts";
import { type DecodeResult, FrontendDecoder } from "../../../src/wire/codec/frontend-decoder.ts";
import type { FrontendMessage } from "../../../src/wire/codec/frontend-messages.ts";
import { ProtocolError } from "../../../src/wire/codec/protocol-error.ts";
import {
  type Case,
  cstr,
  int16,
  int32,
  startupCases,
  typed,
  typedCases,
  untyped,
} from "./frontend-frames.ts";

/** Comparable form: plain objects, Buffers copied out of the chunk they were sliced from. */
function plain(m: FrontendMessage): unknown {
  const out: Record<string, unknown> = { ...m };
  for (const [k, v] of Object.entries(out)) {
    if (v instanceof Uint8Array) out[k] = Buffer.from(v);
    else if (Array.isArray(v)) out[k] = v.map((x) => (x instanceof Uint8Array ? Buffer.from(x) : x));
    else if (k === "params" && v && typeof v === "object") out[k] = { ...v };
  }
  return out;
}

function decodeChunks(chunks: Buffer[], phase: "startup" | "typed"): { messages: unknown[]; error: unknown } {
  const d = new FrontendDecoder({}, phase);
  const messages: unknown[] = [];
  let error: unknown = null;
  for (const c of chunks) {
    const r: DecodeResult = d.push(c);
    messages.push(...r.messages.map(plain));
    error = r.error;
  }
  return { messages, error };
}

function splits(stream: Buffer): Buffer[][] {
  const out: Buffer[][] = [];
  for (let i = 0; i <= stream.length; i++) out.push([stream.subarray(0, i), stream.subarray(i)]);
  out.push([...stream].map((b) => Buffer.from([b])));
  return out;
}

function checkEverySplit(stream: Buffer, phase: "startup" | "typed", expected: unknown[]): void {
  const whole = decodeChunks([stream], phase);
  assert.equal(whole.error, null);
  assert.deepEqual(whole.messages, expected);
  for (const chunks of splits(stream)) {
    const r = decodeChunks(chunks, phase);
    assert.equal(r.error, null);
    assert.deepEqual(r.messages, expected, `split into ${chunks.map((c) => c.length).join("+")}`);
  }
}

const expectedOf = (c: Case) => plain(c.expected);

describe("frontend decoder", () => {
  for (const c of startupCases) {
    test(`startup-phase ${c.name} decodes at every split`, () => {
      checkEverySplit(c.frame, "startup", [expectedOf(c)]);
    });
  }
  for (const c of typedCases) {
    test(`${c.name} decodes at every split`, () => {
      checkEverySplit(c.frame, "typed", [expectedOf(c)]);
    });
  }

  test("a whole session stream (startup then every typed message) decodes at every split", () => {
    const startup = startupCases[0];
    const stream = Buffer.concat([startup.frame, ...typedCases.map((c) => c.frame)]);
    checkEverySplit(stream, "startup", [expectedOf(startup), ...typedCases.map(expectedOf)]);
  });

  test("SSLRequest holds back the following bytes until resume()", () => {
    const d = new FrontendDecoder();
    const startup = startupCases[0].frame;
    const r = d.push(Buffer.concat([startupCases[2].frame, startup]));
    assert.deepEqual(r.messages, [{ type: "SSLRequest" }]);
    assert.equal(d.phase, "negotiating");
    assert.equal(d.bufferedBytes, startup.length);
    const after = d.resume();
    assert.deepEqual(after.messages.map(plain), [expectedOf(startupCases[0])]);
    assert.equal(d.phase, "typed");
  });

  test("nothing is decoded after a CancelRequest", () => {
    const d = new FrontendDecoder();
    const r = d.push(Buffer.concat([startupCases[4].frame, startupCases[0].frame]));
    assert.equal(r.messages.length, 1);
    assert.equal(d.phase, "done");
  });

  test("messages before a bad frame are delivered, then the error", () => {
    const d = new FrontendDecoder({}, "typed");
    const r = d.push(Buffer.concat([typedCases[0].frame, Buffer.from([0x5a, 0, 0, 0, 4])]));
    assert.equal(r.messages.length, 1);
    assert.ok(r.error instanceof ProtocolError);
    const again = d.push(typedCases[0].frame);
    assert.equal(again.messages.length, 0);
    assert.ok(again.error instanceof ProtocolError);
  });

  const bad: { name: string; phase: "startup" | "typed"; bytes: Buffer; limit?: number }[] = [
    { name: "typed length < 4", phase: "typed", bytes: Buffer.from([0x51, 0, 0, 0, 3]) },
    { name: "negative typed length", phase: "typed", bytes: Buffer.from([0x51, 0xff, 0xff, 0xff, 0xff]) },
    { name: "oversized typed frame", phase: "typed", bytes: Buffer.from([0x51, 0, 0, 0x10, 0]), limit: 1024 },
    {
      name: "huge typed length (default limit)",
      phase: "typed",
      bytes: Buffer.from([0x51, 0x7f, 0xff, 0xff, 0xff]),
    },
    { name: "unknown message type", phase: "typed", bytes: typed("Z", Buffer.alloc(0)) },
    { name: "unterminated string", phase: "typed", bytes: typed("Q", Buffer.from("select 1")) },
    { name: "trailing garbage in Sync", phase: "typed", bytes: typed("S", Buffer.from([1])) },
    { name: "trailing garbage after Query", phase: "typed", bytes: typed("Q", Buffer.from("x\0y")) },
    {
      name: "Parse count larger than the frame",
      phase: "typed",
      bytes: typed("P", Buffer.concat([cstr(""), cstr("x"), int16(100), int32(23)])),
    },
    {
      name: "Bind parameter length beyond the frame",
      phase: "typed",
      bytes: typed(
        "B",
        Buffer.concat([cstr(""), cstr(""), int16(0), int16(1), int32(50), Buffer.from("ab")]),
      ),
    },
    {
      name: "Bind parameter length -2",
      phase: "typed",
      bytes: typed("B", Buffer.concat([cstr(""), cstr(""), int16(0), int16(1), int32(-2), int16(0)])),
    },
    {
      name: "Bind format count larger than the frame",
      phase: "typed",
      bytes: typed("B", Buffer.concat([cstr(""), cstr(""), int16(7), int16(0)])),
    },
    {
      name: "Describe with bad subtype",
      phase: "typed",
      bytes: typed("D", Buffer.concat([Buffer.from("X"), cstr("")])),
    },
    { name: "Execute truncated", phase: "typed", bytes: typed("E", Buffer.concat([cstr(""), int16(1)])) },
    { name: "startup length < 8", phase: "startup", bytes: int32(4) },
    {
      name: "startup length over 10000",
      phase: "startup",
      bytes: Buffer.concat([int32(20000), int32(196608)]),
    },
    {
      name: "startup params without terminator",
      phase: "startup",
      bytes: untyped(Buffer.concat([int32(196608), cstr("user"), cstr("x")])),
    },
    {
      name: "startup param value unterminated",
      phase: "startup",
      bytes: untyped(Buffer.concat([int32(196608), cstr("user"), Buffer.from("x")])),
    },
    {
      name: "SSLRequest with extra bytes",
      phase: "startup",
      bytes: untyped(Buffer.concat([int32(80877103), int32(0)])),
    },
    {
      name: "CancelRequest too short",
      phase: "startup",
      bytes: untyped(Buffer.concat([int32(80877102), int32(1)])),
    },
  ];
  for (const b of bad) {
    test(`malformed: ${b.name} → ProtocolError (whole and byte by byte)`, () => {
      for (const chunks of [[b.bytes], [...b.bytes].map((x) => Buffer.from([x]))]) {
        const d = new FrontendDecoder({ maxMessageBytes: b.limit }, b.phase);
        let error: unknown = null;
        for (const c of chunks) {
          const r = d.push(c);
          assert.equal(r.messages.length, 0);
          error ??= r.error;
        }
        assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${String(error)}`);
      }
    });
  }

  test("an oversized frame is refused from its header, before the body arrives", () => {
    const d = new FrontendDecoder({ maxMessageBytes: 100 }, "typed");
    const r = d.push(Buffer.from([0x51, 0, 0, 0, 101]));
    assert.ok(r.error instanceof ProtocolError);
    const ok = new FrontendDecoder({ maxMessageBytes: 100 }, "typed").push(
      typed("Q", Buffer.concat([Buffer.alloc(95, 0x61), Buffer.from([0])])),
    );
    assert.equal(ok.error, null);
  });
});

function parseBackend(buf: Buffer): any[] {
  const out: any[] = [];
  new Parser().parse(buf, (m) => out.push(m));
  return out;
}

describe("backend writer", () => {
  test("every message decodes with pg-protocol's client parser", () => {
    const w = new BackendWriter(16);
    const fields = [
      {
        name: "id",
        tableOid: 16384,
        columnAttr: 1,
        typeOid: 23,
        typeSize: 4,
        typeModifier: -1,
        format: 0 as const,
      },
      {
        name: "näme",
        tableOid: 0,
        columnAttr: 0,
        typeOid: 4294967295,
        typeSize: -1,
        typeModifier: 44,
        format: 1 as const,
      },
    ];
    w.authenticationOk()
      .authenticationCleartextPassword()
      .authenticationMD5Password(Buffer.from([1, 2, 3, 4]))
      .authenticationSASL(["SCRAM-SHA-256"])
      .authenticationSASLContinue(Buffer.from("r=abc,s=xyz,i=4096"))
      .authenticationSASLFinal(Buffer.from("v=sig"))
      .parameterStatus("server_version", "16.4")
      .backendKeyData(42, -7)
      .rowDescription(fields)
      .dataRow([Buffer.from("1"), null, Buffer.alloc(0)])
      .commandComplete("SELECT 1")
      .emptyQueryResponse()
      .parseComplete()
      .bindComplete()
      .closeComplete()
      .noData()
      .parameterDescription([23, 25])
      .portalSuspended()
      .errorResponse({
        severity: "ERROR",
        code: "42P01",
        message: 'relation "x" does not exist',
        detail: "d",
        hint: "h",
        position: 15,
        where: "w",
        schema: "s",
        table: "t",
        column: "c",
        dataType: "dt",
        constraint: "n",
      })
      .noticeResponse({ severity: "NOTICE", code: "00000", message: "hello" })
      .readyForQuery("T");
    const msgs = parseBackend(w.take());
    assert.deepEqual(
      msgs.map((m) => m.name),
      [
        "authenticationOk",
        "authenticationCleartextPassword",
        "authenticationMD5Password",
        "authenticationSASL",
        "authenticationSASLContinue",
        "authenticationSASLFinal",
        "parameterStatus",
        "backendKeyData",
        "rowDescription",
        "dataRow",
        "commandComplete",
        "emptyQuery",
        "parseComplete",
        "bindComplete",
        "closeComplete",
        "noData",
        "parameterDescription",
        "portalSuspended",
        "error",
        "notice",
        "readyForQuery",
      ],
    );
    assert.deepEqual([...msgs[2].salt], [1, 2, 3, 4]);
    assert.deepEqual(msgs[3].mechanisms, ["SCRAM-SHA-256"]);
    assert.equal(msgs[4].data, "r=abc,s=xyz,i=4096");
    assert.equal(msgs[5].data, "v=sig");
    assert.equal(msgs[6].parameterName, "server_version");
    assert.equal(msgs[6].parameterValue, "16.4");
    assert.equal(msgs[7].processID, 42);
    assert.equal(msgs[7].secretKey, -7);
    assert.deepEqual(
      msgs[8].fields.map((f: any) => [
        f.name,
        f.tableID,
        f.columnID,
        f.dataTypeID,
        f.dataTypeSize,
        f.dataTypeModifier,
        f.format,
      ]),
      [
        ["id", 16384, 1, 23, 4, -1, "text"],
        ["näme", 0, 0, 4294967295, -1, 44, "binary"],
      ],
    );
    assert.deepEqual(msgs[9].fields, ["1", null, ""]);
    assert.equal(msgs[10].text, "SELECT 1");
    assert.deepEqual(msgs[16].dataTypeIDs, [23, 25]);
    const e = msgs[18];
    assert.deepEqual(
      [
        e.severity,
        e.code,
        e.message,
        e.detail,
        e.hint,
        e.position,
        e.where,
        e.schema,
        e.table,
        e.column,
        e.dataType,
        e.constraint,
      ],
      ["ERROR", "42P01", 'relation "x" does not exist', "d", "h", "15", "w", "s", "t", "c", "dt", "n"],
    );
    assert.equal(msgs[19].message, "hello");
    assert.equal(msgs[20].status, "T");
  });

  test("NegotiateProtocolVersion layout", () => {
    const buf = new BackendWriter().negotiateProtocolVersion(0, ["_pq_.a", "_pq_.b"]).take();
    assert.equal(String.fromCharCode(buf[0]), "v");
    assert.equal(buf.readInt32BE(1), buf.length - 1);
    assert.equal(buf.readInt32BE(5), 0);
    assert.equal(buf.readInt32BE(9), 2);
    assert.equal(buf.subarray(13).toString(), "_pq_.a\0_pq_.b\0");
  });

  test("string cells are written as UTF-8, byte for byte like their encoded form", () => {
    const cells = [
      "",
      "plain ascii",
      "ü",
      "日本語テキスト",
      "emoji 😀 and a lone surrogate \ud800!",
      `${"x".repeat(47)}é`,
      "y".repeat(5000),
      "ascii then 😀 after".repeat(3),
    ];
    const asStrings = new BackendWriter(8);
    const asBytes = new BackendWriter(8);
    for (const cell of cells) {
      asStrings.dataRow([cell, null, "1", Buffer.from("b")]);
      asBytes.dataRow([new TextEncoder().encode(cell), null, Buffer.from("1"), Buffer.from("b")]);
    }
    const written = asStrings.take();
    assert.deepEqual(written, asBytes.take());
    const msgs = parseBackend(written);
    assert.equal(msgs.length, cells.length);
    assert.equal(msgs[3].fields[0], "日本語テキスト");
    assert.equal(msgs[2].fields[2], "1");
    assert.equal(msgs[2].fields[1], null);
  });

  test("big rows grow the buffer and take() hands over exactly what was written", () => {
    const w = new BackendWriter(8);
    const big = Buffer.alloc(100_000, 7);
    for (let i = 0; i < 3; i++) w.dataRow([big, Buffer.from(String(i))]);
    const msgs = parseBackend(w.take());
    assert.equal(msgs.length, 3);
    assert.equal(msgs[2].fields[1], "2");
    assert.equal(w.length, 0);
  });
});
