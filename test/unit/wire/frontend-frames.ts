/**
 * Frontend frames built independently of the decoder (pg-protocol's client
 * serializer plus a few hand-written ones it lacks), with what each must decode to.
 */
import { serialize } from "pg-protocol";
import type { FrontendMessage } from "../../../src/wire/codec/frontend-messages.ts";

export function typed(code: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = code.charCodeAt(0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

export function untyped(body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(body.length + 4, 0);
  return Buffer.concat([head, body]);
}

export function int32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => {
    b.writeInt32BE(v, 4 * i);
  });
  return b;
}

export function int16(...values: number[]): Buffer {
  const b = Buffer.alloc(2 * values.length);
  values.forEach((v, i) => {
    b.writeInt16BE(v, 2 * i);
  });
  return b;
}

export function cstr(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, "utf8"), Buffer.from([0])]);
}

export interface Case {
  name: string;
  frame: Buffer;
  expected: FrontendMessage;
}

export const startupCases: Case[] = [
  {
    name: "Startup",
    frame: serialize.startup({ user: "alice", database: "db1", application_name: "tést ☃" }),
    expected: {
      type: "Startup",
      major: 3,
      minor: 0,
      params: { user: "alice", database: "db1", application_name: "tést ☃", client_encoding: "UTF8" },
    },
  },
  {
    name: "Startup 3.2 with _pq_ option",
    frame: untyped(
      Buffer.concat([int32(0x30002), cstr("user"), cstr("bob"), cstr("_pq_.x"), cstr("1"), cstr("")]),
    ),
    expected: { type: "Startup", major: 3, minor: 2, params: { user: "bob", "_pq_.x": "1" } },
  },
  { name: "SSLRequest", frame: serialize.requestSsl(), expected: { type: "SSLRequest" } },
  { name: "GSSENCRequest", frame: untyped(int32(80877104)), expected: { type: "GSSENCRequest" } },
  {
    name: "CancelRequest",
    frame: serialize.cancel(12345, -98765),
    expected: { type: "CancelRequest", processId: 12345, secretKey: -98765 },
  },
];

export const typedCases: Case[] = [
  {
    name: "Query",
    frame: serialize.query("select 'ü', 1"),
    expected: { type: "Query", sql: "select 'ü', 1" },
  },
  {
    name: "Parse",
    frame: serialize.parse({ name: "s1", text: "select $1, $2", types: [23, 25] }),
    expected: { type: "Parse", name: "s1", sql: "select $1, $2", paramTypes: [23, 25] },
  },
  {
    name: "Parse with an OID above 2^31",
    frame: typed("P", Buffer.concat([cstr(""), cstr("x"), int16(1), Buffer.from([0xff, 0xff, 0xff, 0xfe])])),
    expected: { type: "Parse", name: "", sql: "x", paramTypes: [4294967294] },
  },
  {
    name: "Bind",
    frame: typed(
      "B",
      Buffer.concat([
        cstr("p1"),
        cstr("s1"),
        int16(2, 0, 1),
        int16(3),
        int32(3),
        Buffer.from("abc"),
        int32(-1),
        int32(0),
        int16(1, 1),
      ]),
    ),
    expected: {
      type: "Bind",
      portal: "p1",
      statement: "s1",
      paramFormats: [0, 1],
      params: [Buffer.from("abc"), null, Buffer.alloc(0)],
      resultFormats: [1],
    },
  },
  {
    name: "Bind (pg-protocol)",
    frame: serialize.bind({ portal: "", statement: "", values: ["x", null] }),
    expected: {
      type: "Bind",
      portal: "",
      statement: "",
      paramFormats: [0, 0],
      params: [Buffer.from("x"), null],
      resultFormats: [0],
    },
  },
  {
    name: "Describe S",
    frame: serialize.describe({ type: "S", name: "s1" }),
    expected: { type: "Describe", target: "S", name: "s1" },
  },
  {
    name: "Describe P",
    frame: serialize.describe({ type: "P", name: "" }),
    expected: { type: "Describe", target: "P", name: "" },
  },
  {
    name: "Execute",
    frame: serialize.execute({ portal: "p1", rows: 100 }),
    expected: { type: "Execute", portal: "p1", maxRows: 100 },
  },
  {
    name: "Close S",
    frame: serialize.close({ type: "S", name: "s1" }),
    expected: { type: "Close", target: "S", name: "s1" },
  },
  {
    name: "Close P",
    frame: serialize.close({ type: "P", name: "" }),
    expected: { type: "Close", target: "P", name: "" },
  },
  { name: "Sync", frame: serialize.sync(), expected: { type: "Sync" } },
  { name: "Flush", frame: serialize.flush(), expected: { type: "Flush" } },
  {
    name: "Password",
    frame: serialize.password("secret"),
    expected: { type: "Password", data: Buffer.from("secret\0") },
  },
  {
    name: "SASLInitialResponse",
    frame: serialize.sendSASLInitialResponseMessage("SCRAM-SHA-256", "n,,n=,r=abc"),
    expected: {
      type: "Password",
      data: Buffer.concat([cstr("SCRAM-SHA-256"), int32(11), Buffer.from("n,,n=,r=abc")]),
    },
  },
  {
    name: "FunctionCall",
    frame: typed("F", Buffer.concat([int32(1234), int16(0), int16(0), int16(0)])),
    expected: { type: "FunctionCall", data: Buffer.concat([int32(1234), int16(0), int16(0), int16(0)]) },
  },
  {
    name: "CopyData",
    frame: serialize.copyData(Buffer.from("1\t2\n")),
    expected: { type: "CopyData", data: Buffer.from("1\t2\n") },
  },
  { name: "CopyDone", frame: serialize.copyDone(), expected: { type: "CopyDone" } },
  { name: "CopyFail", frame: serialize.copyFail("nope"), expected: { type: "CopyFail", message: "nope" } },
  { name: "Terminate", frame: serialize.end(), expected: { type: "Terminate" } },
];
