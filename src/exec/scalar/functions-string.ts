/**
 * String functions and operators with PostgreSQL's signatures (pg_proc) and semantics.
 * Lengths and positions count characters (code points), as PostgreSQL does in UTF-8.
 */
import { createHash } from "node:crypto";
import { PgError, SqlState } from "../../common/pg-error.ts";
import { Oid, type TypeOid } from "../../common/pg-types.ts";
import { encodeText } from "../../common/value-codec.ts";
import type { Value } from "../../common/values.ts";
import type { EvalContext } from "../row-source.ts";
import { type FunctionOverload, registerFunction, registerOperator, type Volatility } from "./registry.ts";
import { pgInitcap, pgLower, pgUpper } from "./string-case.ts";
import {
  likeEscape,
  likeMatch,
  parseRegexFlags,
  regexMatch,
  regexReplace,
  regexTest,
} from "./string-pattern.ts";
import { pgFormat, quoteIdent, quoteLiteral } from "./string-quote.ts";

/** the pseudo-type "any" of concat, format, json_build_object … */
export const ANY = 2276;
const ANYNONARRAY = 2776;
const T = Oid.text;
const I4 = Oid.int4;

const utf8 = new TextEncoder();

function chars(s: string): string[] {
  return [...s];
}
const ASCII = /^[\x00-\x7f]*$/;
function charLength(s: string): number {
  if (ASCII.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function fn(
  name: string,
  args: TypeOid[],
  returns: TypeOid,
  impl: (a: Value[], ctx: EvalContext, types: TypeOid[]) => Value,
  extra: { strict?: boolean; volatility?: Volatility; variadic?: TypeOid } = {},
): FunctionOverload {
  const o: FunctionOverload = {
    name,
    args,
    returns,
    strict: extra.strict ?? true,
    volatility: extra.volatility ?? "immutable",
    impl,
  };
  if (extra.variadic !== undefined) o.variadic = extra.variadic;
  return o;
}
function def(...a: Parameters<typeof fn>): void {
  registerFunction(fn(...a));
}
function op(...a: Parameters<typeof fn>): void {
  registerOperator(fn(...a));
}

const s = (v: Value): string => v as string;
const n = (v: Value): number => v as number;

/** The text a value of any type contributes to concat/format/||: its output function. */
export function valueText(v: Value, type: TypeOid, ctx: EvalContext): string {
  if (typeof v === "string" && (type === T || type === Oid.varchar || type === Oid.unknown)) return v;
  return encodeText(v, type, ctx.settings);
}

// ---------------------------------------------------------------- case, length

def("lower", [T], T, (a) => pgLower(s(a[0])));
def("upper", [T], T, (a) => pgUpper(s(a[0])));
def("initcap", [T], T, (a) => pgInitcap(s(a[0])));
for (const name of ["length", "char_length", "character_length"]) {
  def(name, [T], I4, (a) => charLength(s(a[0])));
  def(name, [Oid.bpchar], I4, (a) => charLength(s(a[0]).replace(/ +$/, "")));
}
def("length", [Oid.bytea], I4, (a) => (a[0] as Uint8Array).length);
def("octet_length", [T], I4, (a) => utf8.encode(s(a[0])).length);
def("octet_length", [Oid.bpchar], I4, (a) => utf8.encode(s(a[0])).length);
def("octet_length", [Oid.bytea], I4, (a) => (a[0] as Uint8Array).length);

// ---------------------------------------------------------------- substrings

function substring(str: string, start: number, count: number | null): string {
  if (count !== null && count < 0) throw new PgError("22011", "negative substring length not allowed");
  const cs = chars(str);
  const from = Math.max(start, 1);
  const end = count === null ? cs.length + 1 : start + count;
  if (end <= from) return "";
  return cs.slice(from - 1, end - 1).join("");
}
for (const name of ["substring", "substr"]) {
  def(name, [T, I4, I4], T, (a) => substring(s(a[0]), n(a[1]), n(a[2])));
  def(name, [T, I4], T, (a) => substring(s(a[0]), n(a[1]), null));
}
/** substring(text FROM pattern): the first parenthesised group, or the whole match */
def("substring", [T, T], T, (a) => {
  const m = regexMatch(s(a[0]), s(a[1]), { global: false, caseInsensitive: false });
  return m === null ? null : m[0];
});

function strpos(str: string, sub: string): number {
  const at = str.indexOf(sub);
  if (at < 0) return 0;
  return charLength(str.slice(0, at)) + 1;
}
def("strpos", [T, T], I4, (a) => strpos(s(a[0]), s(a[1])));
def("position", [T, T], I4, (a) => strpos(s(a[0]), s(a[1])));

def("left", [T, I4], T, (a) => {
  const cs = chars(s(a[0]));
  const k = n(a[1]);
  return (k >= 0 ? cs.slice(0, k) : cs.slice(0, Math.max(0, cs.length + k))).join("");
});
def("right", [T, I4], T, (a) => {
  const cs = chars(s(a[0]));
  const k = n(a[1]);
  return (k >= 0 ? cs.slice(Math.max(0, cs.length - k)) : cs.slice(Math.min(cs.length, -k))).join("");
});

function splitPart(str: string, delim: string, field: number): string {
  if (field === 0) throw new PgError(SqlState.invalidParameterValue, "field position must not be zero");
  if (str === "") return "";
  const parts = delim === "" ? [str] : str.split(delim);
  const idx = field > 0 ? field - 1 : parts.length + field;
  return parts[idx] ?? "";
}
def("split_part", [T, T, I4], T, (a) => splitPart(s(a[0]), s(a[1]), n(a[2])));
def("starts_with", [T, T], Oid.bool, (a) => s(a[0]).startsWith(s(a[1])));

// ---------------------------------------------------------------- trimming, padding

function trim(str: string, set: string, leading: boolean, trailing: boolean): string {
  const cs = chars(str);
  const drop = new Set(chars(set));
  let from = 0;
  let to = cs.length;
  if (leading) while (from < to && drop.has(cs[from])) from++;
  if (trailing) while (to > from && drop.has(cs[to - 1])) to--;
  return cs.slice(from, to).join("");
}
for (const [name, l, r] of [
  ["btrim", true, true],
  ["ltrim", true, false],
  ["rtrim", false, true],
] as const) {
  def(name, [T], T, (a) => trim(s(a[0]), " ", l, r));
  def(name, [T, T], T, (a) => trim(s(a[0]), s(a[1]), l, r));
}

const MAX_ALLOC = 0x3fffffff;
function tooLarge(): PgError {
  return new PgError("54000", "requested length too large");
}

function pad(str: string, len: number, fill: string, left: boolean): string {
  if (len <= 0) return "";
  const cs = chars(str);
  if (cs.length >= len) return cs.slice(0, len).join("");
  const fs = chars(fill);
  if (fs.length === 0) return str;
  if (len * 4 > MAX_ALLOC) throw tooLarge();
  let padding = "";
  for (let i = 0; i < len - cs.length; i++) padding += fs[i % fs.length];
  return left ? padding + str : str + padding;
}
def("lpad", [T, I4, T], T, (a) => pad(s(a[0]), n(a[1]), s(a[2]), true));
def("lpad", [T, I4], T, (a) => pad(s(a[0]), n(a[1]), " ", true));
def("rpad", [T, I4, T], T, (a) => pad(s(a[0]), n(a[1]), s(a[2]), false));
def("rpad", [T, I4], T, (a) => pad(s(a[0]), n(a[1]), " ", false));

def("repeat", [T, I4], T, (a) => {
  const k = n(a[1]);
  if (k <= 0) return "";
  if (utf8.encode(s(a[0])).length * k > MAX_ALLOC) throw tooLarge();
  return s(a[0]).repeat(k);
});
def("reverse", [T], T, (a) => chars(s(a[0])).reverse().join(""));
def("replace", [T, T, T], T, (a) => (s(a[1]) === "" ? s(a[0]) : s(a[0]).replaceAll(s(a[1]), s(a[2]))));

def("translate", [T, T, T], T, (a) => {
  const from = chars(s(a[1]));
  const to = chars(s(a[2]));
  const map = new Map<string, string>();
  from.forEach((c, i) => {
    if (!map.has(c)) map.set(c, to[i] ?? "");
  });
  let out = "";
  for (const c of s(a[0])) out += map.get(c) ?? c;
  return out;
});

// ---------------------------------------------------------------- concatenation

def(
  "concat",
  [],
  T,
  (a, ctx, types) => {
    let out = "";
    a.forEach((v, i) => {
      if (v !== null) out += valueText(v, types[i], ctx);
    });
    return out;
  },
  { strict: false, volatility: "stable", variadic: ANY },
);
def(
  "concat_ws",
  [T],
  T,
  (a, ctx, types) => {
    if (a[0] === null) return null;
    const parts: string[] = [];
    for (let i = 1; i < a.length; i++) if (a[i] !== null) parts.push(valueText(a[i], types[i], ctx));
    return parts.join(s(a[0]));
  },
  { strict: false, volatility: "stable", variadic: ANY },
);

op("||", [T, T], T, (a) => s(a[0]) + s(a[1]));
/** anytextcat casts to text: the output function, except bool's cast which spells true/false */
function castText(v: Value, type: TypeOid, ctx: EvalContext): string {
  return type === Oid.bool ? (v ? "true" : "false") : valueText(v, type, ctx);
}
op("||", [ANYNONARRAY, T], T, (a, ctx, types) => castText(a[0], types[0], ctx) + s(a[1]), {
  volatility: "stable",
});
op("||", [T, ANYNONARRAY], T, (a, ctx, types) => s(a[0]) + castText(a[1], types[1], ctx), {
  volatility: "stable",
});
op("||", [Oid.bytea, Oid.bytea], Oid.bytea, (a) => {
  const x = a[0] as Uint8Array;
  const y = a[1] as Uint8Array;
  const out = new Uint8Array(x.length + y.length);
  out.set(x);
  out.set(y, x.length);
  return out;
});

// ---------------------------------------------------------------- codes and hashes

def("md5", [T], T, (a) => createHash("md5").update(s(a[0]), "utf8").digest("hex"));
def("md5", [Oid.bytea], T, (a) =>
  createHash("md5")
    .update(a[0] as Uint8Array)
    .digest("hex"),
);
def("to_hex", [I4], T, (a) => (n(a[0]) >>> 0).toString(16));
def("to_hex", [Oid.int8], T, (a) => BigInt.asUintN(64, a[0] as bigint).toString(16));
def("chr", [I4], T, (a) => {
  const cp = n(a[0]);
  if (cp === 0) throw new PgError("54000", "null character not permitted");
  if (cp < 0) throw new PgError("54000", "character number must be positive");
  if (cp > 0x10ffff) throw new PgError("54000", `requested character too large for encoding: ${cp}`);
  if (cp >= 0xd800 && cp <= 0xdfff)
    throw new PgError("54000", `requested character not valid for encoding: ${cp}`);
  return String.fromCodePoint(cp);
});
def("ascii", [T], I4, (a) => s(a[0]).codePointAt(0) ?? 0);

// ---------------------------------------------------------------- quoting and format

def("quote_ident", [T], T, (a) => quoteIdent(s(a[0])));
def("quote_literal", [T], T, (a) => quoteLiteral(s(a[0])));
def("quote_nullable", [T], T, (a) => (a[0] === null ? "NULL" : quoteLiteral(s(a[0]))), { strict: false });
function format(a: Value[], ctx: EvalContext, types: TypeOid[]): Value {
  if (a[0] === null) return null;
  const texts = a.slice(1).map((v, i) => (v === null ? null : valueText(v, types[i + 1], ctx)));
  return pgFormat(s(a[0]), texts);
}
def("format", [T], T, format, { strict: false, volatility: "stable" });
def("format", [T], T, format, { strict: false, volatility: "stable", variadic: ANY });

// ---------------------------------------------------------------- patterns

op("~~", [T, T], Oid.bool, (a) => likeMatch(s(a[0]), s(a[1]), false));
op("!~~", [T, T], Oid.bool, (a) => !likeMatch(s(a[0]), s(a[1]), false));
op("~~*", [T, T], Oid.bool, (a) => likeMatch(s(a[0]), s(a[1]), true));
op("!~~*", [T, T], Oid.bool, (a) => !likeMatch(s(a[0]), s(a[1]), true));
def("like_escape", [T, T], T, (a) => likeEscape(s(a[0]), s(a[1])));
def("textlike", [T, T], Oid.bool, (a) => likeMatch(s(a[0]), s(a[1]), false));
def("texticlike", [T, T], Oid.bool, (a) => likeMatch(s(a[0]), s(a[1]), true));

op("~", [T, T], Oid.bool, (a) => regexTest(s(a[0]), s(a[1]), false));
op("!~", [T, T], Oid.bool, (a) => !regexTest(s(a[0]), s(a[1]), false));
op("~*", [T, T], Oid.bool, (a) => regexTest(s(a[0]), s(a[1]), true));
op("!~*", [T, T], Oid.bool, (a) => !regexTest(s(a[0]), s(a[1]), true));

def("regexp_replace", [T, T, T], T, (a) =>
  regexReplace(s(a[0]), s(a[1]), s(a[2]), { global: false, caseInsensitive: false }),
);
def("regexp_replace", [T, T, T, T], T, (a) =>
  regexReplace(s(a[0]), s(a[1]), s(a[2]), parseRegexFlags(s(a[3]), "regexp_replace", true)),
);
def("regexp_match", [T, T], Oid._text, (a) =>
  regexMatch(s(a[0]), s(a[1]), { global: false, caseInsensitive: false }),
);
def("regexp_match", [T, T, T], Oid._text, (a) =>
  regexMatch(s(a[0]), s(a[1]), parseRegexFlags(s(a[2]), "regexp_match", false)),
);
def("regexp_like", [T, T], Oid.bool, (a) => regexTest(s(a[0]), s(a[1]), false));
