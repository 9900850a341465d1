/** One-dimensional arrays: Postgres's text form (quoting rules) and binary form. */
import { PgError, SqlState } from "./pg-error.ts";
import { ByteReader, ByteWriter } from "./value-bytes.ts";
import { invalidBinary } from "./value-errors.ts";
import type { Value } from "./values.ts";

function isArraySpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\v" || c === "\f";
}

/** array_out's rule: quote empty strings, NULL look-alikes, and anything with { } , " \ or whitespace. */
function quoteElement(s: string): string {
  let needs = s.length === 0 || s.toLowerCase() === "null";
  if (!needs) {
    for (const c of s) {
      if (c === "{" || c === "}" || c === "," || c === '"' || c === "\\" || isArraySpace(c)) {
        needs = true;
        break;
      }
    }
  }
  if (!needs) return s;
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function formatArrayText(items: Value[], elementText: (v: Value) => string): string {
  const parts = items.map((v) => (v === null ? "NULL" : quoteElement(elementText(v))));
  return `{${parts.join(",")}}`;
}

function malformed(text: string, detail: string): PgError {
  return new PgError(SqlState.invalidTextRepresentation, `malformed array literal: "${text}"`, { detail });
}

/** array_in for one dimension; an optional [lo:hi]= decoration is accepted and dropped. */
export function parseArrayText(text: string, elementFromText: (s: string) => Value): Value[] {
  let i = 0;
  const n = text.length;
  const skip = () => {
    while (i < n && isArraySpace(text[i])) i++;
  };
  skip();
  if (text[i] === "[") {
    const m = /^\[[+-]?\d+:[+-]?\d+\]\s*=\s*/.exec(text.slice(i));
    if (!m) throw malformed(text, 'Missing "]" after array dimensions.');
    i += m[0].length;
  }
  if (text[i] !== "{") throw malformed(text, 'Array value must start with "{" or dimension information.');
  i++;
  const items: Value[] = [];
  skip();
  if (text[i] === "}") {
    i++;
  } else {
    for (;;) {
      skip();
      if (text[i] === "{") {
        throw new PgError(SqlState.featureNotSupported, "multidimensional arrays are not supported");
      }
      let raw = "";
      let quoted = false;
      let sawAny = false;
      // an element: quoted and unquoted runs, backslash escapes anywhere
      let trailingSpace = 0;
      while (i < n) {
        const c = text[i];
        if (c === '"') {
          quoted = true;
          sawAny = true;
          i++;
          while (i < n && text[i] !== '"') {
            if (text[i] === "\\") i++;
            if (i >= n) break;
            raw += text[i];
            i++;
          }
          if (i >= n) throw malformed(text, "Unexpected end of input.");
          i++;
          trailingSpace = 0;
          continue;
        }
        if (c === "," || c === "}") break;
        if (c === "{") throw malformed(text, 'Unexpected "{" character.');
        if (c === "\\") {
          i++;
          if (i >= n) throw malformed(text, "Unexpected end of input.");
          raw += text[i];
          i++;
          sawAny = true;
          trailingSpace = 0;
          continue;
        }
        if (isArraySpace(c)) {
          if (sawAny) {
            raw += c;
            trailingSpace++;
          }
          i++;
          continue;
        }
        raw += c;
        sawAny = true;
        trailingSpace = 0;
        i++;
      }
      if (i >= n) throw malformed(text, "Unexpected end of input.");
      if (trailingSpace) raw = raw.slice(0, raw.length - trailingSpace);
      if (!sawAny) throw malformed(text, `Unexpected "${text[i]}" character.`);
      if (!quoted && raw.toLowerCase() === "null") items.push(null);
      else items.push(elementFromText(raw));
      const sep = text[i];
      i++;
      if (sep === "}") break;
    }
  }
  skip();
  if (i !== n) throw malformed(text, "Junk after closing right brace.");
  return items;
}

export function encodeArrayBinary(
  items: Value[],
  elemOid: number,
  elementBinary: (v: Value) => Uint8Array,
): Uint8Array {
  const w = new ByteWriter(20 + items.length * 8);
  if (items.length === 0) return w.int32(0).int32(0).uint32(elemOid).finish();
  const hasNull = items.some((v) => v === null);
  w.int32(1)
    .int32(hasNull ? 1 : 0)
    .uint32(elemOid)
    .int32(items.length)
    .int32(1);
  for (const v of items) {
    if (v === null) w.int32(-1);
    else {
      const b = elementBinary(v);
      w.int32(b.length).bytes(b);
    }
  }
  return w.finish();
}

export function decodeArrayBinary(
  data: Uint8Array,
  elemOid: number,
  elementFromBinary: (b: Uint8Array) => Value,
): Value[] {
  const r = new ByteReader(data);
  const ndim = r.int32();
  const flags = r.int32();
  const elem = r.uint32();
  if (flags !== 0 && flags !== 1) throw invalidBinary("invalid array flags");
  if (elem !== elemOid && elem !== 0) {
    throw new PgError(
      SqlState.datatypeMismatch,
      `binary data has array element type ${elem} instead of expected ${elemOid}`,
    );
  }
  if (ndim === 0) {
    r.end();
    return [];
  }
  if (ndim !== 1) {
    if (ndim < 0) throw invalidBinary(`invalid number of dimensions: ${ndim}`);
    throw new PgError(SqlState.featureNotSupported, "multidimensional arrays are not supported");
  }
  const len = r.int32();
  r.int32(); // lower bound: the canonical form keeps only the elements
  if (len < 0) throw invalidBinary("invalid array dimensions");
  const items: Value[] = [];
  for (let k = 0; k < len; k++) {
    const size = r.int32();
    if (size === -1) items.push(null);
    else if (size < 0) throw invalidBinary("insufficient data left in message");
    else items.push(elementFromBinary(r.bytes(size)));
  }
  r.end();
  return items;
}
