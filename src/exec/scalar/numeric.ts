/**
 * Exact decimal arithmetic over canonical numeric text with PostgreSQL's result
 * scales (numeric.c): a finite value is a scaled bigint, v / 10^s, where s is the
 * display scale Postgres would keep.
 */
import { PgError, SqlState } from "../../common/pg-error.ts";

export type Decimal = { v: bigint; s: number } | "NaN" | "Infinity" | "-Infinity";
type Finite = { v: bigint; s: number };

const NUMERIC_MIN_SIG_DIGITS = 16;
const NUMERIC_MAX_DISPLAY_SCALE = 1000;
const NUMERIC_MAX_RESULT_SCALE = 2000;

const POW10: bigint[] = [1n];
export function pow10(n: number): bigint {
  for (let i = POW10.length; i <= n; i++) POW10.push(POW10[i - 1] * 10n);
  return POW10[n];
}

export function isFiniteDecimal(d: Decimal): d is Finite {
  return typeof d === "object";
}

export function parseDecimal(text: string): Decimal {
  if (text === "NaN" || text === "Infinity" || text === "-Infinity") return text;
  const neg = text.startsWith("-");
  const body = neg ? text.slice(1) : text;
  const dot = body.indexOf(".");
  const digits = dot < 0 ? body : body.slice(0, dot) + body.slice(dot + 1);
  const v = BigInt(digits);
  return { v: neg ? -v : v, s: dot < 0 ? 0 : body.length - dot - 1 };
}

export function formatDecimal(d: Decimal): string {
  if (!isFiniteDecimal(d)) return d;
  const neg = d.v < 0n;
  let digits = (neg ? -d.v : d.v).toString();
  if (d.s > 0) {
    digits = digits.padStart(d.s + 1, "0");
    digits = `${digits.slice(0, digits.length - d.s)}.${digits.slice(digits.length - d.s)}`;
  }
  return neg ? `-${digits}` : digits;
}

/** v rescaled to scale s, rounding half away from zero when digits are dropped. */
export function rescale(d: Finite, s: number): Finite {
  if (s >= d.s) return { v: d.v * pow10(s - d.s), s };
  return { v: divRound(d.v, pow10(d.s - s)), s };
}

function truncTo(d: Finite, s: number): Finite {
  if (s >= d.s) return { v: d.v * pow10(s - d.s), s };
  return { v: d.v / pow10(d.s - s), s };
}

/** a / b rounded half away from zero. */
export function divRound(a: bigint, b: bigint): bigint {
  let q = a / b;
  const r = a % b;
  const twice = (r < 0n ? -r : r) * 2n;
  const bAbs = b < 0n ? -b : b;
  if (twice >= bAbs) q += a < 0n !== b < 0n ? -1n : 1n;
  return q;
}

function sign(d: Decimal): number {
  if (d === "NaN") return Number.NaN;
  if (d === "Infinity") return 1;
  if (d === "-Infinity") return -1;
  return d.v === 0n ? 0 : d.v < 0n ? -1 : 1;
}

function inf(positive: boolean): Decimal {
  return positive ? "Infinity" : "-Infinity";
}

export function divisionByZero(): PgError {
  return new PgError(SqlState.divisionByZero, "division by zero");
}

export function add(a: Decimal, b: Decimal): Decimal {
  if (a === "NaN" || b === "NaN") return "NaN";
  if (!isFiniteDecimal(a)) return !isFiniteDecimal(b) && b !== a ? "NaN" : a;
  if (!isFiniteDecimal(b)) return b;
  const s = Math.max(a.s, b.s);
  return { v: rescale(a, s).v + rescale(b, s).v, s };
}

export function negate(a: Decimal): Decimal {
  if (a === "NaN") return a;
  if (a === "Infinity") return "-Infinity";
  if (a === "-Infinity") return "Infinity";
  return { v: -a.v, s: a.s };
}

export function sub(a: Decimal, b: Decimal): Decimal {
  return add(a, negate(b));
}

export function mul(a: Decimal, b: Decimal): Decimal {
  if (a === "NaN" || b === "NaN") return "NaN";
  if (!isFiniteDecimal(a) || !isFiniteDecimal(b)) {
    const p = sign(a) * sign(b);
    return p === 0 ? "NaN" : inf(p > 0);
  }
  const s = a.s + b.s;
  if (s > NUMERIC_MAX_DISPLAY_SCALE * 16) return rescale({ v: a.v * b.v, s }, 16383);
  return { v: a.v * b.v, s };
}

/** Base-10000 weight and first digit of a nonzero finite value, as numeric.c stores them. */
function nbaseHead(d: Finite): { weight: number; first: number } {
  if (d.v === 0n) return { weight: 0, first: 0 };
  const digits = (d.v < 0n ? -d.v : d.v).toString();
  // the decimal exponent of the leading digit
  const exp10 = digits.length - 1 - d.s;
  const weight = Math.floor(exp10 / 4);
  // the leading base-10000 digit covers decimal exponents weight*4 .. weight*4+3
  const take = exp10 - weight * 4 + 1;
  return { weight, first: Number(digits.slice(0, take).padEnd(take, "0")) };
}

export function selectDivScale(a: Finite, b: Finite): number {
  const h1 = nbaseHead(a);
  const h2 = nbaseHead(b);
  let qweight = h1.weight - h2.weight;
  if (h1.first <= h2.first) qweight--;
  let rscale = NUMERIC_MIN_SIG_DIGITS - qweight * 4;
  rscale = Math.max(rscale, a.s, b.s, 0);
  return Math.min(rscale, NUMERIC_MAX_DISPLAY_SCALE);
}

/** a / b exactly, rounded to `rscale` decimals. */
function divAt(a: Finite, b: Finite, rscale: number, round: boolean): Finite {
  // a.v/10^a.s / (b.v/10^b.s) * 10^rscale = a.v * 10^(rscale + b.s - a.s) / b.v
  const shift = rscale + b.s - a.s;
  let num = a.v;
  let den = b.v;
  if (shift >= 0) num *= pow10(shift);
  else den *= pow10(-shift);
  return { v: round ? divRound(num, den) : num / den, s: rscale };
}

export function div(a: Decimal, b: Decimal): Decimal {
  if (a === "NaN" || b === "NaN") return "NaN";
  if (!isFiniteDecimal(a)) {
    if (!isFiniteDecimal(b)) return "NaN";
    if (b.v === 0n) throw divisionByZero();
    return inf(sign(a) * sign(b) > 0);
  }
  if (!isFiniteDecimal(b)) return { v: 0n, s: 0 };
  if (b.v === 0n) throw divisionByZero();
  return divAt(a, b, selectDivScale(a, b), true);
}

/** numeric_div_trunc (div()): the truncated integer quotient. */
export function divTrunc(a: Decimal, b: Decimal): Decimal {
  if (a === "NaN" || b === "NaN") return "NaN";
  if (!isFiniteDecimal(a)) {
    if (!isFiniteDecimal(b)) return "NaN";
    if (b.v === 0n) throw divisionByZero();
    return inf(sign(a) * sign(b) > 0);
  }
  if (!isFiniteDecimal(b)) return { v: 0n, s: 0 };
  if (b.v === 0n) throw divisionByZero();
  return divAt(a, b, 0, false);
}

export function mod(a: Decimal, b: Decimal): Decimal {
  if (a === "NaN" || b === "NaN") return "NaN";
  if (!isFiniteDecimal(a)) {
    if (sign(b) === 0) throw divisionByZero();
    return "NaN";
  }
  if (!isFiniteDecimal(b)) return a;
  if (b.v === 0n) throw divisionByZero();
  const s = Math.max(a.s, b.s);
  return { v: rescale(a, s).v % rescale(b, s).v, s };
}

export function compare(a: Decimal, b: Decimal): number {
  // NaN sorts above everything, including +Infinity, and equals itself
  const rank = (d: Decimal) => (d === "NaN" ? 2 : d === "Infinity" ? 1 : d === "-Infinity" ? -1 : 0);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== 0 || rb !== 0) return ra === rb ? 0 : ra < rb ? -1 : 1;
  const fa = a as Finite;
  const fb = b as Finite;
  const s = Math.max(fa.s, fb.s);
  const va = rescale(fa, s).v;
  const vb = rescale(fb, s).v;
  return va === vb ? 0 : va < vb ? -1 : 1;
}

/** The value with trailing fractional zeros removed: equal values give equal keys. */
export function normalizedKey(text: string): string {
  if (!text.includes(".")) return text === "-0" ? "0" : text;
  let t = text.replace(/0+$/, "");
  if (t.endsWith(".")) t = t.slice(0, -1);
  return t === "-0" ? "0" : t;
}

export function abs(a: Decimal): Decimal {
  if (a === "-Infinity") return "Infinity";
  if (!isFiniteDecimal(a)) return a;
  return { v: a.v < 0n ? -a.v : a.v, s: a.s };
}

function clampScale(scale: number): number {
  return Math.max(-NUMERIC_MAX_RESULT_SCALE, Math.min(NUMERIC_MAX_RESULT_SCALE, scale));
}

/** round(x, s): half away from zero; a negative s rounds left of the point. */
export function round(a: Decimal, scale: number): Decimal {
  if (!isFiniteDecimal(a)) return a;
  const s = clampScale(scale);
  if (s >= 0) return rescale(a, s);
  const unit = pow10(-s);
  return { v: divRound(a.v, pow10(a.s) * unit) * unit, s: 0 };
}

export function trunc(a: Decimal, scale: number): Decimal {
  if (!isFiniteDecimal(a)) return a;
  const s = clampScale(scale);
  if (s >= 0) return truncTo(a, s);
  const unit = pow10(-s);
  const whole = truncTo(a, 0).v;
  return { v: (whole / unit) * unit, s: 0 };
}

export function ceil(a: Decimal): Decimal {
  if (!isFiniteDecimal(a)) return a;
  const t = truncTo(a, 0);
  return rescale(a, a.s).v > t.v * pow10(a.s) ? { v: t.v + 1n, s: 0 } : t;
}

export function floor(a: Decimal): Decimal {
  if (!isFiniteDecimal(a)) return a;
  const t = truncTo(a, 0);
  return a.v < t.v * pow10(a.s) ? { v: t.v - 1n, s: 0 } : t;
}

export function signOf(a: Decimal): Decimal {
  if (a === "NaN") return a;
  return { v: BigInt(sign(a)), s: 0 };
}

/** floor(sqrt(n)) by Newton's iteration from a power of two above the root. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(a: Decimal): Decimal {
  if (a === "NaN" || a === "Infinity") return a;
  if (a === "-Infinity" || (isFiniteDecimal(a) && a.v < 0n))
    throw new PgError("2201F", "cannot take square root of a negative number");
  const f = a as Finite;
  const weight = f.v === 0n ? 0 : nbaseHead(f).weight;
  const sweight = Math.trunc(((weight + 1) * 4) / 2) - 1;
  let rscale = NUMERIC_MIN_SIG_DIGITS - sweight;
  rscale = Math.min(Math.max(rscale, f.s, 0), NUMERIC_MAX_DISPLAY_SCALE);
  // sqrt(v/10^s) * 10^rscale = sqrt(v * 10^(2*rscale - s)); keep one guard digit pair
  const exp = 2 * (rscale + 1) - f.s;
  const radicand = exp >= 0 ? f.v * pow10(exp) : f.v / pow10(-exp);
  const root = isqrt(radicand);
  return { v: divRound(root, 10n), s: rscale };
}

/** Rounds to a numeric(p,s) typmod; 22003 when the integer part does not fit. */
export function applyTypmod(a: Decimal, typmod: number): Decimal {
  if (typmod < 4) return a;
  const tm = typmod - 4;
  const precision = (tm >> 16) & 0xffff;
  // the scale is an 11-bit signed field (negative scales since PG 15)
  let scale = tm & 0x7ff;
  if (scale & 0x400) scale -= 0x800;
  if (!isFiniteDecimal(a)) {
    if (a === "NaN") return a;
    throw new PgError(SqlState.numericValueOutOfRange, "numeric field overflow", {
      detail: `A field with precision ${precision}, scale ${scale} cannot hold an infinite value.`,
    });
  }
  const r = round(a, scale) as Finite;
  const out = scale >= 0 ? r : { v: r.v / pow10(-scale), s: 0 };
  const abs = out.v < 0n ? -out.v : out.v;
  const maxDigits = precision;
  if (abs !== 0n && abs.toString().length > maxDigits) {
    const intDigits = precision - scale;
    throw new PgError(SqlState.numericValueOutOfRange, "numeric field overflow", {
      detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${intDigits === 0 ? "1" : `10^${intDigits}`}.`,
    });
  }
  return r;
}

/** Exact conversion of a decimal to a JS number (correctly rounded by the engine's parser). */
export function toNumber(a: Decimal): number {
  if (a === "NaN") return Number.NaN;
  if (a === "Infinity") return Number.POSITIVE_INFINITY;
  if (a === "-Infinity") return Number.NEGATIVE_INFINITY;
  return Number(formatDecimal(a));
}

/** sqrt_var at a given result scale (used by stddev). */
export function sqrtAt(a: Decimal, rscale: number): Decimal {
  if (!isFiniteDecimal(a)) return a;
  const exp = 2 * (rscale + 1) - a.s;
  const radicand = exp >= 0 ? a.v * pow10(exp) : a.v / pow10(-exp);
  return { v: divRound(isqrt(radicand), 10n), s: rscale };
}

/** a / b at PostgreSQL's select_div_scale, for finite nonzero b. */
export function divFinite(a: Finite, b: Finite): Finite {
  return divAt(a, b, selectDivScale(a, b), true);
}
