/** Calendar arithmetic shared by the date/time functions: fields ⇄ microseconds, zones, units. */
import { PgError, SqlState } from "../../common/pg-error.ts";
import {
  DATE_NOBEGIN,
  DATE_NOEND,
  date2j,
  epochMsOf,
  j2date,
  POSTGRES_EPOCH_JDATE,
  TS_NOBEGIN,
  TS_NOEND,
  USECS_PER_DAY,
} from "../../common/value-datetime.ts";
import {
  canonicalDate,
  canonicalTimestamp,
  canonicalTimestamptz,
  dateDays,
  timestampMicros,
} from "../../common/value-temporal.ts";
import { isKnownZone, isUtcZone, localToUtcMs, zoneOffsetSeconds } from "../../common/value-timezone.ts";

export {
  DATE_NOBEGIN,
  DATE_NOEND,
  date2j,
  j2date,
  POSTGRES_EPOCH_JDATE,
  TS_NOBEGIN,
  TS_NOEND,
  USECS_PER_DAY,
};

const TS_MIN = -211813488000000000n;
const TS_END = 9223371331200000000n;
const DATE_MIN = -POSTGRES_EPOCH_JDATE;
const DATE_END = 2147483494 - POSTGRES_EPOCH_JDATE;

export interface Fields {
  /** astronomical year: 0 is 1 BC */
  year: number;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  /** microseconds within the second */
  fsec: number;
  /** days since 2000-01-01 */
  days: number;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

export function fieldsOf(us: bigint): Fields {
  const days = floorDiv(us, USECS_PER_DAY);
  const [year, month, day] = j2date(Number(days) + POSTGRES_EPOCH_JDATE);
  const t = Number(us - days * USECS_PER_DAY);
  const fsec = t % 1_000_000;
  const secs = (t - fsec) / 1_000_000;
  return {
    year,
    month,
    day,
    hour: Math.floor(secs / 3600),
    min: Math.floor((secs % 3600) / 60),
    sec: secs % 60,
    fsec,
    days: Number(days),
  };
}

export function daysOf(year: number, month: number, day: number): number {
  return date2j(year, month, day) - POSTGRES_EPOCH_JDATE;
}

export function microsOf(days: number, hour: number, min: number, sec: number, fsec: number): bigint {
  return BigInt(days) * USECS_PER_DAY + BigInt((hour * 60 + min) * 60 + sec) * 1_000_000n + BigInt(fsec);
}

export function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1];
}

export function timestampOutOfRange(): PgError {
  return new PgError(SqlState.datetimeFieldOverflow, "timestamp out of range");
}
export function dateOutOfRange(): PgError {
  return new PgError(SqlState.datetimeFieldOverflow, "date out of range");
}
export function intervalOutOfRange(): PgError {
  return new PgError(SqlState.datetimeFieldOverflow, "interval out of range");
}

export function isFiniteTs(us: bigint): boolean {
  return us !== TS_NOBEGIN && us !== TS_NOEND;
}
export function isFiniteDate(d: number): boolean {
  return d !== DATE_NOBEGIN && d !== DATE_NOEND;
}

export function checkTs(us: bigint): bigint {
  if (isFiniteTs(us) && (us < TS_MIN || us >= TS_END)) throw timestampOutOfRange();
  return us;
}
export function checkDate(d: number): number {
  if (isFiniteDate(d) && (d < DATE_MIN || d >= DATE_END)) throw dateOutOfRange();
  return d;
}

export const tsIn = (v: unknown): bigint => timestampMicros(v as string, false);
export const tstzIn = (v: unknown): bigint => timestampMicros(v as string, true);
export const dateIn = (v: unknown): number => dateDays(v as string);
export const tsOut = (us: bigint): string => canonicalTimestamp(checkTs(us));
export const tstzOut = (us: bigint): string => canonicalTimestamptz(checkTs(us));
export const dateOut = (d: number): string => canonicalDate(checkDate(d));

/** Seconds east of UTC in `zone` at the UTC instant `us`. */
export function offsetAt(zone: string, us: bigint): number {
  if (isUtcZone(zone)) return 0;
  return zoneOffsetSeconds(zone, epochMsOf(us));
}

/** UTC → wall clock of `zone`. */
export function toLocal(us: bigint, zone: string): bigint {
  return us + BigInt(offsetAt(zone, us)) * 1_000_000n;
}

/** Wall clock of `zone` → UTC, resolving DST gaps and overlaps as PostgreSQL does. */
export function fromLocal(local: bigint, zone: string): bigint {
  if (isUtcZone(zone)) return local;
  const ms = epochMsOf(local);
  const utcMs = localToUtcMs(zone, ms);
  return local - BigInt(ms - utcMs) * 1000n;
}

/**
 * A zone named in a query (date_trunc's third argument, AT TIME ZONE). PostgreSQL also accepts
 * zone abbreviations and POSIX strings with their own (inverted) offsets; those are refused here.
 */
export function checkZoneName(zone: string): string {
  if (isUtcZone(zone)) return zone;
  if (/^[A-Za-z]+\/[A-Za-z0-9_+\-/]+$/.test(zone)) {
    if (isKnownZone(zone)) return zone;
    throw new PgError(SqlState.invalidParameterValue, `time zone "${zone}" not recognized`);
  }
  throw new PgError(
    SqlState.featureNotSupported,
    `time zone "${zone}" is not supported in memory; use a region name`,
  );
}

/** Units of date_trunc/extract as DecodeUnits spells them. */
const UNITS: Record<string, string> = {};
function units(canonical: string, ...names: string[]): void {
  for (const n of [canonical, ...names]) UNITS[n] = canonical;
}
units("microseconds", "microsecond", "microsecon", "us", "usec", "usecs", "useconds", "usecond");
units("milliseconds", "millisecond", "millisecon", "ms", "msec", "msecs", "mseconds", "msecond");
units("second", "seconds", "s", "sec", "secs");
units("minute", "minutes", "m", "min", "mins");
units("hour", "hours", "h", "hr", "hrs");
units("day", "days", "d");
units("week", "weeks", "w");
units("month", "months", "mon", "mons");
units("quarter", "qtr");
units("year", "years", "y", "yr", "yrs");
units("decade", "decades", "dec", "decs");
units("century", "centuries", "c", "cent");
units("millennium", "millennia", "mil", "mils", "millenniums");
units("epoch");
units("dow");
units("isodow");
units("doy");
units("julian", "j");
units("isoyear");
units("timezone");
units("timezone_hour", "timezone_h");
units("timezone_minute", "timezone_m");

export function unitOf(text: string): string | undefined {
  return UNITS[text.toLowerCase()];
}

export function epochUs(): bigint {
  return -946_684_800_000_000n;
}
