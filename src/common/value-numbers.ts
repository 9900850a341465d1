/** bool, integer, oid and float text forms with Postgres's exact input rules and output. */
import { floatOutOfRange, invalidInput, valueOutOfRange } from "./value-errors.ts";

const TRUE_WORDS = ["true", "yes", "on"];
const FALSE_WORDS = ["false", "no", "off"];

/** boolin: t/true/y/yes/on/1 and f/false/n/no/off/0, any unique prefix, case-insensitive. */
export function parseBool(text: string): boolean {
  const s = text.trim().toLowerCase();
  if (s === "1") return true;
  if (s === "0") return false;
  if (s.length > 0) {
    // "o" alone is ambiguous between on and off; Postgres needs two letters there.
    const minLen = s[0] === "o" ? 2 : 1;
    if (s.length >= minLen) {
      if (TRUE_WORDS.some((w) => w.startsWith(s))) return true;
      if (FALSE_WORDS.some((w) => w.startsWith(s))) return false;
    }
  }
  throw invalidInput("boolean", text);
}

interface IntSpec {
  name: string;
  min: bigint;
  max: bigint;
}
export const INT2: IntSpec = { name: "smallint", min: -32768n, max: 32767n };
export const INT4: IntSpec = { name: "integer", min: -2147483648n, max: 2147483647n };
export const INT8: IntSpec = { name: "bigint", min: -(2n ** 63n), max: 2n ** 63n - 1n };

const DECIMAL_INT = /^[+-]?\d+(?:_\d+)*$/;
const PREFIXED_INT = /^([+-]?)0([xob])([0-9a-f]+(?:_[0-9a-f]+)*)$/i;

/**
 * Integer input as Postgres 16 reads it: surrounding whitespace, a sign, digits with
 * single underscores between them, and 0x/0o/0b prefixes.
 */
export function parseIntText(text: string, spec: IntSpec): bigint {
  const s = text.trim();
  let value: bigint;
  if (DECIMAL_INT.test(s)) {
    value = BigInt(s.replaceAll("_", ""));
  } else {
    const m = PREFIXED_INT.exec(s);
    if (!m) throw invalidInput(spec.name, text);
    const digits = m[3].replaceAll("_", "");
    const radix = m[2].toLowerCase();
    const valid = radix === "x" ? /^[0-9a-f]+$/i : radix === "o" ? /^[0-7]+$/ : /^[01]+$/;
    if (!valid.test(digits)) throw invalidInput(spec.name, text);
    value = BigInt(`0${radix}${digits}`);
    if (m[1] === "-") value = -value;
  }
  if (value < spec.min || value > spec.max) throw valueOutOfRange(spec.name, text);
  return value;
}

/** oidin: an unsigned 32-bit number; negative input wraps like strtoul does. */
export function parseOid(text: string): number {
  const s = text.trim();
  if (!/^[+-]?\d+$/.test(s)) throw invalidInput("oid", text);
  const v = BigInt(s);
  if (v < -4294967295n || v > 4294967295n) throw valueOutOfRange("oid", text);
  // Postgres also refuses a negative value whose wrapped form does not fit in int32.
  if (v < 0n && v < -2147483648n) throw valueOutOfRange("oid", text);
  return Number(BigInt.asUintN(32, v));
}

const FLOAT_SYNTAX = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** float4in/float8in: strtod syntax plus NaN/Infinity words; overflow and underflow to zero are errors. */
export function parseFloatText(text: string, single: boolean): number {
  const typeName = single ? "real" : "double precision";
  const s = text.trim();
  const lower = s.toLowerCase();
  switch (lower) {
    case "nan":
    case "+nan":
    case "-nan":
      return Number.NaN;
    case "infinity":
    case "+infinity":
    case "inf":
    case "+inf":
      return Number.POSITIVE_INFINITY;
    case "-infinity":
    case "-inf":
      return Number.NEGATIVE_INFINITY;
  }
  if (!FLOAT_SYNTAX.test(s)) throw invalidInput(typeName, text);
  const d = Number(s);
  const v = single ? Math.fround(d) : d;
  if (!Number.isFinite(v)) throw floatOutOfRange(typeName, text);
  if (v === 0 && /[1-9]/.test(s.replace(/e.*$/i, ""))) throw floatOutOfRange(typeName, text);
  return v;
}

/** float8out/float4out: shortest-exact when extra_float_digits > 0, else %.{DIG+efd}g. */
export function formatFloat(v: number, single: boolean, extraFloatDigits: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "Infinity";
  if (v === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  if (extraFloatDigits > 0) return shortestFloat(v, single);
  const digits = Math.max(1, (single ? 6 : 15) + extraFloatDigits);
  return formatG(v, digits);
}

/** Ryu-style shortest output as Postgres prints it: fixed notation for exponents in [-4, DIG), else d.ddde±XX. */
function shortestFloat(v: number, single: boolean): string {
  let exp: string;
  if (single) {
    exp = "";
    for (let p = 1; p <= 9; p++) {
      const candidate = v.toExponential(p - 1);
      if (Math.fround(Number(candidate)) === v) {
        exp = candidate;
        break;
      }
    }
  } else {
    exp = v.toExponential();
    if (isUpperMidpoint(exp, v)) {
      // Ryu (Postgres's d2s) never picks the upper boundary of the rounding interval, even
      // when round-half-even would read it back as v; take the next longer candidate instead.
      for (let p = exp.replace(/e.*$/, "").replace(/[-.]/g, "").length + 1; p <= 17; p++) {
        const candidate = v.toExponential(p - 1);
        if (Number(candidate) === v && !isUpperMidpoint(candidate, v)) {
          exp = candidate;
          break;
        }
      }
    }
  }
  const [mantissa, expPart] = exp.split("e");
  const e = Number(expPart);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const limit = single ? 6 : 15;
  const sign = negative ? "-" : "";
  if (e < -4 || e >= limit) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  return sign + placeDecimal(digits, e);
}

/** true when the decimal `candidate` lies exactly halfway between |v| and the next double away from zero. */
function isUpperMidpoint(candidate: string, v: number): boolean {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(v));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const e2 = (biased === 0 ? 1 : biased) - 1075;
  // midpoint = (2m + 1) * 2^(e2 - 1); candidate = D * 10^E
  const [m, e] = candidate.replace("-", "").split("e");
  const [whole, frac = ""] = m.split(".");
  const digits = BigInt(whole + frac);
  const exp10 = Number(e) - frac.length;
  let left = digits;
  let right = 2n * mantissa + 1n;
  if (exp10 >= 0) left *= 10n ** BigInt(exp10);
  else right *= 10n ** BigInt(-exp10);
  const exp2 = e2 - 1;
  if (exp2 >= 0) right *= 2n ** BigInt(exp2);
  else left *= 2n ** BigInt(-exp2);
  return left === right;
}

/** digits d1d2d3… with value d1.d2d3… × 10^e, written without exponent. */
function placeDecimal(digits: string, e: number): string {
  if (e < 0) return `0.${"0".repeat(-e - 1)}${digits}`;
  if (digits.length <= e + 1) return digits + "0".repeat(e + 1 - digits.length);
  return `${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
}

/** C's %.{p}g. */
function formatG(v: number, p: number): string {
  const exp = v.toExponential(p - 1);
  const [mantissa, expPart] = exp.split("e");
  const e = Number(expPart);
  const negative = mantissa.startsWith("-");
  let digits = mantissa.replace("-", "").replace(".", "");
  digits = digits.replace(/0+$/, "") || "0";
  const sign = negative ? "-" : "";
  if (e < -4 || e >= p) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  return sign + placeDecimal(digits, e);
}
