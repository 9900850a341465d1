/**
 * JSON documents as the operators need them: a parse tree that remembers each value's source
 * text (json operators return it verbatim), and PostgreSQL's json output of SQL values.
 */
import { PgError, SqlState } from "../../common/pg-error.ts";
import { elementOf, Oid, type TypeOid } from "../../common/pg-types.ts";
import { encodeText } from "../../common/value-codec.ts";
import { quoteJson, validateJson } from "../../common/value-json.ts";
import { timestampMicros } from "../../common/value-temporal.ts";
import type { EncodeContext, Value } from "../../common/values.ts";
import { fieldsOf, isFiniteTs, offsetAt } from "./datetime-core.ts";

export type JNode =
  | { k: "null"; src: string }
  | { k: "bool"; v: boolean; src: string }
  | { k: "num"; src: string }
  | { k: "str"; v: string; src: string }
  | { k: "arr"; items: JNode[]; src: string }
  | { k: "obj"; entries: [string, JNode][]; src: string };

/** Parses text already validated by json_in/jsonb_in. */
export function parseJson(text: string): JNode {
  validateJson(text);
  let pos = 0;
  const ws = () => {
    while (pos < text.length && " \t\n\r".includes(text[pos])) pos++;
  };
  const str = (): string => {
    const start = pos;
    pos++;
    while (text[pos] !== '"') pos += text[pos] === "\\" ? 2 : 1;
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const value = (): JNode => {
    ws();
    const start = pos;
    const c = text[pos];
    if (c === "{") {
      pos++;
      const entries: [string, JNode][] = [];
      ws();
      if (text[pos] === "}") pos++;
      else
        for (;;) {
          ws();
          const key = str();
          ws();
          pos++;
          entries.push([key, value()]);
          ws();
          if (text[pos++] === "}") break;
        }
      return { k: "obj", entries, src: text.slice(start, pos) };
    }
    if (c === "[") {
      pos++;
      const items: JNode[] = [];
      ws();
      if (text[pos] === "]") pos++;
      else
        for (;;) {
          items.push(value());
          ws();
          if (text[pos++] === "]") break;
        }
      return { k: "arr", items, src: text.slice(start, pos) };
    }
    if (c === '"') {
      const v = str();
      return { k: "str", v, src: text.slice(start, pos) };
    }
    const m = /^(true|false|null|-?[0-9][0-9.eE+-]*)/.exec(text.slice(pos, pos + 400));
    const tok = m ? m[0] : "";
    pos += tok.length;
    if (tok === "true" || tok === "false") return { k: "bool", v: tok === "true", src: tok };
    if (tok === "null") return { k: "null", src: tok };
    return { k: "num", src: tok };
  };
  return value();
}

const SCALAR_PRINTS_AS_IS = new Set<TypeOid>([Oid.int2, Oid.int4, Oid.int8, Oid.oid]);

function xsdTimestamp(v: string, oid: TypeOid, ctx: EncodeContext): string {
  if (v === "infinity" || v === "-infinity") return v;
  const us = timestampMicros(v, oid === Oid.timestamptz);
  if (!isFiniteTs(us)) return v;
  const offset = oid === Oid.timestamptz ? offsetAt(ctx.timeZone, us) : 0;
  const f = fieldsOf(us + BigInt(offset) * 1_000_000n);
  const y = String(f.year > 0 ? f.year : 1 - f.year).padStart(4, "0");
  const p = (n: number) => String(n).padStart(2, "0");
  let out = `${y}-${p(f.month)}-${p(f.day)}T${p(f.hour)}:${p(f.min)}:${p(f.sec)}`;
  if (f.fsec) out += `.${String(f.fsec).padStart(6, "0").replace(/0+$/, "")}`;
  if (oid === Oid.timestamptz) {
    const sign = offset < 0 ? "-" : "+";
    const a = Math.abs(offset);
    out += `${sign}${p(Math.floor(a / 3600))}:${p(Math.floor((a % 3600) / 60))}`;
    if (a % 60) out += `:${p(a % 60)}`;
  }
  return f.year <= 0 ? `${out} BC` : out;
}

/** datum_to_json: the json text of one SQL value; `sep` between array elements. */
export function toJsonText(v: Value, oid: TypeOid, ctx: EncodeContext, arraySep = ","): string {
  if (v === null) return "null";
  const elem = elementOf(oid);
  if (elem !== 0 && Array.isArray(v))
    return `[${v.map((x) => toJsonText(x, elem, ctx, arraySep)).join(arraySep)}]`;
  switch (oid) {
    case Oid.bool:
      return v ? "true" : "false";
    case Oid.float4:
    case Oid.float8:
    case Oid.numeric: {
      const t = encodeText(v, oid, ctx);
      return /^(-?Infinity|NaN)$/.test(t) ? quoteJson(t) : t;
    }
    case Oid.json:
      return v as string;
    case Oid.jsonb:
      return v as string;
    case Oid.date:
      return quoteJson(v as string);
    case Oid.timestamp:
    case Oid.timestamptz:
      return quoteJson(xsdTimestamp(v as string, oid, ctx));
  }
  if (SCALAR_PRINTS_AS_IS.has(oid)) return encodeText(v, oid, ctx);
  return quoteJson(encodeText(v, oid, ctx));
}

export function notScalarKey(): PgError {
  return new PgError(
    SqlState.invalidParameterValue,
    "key value must be scalar, not array, composite, or json",
  );
}
