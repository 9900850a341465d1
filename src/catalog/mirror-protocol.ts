/**
 * Frontend messages for the mirror's raw protocol rounds and a decoder for what
 * PGlite answers. pg-protocol's `serialize` builds most messages; Bind is built
 * here because pg-protocol's Bind has one result format for all columns, and
 * DataRow is decoded here because pg-protocol's Parser turns every cell into a
 * string, which would corrupt binary cells.
 */

import { serialize } from "pg-protocol";
import type {
  BackendMessage,
  DatabaseError,
  NoticeMessage,
  RowDescriptionMessage,
} from "pg-protocol/dist/messages.js";
import { Parser } from "pg-protocol/dist/parser.js";
import { type NoticeSeverity, PgError, type PgNotice, type PgSeverity } from "../common/pg-error.ts";
import type { EncodedRow, FieldDescription } from "../common/row.ts";
import type { FormatCode } from "../common/values.ts";

export function parseMessage(text: string, paramTypes: number[] = []): Buffer {
  return serialize.parse({ text, types: paramTypes });
}

/** Bind of the unnamed portal to the unnamed statement with per-parameter and per-column format codes. */
export function bindMessage(
  params: (Uint8Array | string | null)[],
  paramFormats: FormatCode[],
  resultFormats: FormatCode[],
): Buffer {
  const encoded = params.map((p) => (p === null ? null : typeof p === "string" ? Buffer.from(p, "utf8") : p));
  let size = 4 + 1 + 1 + 2 + paramFormats.length * 2 + 2 + 2 + resultFormats.length * 2;
  for (const p of encoded) size += 4 + (p === null ? 0 : p.byteLength);
  const buf = Buffer.alloc(1 + size);
  let at = 0;
  buf[at++] = 0x42; // 'B'
  buf.writeInt32BE(size, at);
  at += 4;
  buf[at++] = 0; // portal ""
  buf[at++] = 0; // statement ""
  buf.writeInt16BE(paramFormats.length, at);
  at += 2;
  for (const f of paramFormats) {
    buf.writeInt16BE(f, at);
    at += 2;
  }
  buf.writeInt16BE(encoded.length, at);
  at += 2;
  for (const p of encoded) {
    if (p === null) {
      buf.writeInt32BE(-1, at);
      at += 4;
    } else {
      buf.writeInt32BE(p.byteLength, at);
      at += 4;
      buf.set(p, at);
      at += p.byteLength;
    }
  }
  buf.writeInt16BE(resultFormats.length, at);
  at += 2;
  for (const f of resultFormats) {
    buf.writeInt16BE(f, at);
    at += 2;
  }
  return buf;
}

export const describePortal = (): Buffer => serialize.describe({ type: "P" });
export const describeStatement = (): Buffer => serialize.describe({ type: "S" });
export const executeMessage = (): Buffer => serialize.execute({});
export const syncMessage = (): Buffer => serialize.sync();
export const queryMessage = (text: string): Buffer => serialize.query(text);

/** Parse + Bind + Execute of a statement whose parameters are all text. */
export function runText(text: string, params: string[] = [], paramTypes: number[] = []): Buffer[] {
  return [parseMessage(text, paramTypes), bindMessage(params, [], []), executeMessage()];
}

export type Backend =
  | { kind: "parseComplete" | "bindComplete" | "noData" | "emptyQuery" | "portalSuspended" | "other" }
  | { kind: "parameterDescription"; types: number[] }
  | { kind: "rowDescription"; fields: FieldDescription[] }
  | { kind: "dataRow"; row: EncodedRow }
  | { kind: "commandComplete"; tag: string }
  | { kind: "error"; error: PgError }
  | { kind: "notice"; notice: PgNotice }
  | { kind: "readyForQuery"; status: string };

/** Splits one response buffer into messages. The buffer is copied first: PGlite reuses its memory. */
export function decodeBackend(response: Uint8Array): Backend[] {
  const data = Buffer.from(response);
  const out: Backend[] = [];
  const parser = new Parser();
  let at = 0;
  while (at + 5 <= data.length) {
    const code = data[at];
    const length = data.readInt32BE(at + 1);
    const end = at + 1 + length;
    if (end > data.length) break;
    if (code === 0x44) out.push({ kind: "dataRow", row: decodeDataRow(data, at + 5) });
    else parser.parse(data.subarray(at, end), (msg) => out.push(fromParsed(msg)));
    at = end;
  }
  return out;
}

function decodeDataRow(data: Buffer, at: number): EncodedRow {
  const count = data.readInt16BE(at);
  at += 2;
  const row: EncodedRow = new Array(count);
  for (let i = 0; i < count; i++) {
    const len = data.readInt32BE(at);
    at += 4;
    if (len < 0) row[i] = null;
    else {
      row[i] = data.subarray(at, at + len);
      at += len;
    }
  }
  return row;
}

function fromParsed(msg: BackendMessage): Backend {
  switch (msg.name) {
    case "parseComplete":
    case "bindComplete":
    case "noData":
    case "portalSuspended":
      return { kind: msg.name };
    case "emptyQuery":
      return { kind: "emptyQuery" };
    case "parameterDescription":
      return {
        kind: "parameterDescription",
        types: [...(msg as unknown as { dataTypeIDs: number[] }).dataTypeIDs],
      };
    case "rowDescription":
      return {
        kind: "rowDescription",
        fields: (msg as RowDescriptionMessage).fields.map((f) => ({
          name: f.name,
          tableOid: f.tableID,
          columnAttr: f.columnID,
          typeOid: f.dataTypeID,
          typeSize: f.dataTypeSize,
          typeModifier: f.dataTypeModifier,
          format: f.format === "binary" ? 1 : 0,
        })),
      };
    case "commandComplete":
      return { kind: "commandComplete", tag: (msg as unknown as { text: string }).text };
    case "readyForQuery":
      return { kind: "readyForQuery", status: (msg as unknown as { status: string }).status };
    case "error":
      return { kind: "error", error: toPgError(msg as DatabaseError) };
    case "notice":
      return { kind: "notice", notice: toNotice(msg as NoticeMessage) };
    default:
      return { kind: "other" };
  }
}

function toPgError(e: DatabaseError): PgError {
  const severity = (
    ["ERROR", "FATAL", "PANIC"].includes(e.severity ?? "") ? e.severity : "ERROR"
  ) as PgSeverity;
  return new PgError(e.code ?? "XX000", e.message, {
    severity,
    detail: e.detail,
    hint: e.hint,
    position: e.position === undefined ? undefined : Number(e.position),
    schema: e.schema,
    table: e.table,
    column: e.column,
    constraint: e.constraint,
    dataType: e.dataType,
    where: e.where,
  });
}

function toNotice(n: NoticeMessage): PgNotice {
  const notice: PgNotice = {
    severity: (n.severity ?? "NOTICE") as NoticeSeverity,
    code: n.code ?? "00000",
    message: n.message ?? "",
  };
  if (n.detail !== undefined) notice.detail = n.detail;
  if (n.hint !== undefined) notice.hint = n.hint;
  return notice;
}
