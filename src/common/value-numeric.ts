/** numeric: exact decimal text (canonical) ⇄ Postgres's text and NBASE-10000 binary forms. */
import { ByteReader, ByteWriter } from "./value-bytes.ts";
import { invalidBinary, invalidInput } from "./value-errors.ts";

const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;
const NUMERIC_NAN = 0xc000;
const NUMERIC_PINF = 0xd000;
const NUMERIC_NINF = 0xf000;

const NUMERIC_SYNTAX = /^([+-]?)(\d+(?:_\d+)*)?(?:\.(\d+(?:_\d+)*)?)?(?:e([+-]?\d+))?$/i;

/**
 * numeric_in: returns the value as numeric_out prints it. Scientific notation is
 * expanded (1.50e1 → "15.0"), the display scale is kept ("12.50"), -0 becomes 0.
 */
export function normalizeNumericText(text: string): string {
  const s = text.trim();
  switch (s.toLowerCase()) {
    case "nan":
    case "+nan":
    case "-nan":
      return "NaN";
    case "infinity":
    case "+infinity":
    case "inf":
    case "+inf":
      return "Infinity";
    case "-infinity":
    case "-inf":
      return "-Infinity";
  }
  const m = NUMERIC_SYNTAX.exec(s);
  if (!m || (m[2] === undefined && m[3] === undefined)) {
    if (/^[+-]?0[xob]/i.test(s)) return normalizeNumericText(prefixedToDecimal(s, text));
    throw invalidInput("numeric", text);
  }
  const negative = m[1] === "-";
  const intPart = (m[2] ?? "").replaceAll("_", "");
  const fracPart = (m[3] ?? "").replaceAll("_", "");
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isFinite(exponent) || Math.abs(exponent) > 1000 + 16383) throw invalidInput("numeric", text);
  // digits d with the decimal point after `point` digits, scaled by 10^exponent
  const digits = intPart + fracPart;
  const point = intPart.length + exponent;
  const scale = Math.max(0, fracPart.length - exponent);
  return renderDecimal(negative, digits, point, scale);
}

function prefixedToDecimal(s: string, original: string): string {
  const m = /^([+-]?)0([xob])([0-9a-f]+(?:_[0-9a-f]+)*)$/i.exec(s);
  if (!m) throw invalidInput("numeric", original);
  const digits = m[3].replaceAll("_", "");
  const radix = m[2].toLowerCase();
  const valid = radix === "x" ? /^[0-9a-f]+$/i : radix === "o" ? /^[0-7]+$/ : /^[01]+$/;
  if (!valid.test(digits)) throw invalidInput("numeric", original);
  return m[1] + BigInt(`0${radix}${digits}`).toString();
}

/** digits with the decimal point after `point` of them (may be <0 or >len), printed with `scale` decimals. */
function renderDecimal(negative: boolean, digits: string, point: number, scale: number): string {
  let intDigits: string;
  let fracDigits: string;
  if (point <= 0) {
    intDigits = "0";
    fracDigits = "0".repeat(-point) + digits;
  } else if (point >= digits.length) {
    intDigits = digits + "0".repeat(point - digits.length);
    fracDigits = "";
  } else {
    intDigits = digits.slice(0, point);
    fracDigits = digits.slice(point);
  }
  intDigits = intDigits.replace(/^0+(?=\d)/, "");
  // scale never hides a nonzero digit: it was computed from the input's own digits
  fracDigits = fracDigits.slice(0, scale).padEnd(scale, "0");
  const isZero = /^0*$/.test(intDigits) && /^0*$/.test(fracDigits);
  const body = scale > 0 ? `${intDigits}.${fracDigits}` : intDigits;
  return negative && !isZero ? `-${body}` : body;
}

/** numeric_send from a canonical decimal string. */
export function encodeNumericBinary(text: string): Uint8Array {
  const w = new ByteWriter(16);
  if (text === "NaN") return w.int16(0).int16(0).uint16(NUMERIC_NAN).int16(0).finish();
  // numeric_send reads dscale out of the special value's header bits: 32 for ±Infinity
  if (text === "Infinity") return w.int16(0).int16(0).uint16(NUMERIC_PINF).int16(32).finish();
  if (text === "-Infinity") return w.int16(0).int16(0).uint16(NUMERIC_NINF).int16(32).finish();
  const canonical = /^-?\d+(\.\d+)?$/.test(text) ? text : normalizeNumericText(text);
  const negative = canonical.startsWith("-");
  const unsigned = negative ? canonical.slice(1) : canonical;
  const dot = unsigned.indexOf(".");
  const intPart = dot < 0 ? unsigned : unsigned.slice(0, dot);
  const fracPart = dot < 0 ? "" : unsigned.slice(dot + 1);
  const dscale = fracPart.length;
  // Align to base-10000 groups around the decimal point.
  const intPadded = intPart.padStart(Math.ceil(intPart.length / 4) * 4, "0");
  const fracPadded = fracPart.padEnd(Math.ceil(fracPart.length / 4) * 4, "0");
  const groups: number[] = [];
  for (let i = 0; i < intPadded.length; i += 4) groups.push(Number(intPadded.slice(i, i + 4)));
  for (let i = 0; i < fracPadded.length; i += 4) groups.push(Number(fracPadded.slice(i, i + 4)));
  let weight = intPadded.length / 4 - 1;
  let start = 0;
  while (start < groups.length && groups[start] === 0) {
    start++;
    weight--;
  }
  let end = groups.length;
  while (end > start && groups[end - 1] === 0) end--;
  const digits = groups.slice(start, end);
  if (digits.length === 0) {
    return w.int16(0).int16(0).uint16(NUMERIC_POS).int16(dscale).finish();
  }
  w.int16(digits.length)
    .int16(weight)
    .uint16(negative ? NUMERIC_NEG : NUMERIC_POS)
    .int16(dscale);
  for (const d of digits) w.int16(d);
  return w.finish();
}

/** numeric_recv → canonical decimal string; digits beyond dscale are truncated as Postgres does. */
export function decodeNumericBinary(data: Uint8Array): string {
  const r = new ByteReader(data);
  const ndigits = r.int16();
  const weight = r.int16();
  const sign = r.uint16();
  const dscale = r.int16();
  if (sign === NUMERIC_NAN) return "NaN";
  if (sign === NUMERIC_PINF) return "Infinity";
  if (sign === NUMERIC_NINF) return "-Infinity";
  if (sign !== NUMERIC_POS && sign !== NUMERIC_NEG)
    throw invalidBinary('invalid sign in external "numeric" value');
  if (ndigits < 0 || dscale < 0 || dscale > 0x3fff)
    throw invalidBinary('invalid scale in external "numeric" value');
  let all = "";
  for (let i = 0; i < ndigits; i++) {
    const d = r.int16();
    if (d < 0 || d >= 10000) throw invalidBinary('invalid digit in external "numeric" value');
    all += String(d).padStart(4, "0");
  }
  r.end();
  // the first group holds 10000^weight
  const point = (weight + 1) * 4;
  return renderDecimal(sign === NUMERIC_NEG, all, point, dscale);
}

/** A JS number as an exact numeric: the shortest round-trip decimal, no exponent. */
export function numberToNumeric(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "Infinity";
  if (v === Number.NEGATIVE_INFINITY) return "-Infinity";
  return normalizeNumericText(String(v));
}
