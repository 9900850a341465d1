/** bytea hex/escape output and input; uuid text and binary. */
import { PgError, SqlState } from "./pg-error.ts";
import { invalidBinary, invalidInput } from "./value-errors.ts";

const HEX = "0123456789abcdef";

export function formatBytea(data: Uint8Array, output: string): string {
  if (output === "escape") return formatByteaEscape(data);
  let out = "\\x";
  for (const b of data) out += HEX[b >> 4] + HEX[b & 15];
  return out;
}

/** byteaout with bytea_output=escape: printable ASCII as is, backslash doubled, the rest as \ooo. */
function formatByteaEscape(data: Uint8Array): string {
  let out = "";
  for (const b of data) {
    if (b === 0x5c) out += "\\\\";
    else if (b < 0x20 || b > 0x7e) out += `\\${b.toString(8).padStart(3, "0")}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** byteain: "\x…" hex (whitespace between pairs allowed) or the escape format. */
export function parseBytea(text: string): Uint8Array {
  if (text.startsWith("\\x") || text.startsWith("\\X")) {
    const out: number[] = [];
    let i = 2;
    while (i < text.length) {
      const c = text[i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") {
        i++;
        continue;
      }
      const hi = hexValue(text.charCodeAt(i));
      if (hi < 0) throw new PgError(SqlState.invalidParameterValue, `invalid hexadecimal digit: "${c}"`);
      if (i + 1 >= text.length)
        throw new PgError(SqlState.invalidParameterValue, "invalid hexadecimal data: odd number of digits");
      const lo = hexValue(text.charCodeAt(i + 1));
      if (lo < 0)
        throw new PgError(SqlState.invalidParameterValue, `invalid hexadecimal digit: "${text[i + 1]}"`);
      out.push((hi << 4) | lo);
      i += 2;
    }
    return Uint8Array.from(out);
  }
  const bytes = new TextEncoder().encode(text);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x5c) {
      out.push(b);
      continue;
    }
    if (bytes[i + 1] === 0x5c) {
      out.push(0x5c);
      i++;
      continue;
    }
    const d = bytes.subarray(i + 1, i + 4);
    if (d.length === 3 && d[0] >= 0x30 && d[0] <= 0x33 && isOctal(d[1]) && isOctal(d[2])) {
      out.push(((d[0] - 0x30) << 6) | ((d[1] - 0x30) << 3) | (d[2] - 0x30));
      i += 3;
      continue;
    }
    throw new PgError(SqlState.invalidTextRepresentation, "invalid input syntax for type bytea");
  }
  return Uint8Array.from(out);
}

function isOctal(b: number): boolean {
  return b >= 0x30 && b <= 0x37;
}

/** uuid_in: 32 hex digits, optionally in braces, with a hyphen allowed after any group of four. */
export function parseUuid(text: string): string {
  let s = text;
  if (s.startsWith("{")) {
    if (!s.endsWith("}")) throw invalidInput("uuid", text);
    s = s.slice(1, -1);
  }
  let hex = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "-") {
      if (hex.length === 0 || hex.length % 4 !== 0 || hex.length >= 32 || s[i + 1] === "-")
        throw invalidInput("uuid", text);
      continue;
    }
    if (hexValue(s.charCodeAt(i)) < 0) throw invalidInput("uuid", text);
    hex += c;
  }
  if (hex.length !== 32 || s.endsWith("-")) throw invalidInput("uuid", text);
  hex = hex.toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function uuidToBytes(uuid: string): Uint8Array {
  const hex = uuid.replaceAll("-", "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return uuidToBytes(parseUuid(uuid));
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function uuidFromBytes(data: Uint8Array): string {
  if (data.length !== 16) throw invalidBinary("incorrect binary data format in uuid parameter");
  let hex = "";
  for (const b of data) hex += HEX[b >> 4] + HEX[b & 15];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
