/**
 * The value codec: canonical in-memory Values (values.ts) ⇄ the wire's text and binary
 * formats, with PostgreSQL's exact output. The pieces live in value-*.ts by type family.
 */
import type { TypeOid } from "./pg-types.ts";
import { encodeBinary, encodeText } from "./value-encode.ts";
import type { EncodeContext, FormatCode, Value } from "./values.ts";

export { coerceValue } from "./value-coerce.ts";
export { decodeBinary, decodeParam, decodeText } from "./value-decode.ts";
export { encodeBinary, encodeText } from "./value-encode.ts";

const utf8 = new TextEncoder();

/** One DataRow cell: null for SQL NULL, else the text (UTF-8) or binary bytes. */
export function encodeCell(
  value: Value,
  oid: TypeOid,
  format: FormatCode,
  ctx: EncodeContext,
): Uint8Array | null {
  if (value === null) return null;
  return format === 1 ? encodeBinary(value, oid, ctx) : utf8.encode(encodeText(value, oid, ctx));
}

/**
 * One DataRow cell as the wire takes it (see EncodedRow): a text-format cell stays a string, which
 * the wire writes as UTF-8 into its output buffer without an intermediate Uint8Array.
 */
export function encodeWireCell(
  value: Value,
  oid: TypeOid,
  format: FormatCode,
  ctx: EncodeContext,
): Uint8Array | string | null {
  if (value === null) return null;
  return format === 1 ? encodeBinary(value, oid, ctx) : encodeText(value, oid, ctx);
}
