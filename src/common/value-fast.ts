/**
 * Cheap recognisers for the text forms that are already canonical (values.ts), so the codec can
 * skip a full parse + format for the common cases: integers, plain decimals, and ISO dates and
 * timestamps as PostgreSQL prints them. Each returns false (or undefined) for anything unusual;
 * the caller then takes the full path, which stays the single source of truth for semantics.
 */

const D0 = 48; // "0"
const D9 = 57; // "9"
const MINUS = 45;

function isDigit(c: number): boolean {
  return c >= D0 && c <= D9;
}

/**
 * An int2/int4 text of plain decimal digits (optional "-", at most 10 digits) → its number when it
 * lies in [min, max]; undefined for anything else (whitespace, "+", underscores, prefixes, overflow).
 */
export function fastSmallInt(text: string, min: number, max: number): number | undefined {
  const n = text.length;
  let i = text.charCodeAt(0) === MINUS ? 1 : 0;
  if (n === i || n - i > 10) return undefined;
  for (; i < n; i++) if (!isDigit(text.charCodeAt(i))) return undefined;
  // + 0 turns "-0" into 0, as the integer input functions do
  const v = Number(text) + 0;
  return v >= min && v <= max ? v : undefined;
}

/** An int8 text of plain decimal digits (optional "-", at most 18 digits, so always in range) → bigint. */
export function fastBigInt(text: string): bigint | undefined {
  const n = text.length;
  let i = text.charCodeAt(0) === MINUS ? 1 : 0;
  if (n === i || n - i > 18) return undefined;
  for (; i < n; i++) if (!isDigit(text.charCodeAt(i))) return undefined;
  return BigInt(text);
}

/**
 * numeric_out's form of a finite value: "-"?, an integer part without leading zeros, optionally "."
 * and digits; never "-0…" (negative zero prints unsigned).
 */
export function isCanonicalNumeric(text: string): boolean {
  const n = text.length;
  let i = 0;
  const negative = text.charCodeAt(0) === MINUS;
  if (negative) i = 1;
  if (i >= n) return false;
  let nonzero = false;
  const first = text.charCodeAt(i);
  if (first === D0) {
    i++;
  } else {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (!isDigit(c)) break;
      nonzero = true;
    }
    if (!nonzero) return false;
  }
  if (i < n) {
    if (text.charCodeAt(i) !== 46 /* . */ || i === n - 1) return false;
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (!isDigit(c)) return false;
      if (c !== D0) nonzero = true;
    }
  }
  return !negative || nonzero;
}

function two(text: string, at: number): number {
  const a = text.charCodeAt(at) - D0;
  const b = text.charCodeAt(at + 1) - D0;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** "YYYY-MM-DD" at the start of `text`, a real AD date with a 4-digit year (0001–9999). */
function isoDateAt(text: string): boolean {
  const hi = two(text, 0);
  const lo = two(text, 2);
  if (hi < 0 || lo < 0 || text.charCodeAt(4) !== MINUS || text.charCodeAt(7) !== MINUS) return false;
  const year = hi * 100 + lo;
  const month = two(text, 5);
  const day = two(text, 8);
  if (year === 0 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : MONTH_DAYS[month - 1]);
}

/** The canonical and ISO-output form of a date: exactly "YYYY-MM-DD", AD, 4-digit year. */
export function isIsoDate(text: string): boolean {
  return text.length === 10 && isoDateAt(text);
}

/**
 * The canonical and ISO-output form of a timestamp: "YYYY-MM-DD HH:MM:SS" with an optional fraction of
 * 1–6 digits without trailing zeros, followed by exactly `suffix` ("" for timestamp, "+00" for a
 * timestamptz shown in UTC). AD years 0001–9999 only; hour 24 or second 60 are left to the full path.
 */
export function isIsoTimestamp(text: string, suffix: "" | "+00"): boolean {
  const end = text.length - suffix.length;
  if (end < 19 || end > 26 || end === 20) return false;
  if (suffix !== "" && text.slice(end) !== suffix) return false;
  if (
    !isoDateAt(text) ||
    text.charCodeAt(10) !== 32 ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58
  )
    return false;
  const hour = two(text, 11);
  const min = two(text, 14);
  const sec = two(text, 17);
  if (hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 59) return false;
  if (end === 19) return true;
  if (text.charCodeAt(19) !== 46 /* . */) return false;
  for (let i = 20; i < end; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return text.charCodeAt(end - 1) !== D0;
}
