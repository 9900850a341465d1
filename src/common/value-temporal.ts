/** Canonical date/time strings (values.ts) ⇄ the internal day and microsecond counts. */
import { PgError, SqlState } from "./pg-error.ts";
import {
  DATE_NOBEGIN,
  DATE_NOEND,
  date2j,
  formatDate,
  formatTime,
  formatTimestamp,
  formatTimestamptz,
  type InputContext,
  POSTGRES_EPOCH_JDATE,
  parseDate,
  parseDateStyle,
  parseTime,
  parseTimestamp,
  TS_NOBEGIN,
  TS_NOEND,
  USECS_PER_DAY,
} from "./value-datetime.ts";

export const ISO_STYLE = parseDateStyle("ISO, MDY");
const UTC_INPUT: InputContext = { order: "MDY", timeZone: "UTC" };

const CANON_DATE = /^(\d{4,})-(\d\d)-(\d\d)( BC)?$/;
const CANON_TS = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(\+00)?( BC)?$/;
const CANON_TIME = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/;

function notCanonical(type: string, value: string): PgError {
  return new PgError(SqlState.datatypeMismatch, `not a ${type} value: "${value}"`);
}

export function dateDays(value: string): number {
  const m = CANON_DATE.exec(value);
  if (m) {
    const y = Number(m[1]);
    return date2j(m[4] ? 1 - y : y, Number(m[2]), Number(m[3])) - POSTGRES_EPOCH_JDATE;
  }
  if (value === "infinity") return DATE_NOEND;
  if (value === "-infinity") return DATE_NOBEGIN;
  try {
    return parseDate(value, UTC_INPUT);
  } catch {
    throw notCanonical("date", value);
  }
}

function micros(frac: string | undefined): bigint {
  return frac ? BigInt(frac.padEnd(6, "0")) : 0n;
}

export function timeMicros(value: string): bigint {
  const m = CANON_TIME.exec(value);
  if (m) return BigInt((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1_000_000n + micros(m[4]);
  try {
    return parseTime(value, UTC_INPUT);
  } catch {
    throw notCanonical("time", value);
  }
}

/** timestamp and timestamptz canonical text → microseconds since 2000-01-01 (UTC for timestamptz). */
export function timestampMicros(value: string, withZone: boolean): bigint {
  const m = CANON_TS.exec(value);
  if (m && (withZone || !m[8])) {
    const y = Number(m[1]);
    const days = date2j(m[9] ? 1 - y : y, Number(m[2]), Number(m[3])) - POSTGRES_EPOCH_JDATE;
    const secs = (Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6]);
    return BigInt(days) * USECS_PER_DAY + BigInt(secs) * 1_000_000n + micros(m[7]);
  }
  if (value === "infinity") return TS_NOEND;
  if (value === "-infinity") return TS_NOBEGIN;
  try {
    return parseTimestamp(value, UTC_INPUT, withZone);
  } catch {
    throw notCanonical(withZone ? "timestamptz" : "timestamp", value);
  }
}

export function canonicalDate(days: number): string {
  return formatDate(days, ISO_STYLE);
}
export function canonicalTime(us: bigint): string {
  return formatTime(us);
}
export function canonicalTimestamp(us: bigint): string {
  return formatTimestamp(us, ISO_STYLE);
}
export function canonicalTimestamptz(us: bigint): string {
  return formatTimestamptz(us, ISO_STYLE, "UTC");
}
