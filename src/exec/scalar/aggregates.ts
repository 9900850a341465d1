/**
 * Aggregates with PostgreSQL's overloads, result types and numeric scales: count,
 * sum, avg, min/max, bool_and/bool_or/every, string_agg, array_agg, json_agg,
 * jsonb_agg and the variance/stddev family (the WITHIN GROUP ones register from
 * aggregates-ordered-set.ts). DISTINCT and FILTER belong to the aggregate operator.
 */
import { PgError } from "../../common/pg-error.ts";
import { arrayOf, elementOf, Oid, type TypeOid } from "../../common/pg-types.ts";
import { normalizeJsonb } from "../../common/value-json.ts";
import type { PgInterval, Value } from "../../common/values.ts";
import type { EvalContext } from "../row-source.ts";
import { valueToJson } from "./aggregates-json.ts";
import "./aggregates-ordered-set.ts";
import { compareValues } from "./compare.ts";
import * as dec from "./numeric.ts";
import { checkFloat4, checkFloat8, checkInt8, rint } from "./numeric-limits.ts";
import { type AggregateOverload, registerAggregate } from "./registry.ts";
import { specializeAggregate } from "./resolve.ts";

const ANY = 2276;
const ANYELEMENT = 2283;
const ANYARRAY = 2277;
const ANYNONARRAY = 2776;

function agg<S>(o: {
  name: string;
  args: TypeOid[];
  returns: AggregateOverload["returns"];
  strict?: boolean;
  init: () => S;
  step: (s: S, args: Value[], ctx: EvalContext) => S;
  final: (s: S, ctx: EvalContext) => Value;
  combine?: (a: S, b: S) => S;
}): void {
  registerAggregate({
    name: o.name,
    args: o.args,
    returns: o.returns,
    strict: o.strict ?? true,
    init: o.init,
    step: o.step as AggregateOverload["step"],
    final: o.final as AggregateOverload["final"],
    combine: o.combine as AggregateOverload["combine"],
  });
}

// ---------------------------------------------------------------- count

agg<bigint>({
  name: "count",
  args: [],
  returns: Oid.int8,
  strict: false,
  init: () => 0n,
  step: (s) => s + 1n,
  final: (s) => s,
  combine: (a, b) => a + b,
});
agg<bigint>({
  name: "count",
  args: [ANY],
  returns: Oid.int8,
  init: () => 0n,
  step: (s) => s + 1n,
  final: (s) => s,
  combine: (a, b) => a + b,
});

// ---------------------------------------------------------------- sum and avg

interface BigSum {
  sum: bigint;
  n: bigint;
}
for (const t of [Oid.int2, Oid.int4]) {
  agg<BigSum>({
    name: "sum",
    args: [t],
    returns: Oid.int8,
    init: () => ({ sum: 0n, n: 0n }),
    step: (s, [v]) => ({ sum: checkInt8(s.sum + BigInt(v as number)), n: s.n + 1n }),
    final: (s) => (s.n === 0n ? null : s.sum),
    combine: (a, b) => ({ sum: checkInt8(a.sum + b.sum), n: a.n + b.n }),
  });
}
agg<BigSum>({
  name: "sum",
  args: [Oid.int8],
  returns: Oid.numeric,
  init: () => ({ sum: 0n, n: 0n }),
  step: (s, [v]) => ({ sum: s.sum + (v as bigint), n: s.n + 1n }),
  final: (s) => (s.n === 0n ? null : s.sum.toString()),
  combine: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
});
for (const t of [Oid.int2, Oid.int4, Oid.int8]) {
  agg<BigSum>({
    name: "avg",
    args: [t],
    returns: Oid.numeric,
    init: () => ({ sum: 0n, n: 0n }),
    step: (s, [v]) => ({ sum: s.sum + BigInt(v as number | bigint), n: s.n + 1n }),
    final: (s) => (s.n === 0n ? null : dec.formatDecimal(dec.div({ v: s.sum, s: 0 }, { v: s.n, s: 0 }))),
    combine: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
  });
}

interface NumSum {
  sum: dec.Decimal;
  n: bigint;
}
const numSum = (): NumSum => ({ sum: { v: 0n, s: 0 }, n: 0n });
const numStep = (s: NumSum, [v]: Value[]): NumSum => {
  s.sum = dec.add(s.sum, dec.parseDecimal(v as string));
  s.n += 1n;
  return s;
};
const numCombine = (a: NumSum, b: NumSum): NumSum => ({ sum: dec.add(a.sum, b.sum), n: a.n + b.n });
agg<NumSum>({
  name: "sum",
  args: [Oid.numeric],
  returns: Oid.numeric,
  init: numSum,
  step: numStep,
  final: (s) => (s.n === 0n ? null : dec.formatDecimal(s.sum)),
  combine: numCombine,
});
agg<NumSum>({
  name: "avg",
  args: [Oid.numeric],
  returns: Oid.numeric,
  init: numSum,
  step: numStep,
  final: (s) => (s.n === 0n ? null : dec.formatDecimal(dec.div(s.sum, { v: s.n, s: 0 }))),
  combine: numCombine,
});

interface FloatSum {
  sum: number;
  n: number;
}
for (const t of [Oid.float4, Oid.float8]) {
  const check = t === Oid.float4 ? checkFloat4 : checkFloat8;
  const inf = (x: number) => !Number.isFinite(x) && !Number.isNaN(x);
  agg<FloatSum>({
    name: "sum",
    args: [t],
    returns: t,
    init: () => ({ sum: 0, n: 0 }),
    step: (s, [v]) => {
      const x = v as number;
      return { sum: check(s.sum + x, inf(s.sum) || inf(x), true), n: s.n + 1 };
    },
    final: (s) => (s.n === 0 ? null : s.sum),
    combine: (a, b) => ({ sum: check(a.sum + b.sum, inf(a.sum) || inf(b.sum), true), n: a.n + b.n }),
  });
}

// ---------------------------------------------------------------- variance family

/** float8_accum: Youngs-Cramer running N, Sx, Sxx. */
interface FloatVar {
  n: number;
  sx: number;
  sxx: number;
}
function floatVarStep(s: FloatVar, x: number): FloatVar {
  const n = s.n + 1;
  const sx = s.sx + x;
  let sxx = s.sxx;
  if (s.n > 0) {
    const tmp = x * n - sx;
    sxx += (tmp * tmp) / (n * s.n);
    if (!Number.isFinite(sx) || !Number.isFinite(sxx)) {
      if (Number.isFinite(s.sx) && Number.isFinite(x) && !Number.isNaN(sx) && !Number.isNaN(sxx))
        throw new PgError("22003", "value out of range: overflow");
      sxx = Number.NaN;
    }
  } else if (!Number.isFinite(x)) sxx = Number.NaN;
  return { n, sx, sxx };
}
/** float8_combine (Youngs-Cramer merge). */
function floatVarCombine(a: FloatVar, b: FloatVar): FloatVar {
  if (a.n === 0) return b;
  if (b.n === 0) return a;
  const n = a.n + b.n;
  const sx = a.sx + b.sx;
  const tmp = a.sx / a.n - b.sx / b.n;
  return { n, sx, sxx: a.sxx + b.sxx + (a.n * b.n * tmp * tmp) / n };
}

for (const t of [Oid.float4, Oid.float8]) {
  agg<FloatVar>({
    name: "avg",
    args: [t],
    returns: Oid.float8,
    init: () => ({ n: 0, sx: 0, sxx: 0 }),
    step: (s, [v]) => floatVarStep(s, v as number),
    final: (s) => (s.n === 0 ? null : s.sx / s.n),
    combine: floatVarCombine,
  });
}

// interval sum and avg (interval_pl, interval_div)
interface IntervalSum {
  months: number;
  days: number;
  micros: bigint;
  n: number;
}
const intervalStep = (s: IntervalSum, [v]: Value[]): IntervalSum => {
  const iv = v as PgInterval;
  return { months: s.months + iv.months, days: s.days + iv.days, micros: s.micros + iv.micros, n: s.n + 1 };
};
const intervalCombine = (a: IntervalSum, b: IntervalSum): IntervalSum => ({
  months: a.months + b.months,
  days: a.days + b.days,
  micros: a.micros + b.micros,
  n: a.n + b.n,
});
agg<IntervalSum>({
  name: "sum",
  args: [Oid.interval],
  returns: Oid.interval,
  init: () => ({ months: 0, days: 0, micros: 0n, n: 0 }),
  step: intervalStep,
  final: (s): Value => (s.n === 0 ? null : { months: s.months, days: s.days, micros: s.micros }),
  combine: intervalCombine,
});
agg<IntervalSum>({
  name: "avg",
  args: [Oid.interval],
  returns: Oid.interval,
  init: () => ({ months: 0, days: 0, micros: 0n, n: 0 }),
  step: intervalStep,
  final: (s): Value => (s.n === 0 ? null : intervalDiv(s, s.n)),
  combine: intervalCombine,
});

/** interval_div of PostgreSQL 15: fractional months cascade into days, fractional days into time. */
function intervalDiv(span: { months: number; days: number; micros: bigint }, factor: number): PgInterval {
  const tsround = (x: number) => Math.round(x * 1e6) / 1e6;
  const month = Math.trunc(span.months / factor);
  let day = Math.trunc(span.days / factor);
  const monthRemainderDays = tsround((span.months / factor - month) * 30);
  let secRemainder = tsround(
    (span.days / factor - day + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400,
  );
  if (Math.abs(secRemainder) >= 86400) {
    day += Math.trunc(secRemainder / 86400);
    secRemainder -= Math.trunc(secRemainder / 86400) * 86400;
  }
  day += Math.trunc(monthRemainderDays);
  const time = Number(span.micros) / factor + secRemainder * 1e6;
  return { months: month, days: day, micros: BigInt(rint(time)) };
}

interface NumVar {
  n: bigint;
  sx: dec.Decimal;
  sxx: dec.Decimal;
}

const VAR_KINDS = [
  { names: ["var_samp", "variance"], sample: true, sqrt: false },
  { names: ["var_pop"], sample: false, sqrt: false },
  { names: ["stddev_samp", "stddev"], sample: true, sqrt: true },
  { names: ["stddev_pop"], sample: false, sqrt: true },
];

for (const kind of VAR_KINDS) {
  for (const name of kind.names) {
    for (const t of [Oid.float4, Oid.float8]) {
      agg<FloatVar>({
        name,
        args: [t],
        returns: Oid.float8,
        init: () => ({ n: 0, sx: 0, sxx: 0 }),
        step: (s, [v]) => floatVarStep(s, v as number),
        final: (s) => {
          if (s.n === 0 || (kind.sample && s.n === 1)) return null;
          const r = s.sxx / (kind.sample ? s.n - 1 : s.n);
          return kind.sqrt ? Math.sqrt(r) : r;
        },
        combine: floatVarCombine,
      });
    }
    for (const t of [Oid.int2, Oid.int4, Oid.int8, Oid.numeric]) {
      agg<NumVar>({
        name,
        args: [t],
        returns: Oid.numeric,
        init: () => ({ n: 0n, sx: { v: 0n, s: 0 }, sxx: { v: 0n, s: 0 } }),
        step: (s, [v]) => {
          const x = t === Oid.numeric ? dec.parseDecimal(v as string) : dec.parseDecimal(String(v));
          s.n += 1n;
          s.sx = dec.add(s.sx, x);
          s.sxx = dec.add(s.sxx, dec.mul(x, x));
          return s;
        },
        final: (s) => numericVariance(s, kind.sample, kind.sqrt),
        combine: (a, b) => ({ n: a.n + b.n, sx: dec.add(a.sx, b.sx), sxx: dec.add(a.sxx, b.sxx) }),
      });
    }
  }
}

/** numeric_stddev_internal. */
function numericVariance(s: NumVar, sample: boolean, sqrt: boolean): Value {
  if (s.n === 0n || (sample && s.n === 1n)) return null;
  if (!dec.isFiniteDecimal(s.sx) || !dec.isFiniteDecimal(s.sxx)) return "NaN";
  const n = { v: s.n, s: 0 };
  const rscale = s.sx.s * 2;
  const sx2 = dec.rescale(dec.mul(s.sx, s.sx) as { v: bigint; s: number }, rscale);
  const nsxx = dec.rescale(dec.mul(n, s.sxx) as { v: bigint; s: number }, rscale);
  const numerator = dec.sub(nsxx, sx2) as { v: bigint; s: number };
  if (numerator.v <= 0n) return "0";
  const denominator = { v: sample ? s.n * (s.n - 1n) : s.n * s.n, s: 0 };
  const scale = dec.selectDivScale(numerator, denominator);
  const variance = dec.divFinite(numerator, denominator);
  return dec.formatDecimal(sqrt ? dec.sqrtAt(variance, scale) : variance);
}

// ---------------------------------------------------------------- min and max

const ORDERED = [
  Oid.int2,
  Oid.int4,
  Oid.int8,
  Oid.oid,
  Oid.float4,
  Oid.float8,
  Oid.numeric,
  Oid.text,
  Oid.bpchar,
  Oid.date,
  Oid.time,
  Oid.timestamp,
  Oid.timestamptz,
  Oid.interval,
  ANYARRAY,
];
interface Extreme {
  has: boolean;
  v: Value;
}
function extreme(name: string, arg: TypeOid, compareAs: TypeOid, sign: number): AggregateOverload {
  const better = (a: Value, b: Value) => compareValues(a, b, compareAs) * sign > 0;
  return {
    name,
    args: [arg],
    returns: arg === ANYARRAY ? (argTypes) => argTypes[0] : arg,
    strict: true,
    init: () => ({ has: false, v: null }),
    step: (state, [v]) => {
      const s = state as Extreme;
      if (!s.has || better(v, s.v)) return { has: true, v };
      return s;
    },
    final: (state) => ((state as Extreme).has ? (state as Extreme).v : null),
    combine: (x, y) => {
      const a = x as Extreme;
      const b = y as Extreme;
      return !a.has ? b : !b.has ? a : better(b.v, a.v) ? b : a;
    },
  };
}
for (const t of ORDERED) {
  for (const [name, sign] of [
    ["min", -1],
    ["max", 1],
  ] as const) {
    const template = extreme(name, t, t, sign);
    registerAggregate(template);
    // anyarray compares element-wise by the element type of the actual argument
    if (t === ANYARRAY)
      specializeAggregate(template, (argTypes) => extreme(name, ANYARRAY, argTypes[0], sign));
  }
}

// ---------------------------------------------------------------- booleans

for (const [name, isAnd] of [
  ["bool_and", true],
  ["every", true],
  ["bool_or", false],
] as const) {
  agg<boolean | null>({
    name,
    args: [Oid.bool],
    returns: Oid.bool,
    init: () => null,
    step: (s, [v]) => (s === null ? (v as boolean) : isAnd ? s && (v as boolean) : s || (v as boolean)),
    final: (s) => s,
    combine: (a, b) => (a === null ? b : b === null ? a : isAnd ? a && b : a || b),
  });
}

// ---------------------------------------------------------------- string_agg, array_agg, json_agg

interface Parts {
  parts: string[];
  seps: string[];
}
agg<Parts>({
  name: "string_agg",
  args: [Oid.text, Oid.text],
  returns: Oid.text,
  strict: false,
  init: () => ({ parts: [], seps: [] }),
  step: (s, [v, sep]) => {
    if (v === null) return s;
    s.seps.push((sep as string | null) ?? "");
    s.parts.push(v as string);
    return s;
  },
  // the first value's delimiter is not printed
  final: (s) => {
    if (s.parts.length === 0) return null;
    let out = s.parts[0];
    for (let i = 1; i < s.parts.length; i++) out += s.seps[i] + s.parts[i];
    return out;
  },
});
agg<{ parts: Uint8Array[]; seps: Uint8Array[] }>({
  name: "string_agg",
  args: [Oid.bytea, Oid.bytea],
  returns: Oid.bytea,
  strict: false,
  init: () => ({ parts: [], seps: [] }),
  step: (s, [v, sep]) => {
    if (v === null) return s;
    s.seps.push((sep as Uint8Array | null) ?? new Uint8Array());
    s.parts.push(v as Uint8Array);
    return s;
  },
  final: (s) => {
    if (s.parts.length === 0) return null;
    const chunks: Uint8Array[] = [s.parts[0]];
    for (let i = 1; i < s.parts.length; i++) chunks.push(s.seps[i], s.parts[i]);
    return new Uint8Array(Buffer.concat(chunks));
  },
});

agg<{ items: Value[] | null }>({
  name: "array_agg",
  args: [ANYNONARRAY],
  returns: (argTypes) => arrayOf(argTypes[0]),
  strict: false,
  init: () => ({ items: null }),
  step: (s, [v]) => {
    if (s.items === null) s.items = [];
    s.items.push(v);
    return s;
  },
  final: (s) => s.items,
  combine: (a, b) => ({
    items: a.items === null ? b.items : b.items === null ? a.items : [...a.items, ...b.items],
  }),
});

/** json_agg/jsonb_agg render elements by the argument's type: specialised per call by the resolver. */
for (const name of ["json_agg", "jsonb_agg"] as const) {
  const template: AggregateOverload = { ...jsonAggregate(name, Oid.text), args: [ANYELEMENT] };
  registerAggregate(template);
  specializeAggregate(template, (argTypes) => jsonAggregate(name, argTypes[0]));
}

/**
 * json_agg/jsonb_agg for an argument of type `oid`: the overload the aggregate
 * operator should use (the element rendering depends on the argument type).
 */
export function jsonAggregate(name: "json_agg" | "jsonb_agg", oid: TypeOid): AggregateOverload {
  const jsonb = name === "jsonb_agg";
  return {
    name,
    args: [oid],
    returns: jsonb ? Oid.jsonb : Oid.json,
    strict: false,
    init: () => [] as string[],
    step: (s, [v], ctx) => {
      (s as string[]).push(valueToJson(v, oid, ctx.settings));
      return s;
    },
    final: (s) => {
      const items = s as string[];
      if (items.length === 0) return null;
      // json_agg puts array (and composite) elements on their own lines
      const text = `[${items.join(elementOf(oid) !== 0 && !jsonb ? ", \n " : ", ")}]`;
      return jsonb ? normalizeJsonb(text) : text;
    },
    combine: (a, b) => [...(a as string[]), ...(b as string[])],
  };
}
