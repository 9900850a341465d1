/**
 * json and jsonb functions and operators. json values keep their text (operators return the
 * source text of the selected part); jsonb values are already normalised by jsonb_in.
 */
import { PgError, SqlState } from "../../common/pg-error.ts";
import { elementOf, Oid, type TypeOid } from "../../common/pg-types.ts";
import { encodeText } from "../../common/value-codec.ts";
import { normalizeJsonb, quoteJson } from "../../common/value-json.ts";
import { normalizeNumericText } from "../../common/value-numeric.ts";
import type { Value } from "../../common/values.ts";
import type { EvalContext } from "../row-source.ts";
import { type JNode, notScalarKey, parseJson, toJsonText } from "./json-value.ts";
import { type FunctionOverload, registerFunction, registerOperator, type Volatility } from "./registry.ts";

const ANY = 2276;
const ANYELEMENT = 2283;
const { text: T, int4: I4, json: J, jsonb: JB, bool: B, _text: TA } = Oid;

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
const def = (...a: Parameters<typeof fn>) => registerFunction(fn(...a));
const op = (...a: Parameters<typeof fn>) => registerOperator(fn(...a));

const s = (v: Value): string => v as string;

// ---------------------------------------------------------------- field access

function field(node: JNode, key: string): JNode | null {
  if (node.k !== "obj") return null;
  // with duplicate keys in json text the last one wins, as in jsonb
  for (let i = node.entries.length - 1; i >= 0; i--)
    if (node.entries[i][0] === key) return node.entries[i][1];
  return null;
}
function element(node: JNode, index: number, jsonb: boolean): JNode | null {
  // jsonb keeps a bare scalar as a one-element array, so element 0 (or -1) is the scalar itself
  if (jsonb && node.k !== "arr" && node.k !== "obj") return index === 0 || index === -1 ? node : null;
  if (node.k !== "arr") return null;
  const i = index < 0 ? node.items.length + index : index;
  return node.items[i] ?? null;
}
/** #>: in json text every object member with the key is followed and the last hit wins */
function pathGet(node: JNode, path: Value[], jsonb: boolean, from = 0): JNode | null {
  if (from === path.length) return node;
  const p = path[from];
  if (p === null) return null;
  if (node.k === "obj") {
    let hit: JNode | null = null;
    for (const [k, v] of node.entries) {
      if (k !== p) continue;
      const r = pathGet(v, path, jsonb, from + 1);
      if (r !== null) hit = r;
    }
    return hit;
  }
  const t = (p as string).trim();
  if (!/^[+-]?\d+$/.test(t)) return null;
  const next = element(node, Number(t), jsonb);
  return next === null ? null : pathGet(next, path, jsonb, from + 1);
}

/** the selected value as json/jsonb (`asText` false) or as text (->>, #>>). */
function out(node: JNode | null, jsonb: boolean, asText: boolean): Value {
  if (node === null) return null;
  if (asText) {
    if (node.k === "null") return null;
    if (node.k === "str") return node.v;
  }
  return jsonb ? normalizeJsonb(node.src) : node.src;
}

for (const [type, jsonb] of [
  [J, false],
  [JB, true],
] as const) {
  op("->", [type, T], type, (a) => out(field(parseJson(s(a[0])), s(a[1])), jsonb, false));
  op("->>", [type, T], T, (a) => out(field(parseJson(s(a[0])), s(a[1])), jsonb, true));
  op("->", [type, I4], type, (a) => out(element(parseJson(s(a[0])), a[1] as number, jsonb), jsonb, false));
  op("->>", [type, I4], T, (a) => out(element(parseJson(s(a[0])), a[1] as number, jsonb), jsonb, true));
  op("#>", [type, TA], type, (a) => out(pathGet(parseJson(s(a[0])), a[1] as Value[], jsonb), jsonb, false));
  op("#>>", [type, TA], T, (a) => out(pathGet(parseJson(s(a[0])), a[1] as Value[], jsonb), jsonb, true));
  const prefix = jsonb ? "jsonb" : "json";
  def(`${prefix}_typeof`, [type], T, (a) => typeName(parseJson(s(a[0]))));
  def(`${prefix}_array_length`, [type], I4, (a) => {
    const node = parseJson(s(a[0]));
    if (node.k === "arr") return node.items.length;
    if (node.k === "obj" || !jsonb)
      throw new PgError(
        SqlState.invalidParameterValue,
        `cannot get array length of a ${node.k === "obj" ? "non-array" : "scalar"}`,
      );
    throw new PgError(SqlState.invalidParameterValue, "cannot get array length of a scalar");
  });
}

function typeName(node: JNode): string {
  switch (node.k) {
    case "obj":
      return "object";
    case "arr":
      return "array";
    case "str":
      return "string";
    case "num":
      return "number";
    case "bool":
      return "boolean";
    case "null":
      return "null";
  }
}

// ---------------------------------------------------------------- builders

function keyText(v: Value, type: TypeOid, ctx: EvalContext, position: number): string {
  if (v === null)
    throw new PgError(SqlState.invalidParameterValue, `argument ${position} cannot be null`, {
      hint: "Object keys should be text.",
    });
  if (elementOf(type) !== 0 || type === J || type === JB) throw notScalarKey();
  // keys go through the cast to text, which spells booleans out
  if (type === Oid.bool) return v ? "true" : "false";
  return encodeText(v, type, ctx.settings);
}

function buildObject(a: Value[], ctx: EvalContext, types: TypeOid[], jsonb: boolean): string {
  if (a.length % 2 !== 0)
    throw new PgError(SqlState.invalidParameterValue, "argument list must have even number of elements", {
      hint: `The arguments of ${jsonb ? "jsonb" : "json"}_build_object() must consist of alternating keys and values.`,
    });
  const parts: string[] = [];
  for (let i = 0; i < a.length; i += 2) {
    const key = keyText(a[i], types[i], ctx, i + 1);
    parts.push(`${quoteJson(key)} : ${toJsonText(a[i + 1], types[i + 1], ctx.settings)}`);
  }
  const text = `{${parts.join(", ")}}`;
  return jsonb ? normalizeJsonb(text) : text;
}
function buildArray(a: Value[], ctx: EvalContext, types: TypeOid[], jsonb: boolean): string {
  const text = `[${a.map((v, i) => toJsonText(v, types[i], ctx.settings)).join(", ")}]`;
  return jsonb ? normalizeJsonb(text) : text;
}
const variadic = { strict: false, volatility: "stable" as Volatility, variadic: ANY };
def("json_build_object", [], J, (a, ctx, t) => buildObject(a, ctx, t, false), variadic);
def("jsonb_build_object", [], JB, (a, ctx, t) => buildObject(a, ctx, t, true), variadic);
def("json_build_array", [], J, (a, ctx, t) => buildArray(a, ctx, t, false), variadic);
def("jsonb_build_array", [], JB, (a, ctx, t) => buildArray(a, ctx, t, true), variadic);
def("to_json", [ANYELEMENT], J, (a, ctx, t) => toJsonText(a[0], t[0], ctx.settings), {
  volatility: "stable",
});
def("to_jsonb", [ANYELEMENT], JB, (a, ctx, t) => normalizeJsonb(toJsonText(a[0], t[0], ctx.settings)), {
  volatility: "stable",
});

// ---------------------------------------------------------------- jsonb existence and containment

op("?", [JB, T], B, (a) => {
  const node = parseJson(s(a[0]));
  const key = s(a[1]);
  if (node.k === "obj") return node.entries.some(([k]) => k === key);
  if (node.k === "arr") return node.items.some((x) => x.k === "str" && x.v === key);
  return node.k === "str" && node.v === key;
});
op("?|", [JB, TA], B, (a) => {
  const node = parseJson(s(a[0]));
  return (a[1] as Value[]).some((k) => k !== null && has(node, k as string));
});
op("?&", [JB, TA], B, (a) => {
  const node = parseJson(s(a[0]));
  return (a[1] as Value[]).every((k) => k === null || has(node, k as string));
});
function has(node: JNode, key: string): boolean {
  if (node.k === "obj") return node.entries.some(([k]) => k === key);
  if (node.k === "arr") return node.items.some((x) => x.k === "str" && x.v === key);
  return node.k === "str" && node.v === key;
}

function scalarEqual(a: JNode, b: JNode): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case "str":
      return a.v === (b as typeof a).v;
    case "num":
      return normalizeNumericText(a.src) === normalizeNumericText(b.src) || Number(a.src) === Number(b.src);
    case "bool":
      return a.v === (b as typeof a).v;
    default:
      return true;
  }
}

/** JsonbDeepContains */
function contains(a: JNode, b: JNode, top: boolean): boolean {
  if (a.k === "obj") {
    if (b.k !== "obj") return false;
    return b.entries.every(([k, bv]) => {
      const av = field(a, k);
      if (av === null) return false;
      if (av.k === "obj" || av.k === "arr") return av.k === bv.k && contains(av, bv, false);
      return scalarEqual(av, bv);
    });
  }
  if (a.k === "arr") {
    // a top-level array contains a bare scalar that is one of its elements
    if (b.k !== "arr") return top && b.k !== "obj" && a.items.some((x) => scalarEqual(x, b));
    return b.items.every((bv) =>
      a.items.some((av) =>
        bv.k === "obj" || bv.k === "arr" ? av.k === bv.k && contains(av, bv, false) : scalarEqual(av, bv),
      ),
    );
  }
  if (b.k === "obj" || b.k === "arr") return false;
  return scalarEqual(a, b);
}
op("@>", [JB, JB], B, (a) => contains(parseJson(s(a[0])), parseJson(s(a[1])), true));
op("<@", [JB, JB], B, (a) => contains(parseJson(s(a[1])), parseJson(s(a[0])), true));
