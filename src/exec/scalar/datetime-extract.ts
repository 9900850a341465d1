/**
 * extract (numeric, PostgreSQL 14+) and date_part (float8) over date, timestamp, timestamptz,
 * time and interval, field by field as timestamp_part_common/interval_part_common compute them.
 */
import { PgError, SqlState } from "../../common/pg-error.ts";
import type { PgInterval } from "../../common/values.ts";
import {
  date2j,
  type Fields,
  fieldsOf,
  isFiniteDate,
  isFiniteTs,
  offsetAt,
  POSTGRES_EPOCH_JDATE,
  TS_NOEND,
  USECS_PER_DAY,
  unitOf,
} from "./datetime-core.ts";

/** A field value: an exact decimal `int / 10^scale` (numeric) and its float8 reading. */
export interface Part {
  num: string;
  float: number;
}

export function decimal(v: bigint, scale: number): string {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, "0");
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return neg ? `-${digits}` : digits;
}
// C integer arithmetic has no negative zero
const int = (n: number): Part => ({ num: String(n), float: n === 0 ? 0 : n });
const INFINITE: Record<string, boolean> = {
  epoch: true,
  julian: true,
  year: true,
  isoyear: true,
  decade: true,
  century: true,
  millennium: true,
};

type TypeName =
  | "date"
  | "timestamp without time zone"
  | "timestamp with time zone"
  | "interval"
  | "time without time zone";

function notRecognized(unit: string, type: TypeName): PgError {
  return new PgError(SqlState.invalidParameterValue, `unit "${unit}" not recognized for type ${type}`);
}
function notSupported(unit: string, type: TypeName, detail?: string): PgError {
  return new PgError(SqlState.featureNotSupported, `unit "${unit}" not supported for type ${type}`, {
    detail,
  });
}

/** ISO 8601 week number (date2isoweek) and its year (date2isoyear). */
export function isoWeek(year: number, month: number, day: number): { week: number; year: number } {
  const dayn = date2j(year, month, day);
  let y = year;
  let day4 = date2j(y, 1, 4);
  // Monday of the week holding January 4th
  let day0 = day4 - isoDow(day4) + 1;
  if (dayn < day0) {
    y--;
    day4 = date2j(y, 1, 4);
    day0 = day4 - isoDow(day4) + 1;
  }
  let week = Math.floor((dayn - day0) / 7) + 1;
  if (week >= 52) {
    const next4 = date2j(y + 1, 1, 4);
    const next0 = next4 - isoDow(next4) + 1;
    if (dayn >= next0) {
      week = 1;
      y++;
    }
  }
  return { week, year: y };
}
/** 1 = Monday … 7 = Sunday of a Julian day number */
export function isoDow(jd: number): number {
  return (jd % 7) + 1;
}
/** 0 = Sunday … 6 = Saturday */
export function dowOf(jd: number): number {
  return (jd + 1) % 7;
}

function yearish(unit: string, year: number): number {
  switch (unit) {
    case "year":
      return year > 0 ? year : year - 1;
    case "decade":
      return year >= 0 ? Math.trunc(year / 10) : -Math.trunc((8 - (year - 1)) / 10);
    case "century":
      return year > 0 ? Math.trunc((year + 99) / 100) : -Math.trunc((99 - (year - 1)) / 100);
    default:
      return year > 0 ? Math.trunc((year + 999) / 1000) : -Math.trunc((999 - (year - 1)) / 1000);
  }
}

/** The parts shared by date and timestamp; undefined when the unit is not one of them. */
function datePart(unit: string, f: Fields): Part | undefined {
  const jd = f.days + POSTGRES_EPOCH_JDATE;
  switch (unit) {
    case "day":
      return int(f.day);
    case "month":
      return int(f.month);
    case "quarter":
      return int(Math.floor((f.month - 1) / 3) + 1);
    case "week":
      return int(isoWeek(f.year, f.month, f.day).week);
    case "year":
    case "decade":
    case "century":
    case "millennium":
      return int(yearish(unit, f.year));
    case "isoyear": {
      const y = isoWeek(f.year, f.month, f.day).year;
      return int(y <= 0 ? y - 1 : y);
    }
    case "dow":
      return int(dowOf(jd));
    case "isodow":
      return int(isoDow(jd));
    case "doy":
      return int(jd - date2j(f.year, 1, 1) + 1);
  }
  return undefined;
}

/** extract/date_part on a timestamp's wall-clock value; `zoneOffset` set for timestamptz. */
export function timestampPart(unitText: string, us: bigint, zone: string | null): Part | null {
  const type: TypeName = zone === null ? "timestamp without time zone" : "timestamp with time zone";
  const unit = unitOf(unitText);
  const lower = unitText.toLowerCase();
  if (!unit) throw notRecognized(lower, type);
  if (!isFiniteTs(us)) {
    if (INFINITE[unit])
      return us === TS_NOEND ? { num: "Infinity", float: Infinity } : { num: "-Infinity", float: -Infinity };
    return null;
  }
  const offset = zone === null ? 0 : offsetAt(zone, us);
  const local = us + BigInt(offset) * 1_000_000n;
  const f = fieldsOf(local);
  const secUs = f.sec * 1_000_000 + f.fsec;
  switch (unit) {
    case "microseconds":
      return int(secUs);
    case "milliseconds":
      return { num: decimal(BigInt(secUs), 3), float: f.sec * 1000.0 + f.fsec / 1000.0 };
    case "second":
      return { num: decimal(BigInt(secUs), 6), float: f.sec + f.fsec / 1000000.0 };
    case "minute":
      return int(f.min);
    case "hour":
      return int(f.hour);
    case "julian": {
      const jd = f.days + POSTGRES_EPOCH_JDATE;
      const t = BigInt(((f.hour * 60 + f.min) * 60 + f.sec) * 1_000_000 + f.fsec);
      return {
        num: addInt(jd, divideDay(t)),
        float: jd + ((f.hour * 60 + f.min) * 60 + f.sec + f.fsec / 1000000.0) / 86400,
      };
    }
    case "epoch": {
      const e = us + 946_684_800_000_000n;
      return { num: decimal(e, 6), float: Number(e) / 1000000.0 };
    }
    case "timezone":
    case "timezone_hour":
    case "timezone_minute": {
      if (zone === null) throw notSupported(lower, type);
      if (unit === "timezone") return int(offset);
      if (unit === "timezone_hour") return int(Math.trunc(offset / 3600));
      return int(Math.trunc((offset % 3600) / 60));
    }
  }
  const p = datePart(unit, f);
  if (p) return p;
  throw notSupported(lower, type);
}

/** date2j + t / 86400e6 as numeric_div chooses its scale (select_div_scale) and rounds. */
function divideDay(t: bigint): { scaled: bigint; scale: number } {
  // base-10000 weight and first digit of t and of 86400000000 (weight 2, first digit 864)
  let weight1 = 0;
  let first1 = 0n;
  if (t > 0n) {
    const groups = Math.ceil(t.toString().length / 4);
    weight1 = groups - 1;
    first1 = t / 10000n ** BigInt(weight1);
  }
  let qweight = weight1 - 2;
  if (first1 <= 864n) qweight--;
  const scale = Math.max(16 - qweight * 4, 0);
  const num = t * 10n ** BigInt(scale);
  const den = USECS_PER_DAY;
  let q = num / den;
  if ((num % den) * 2n >= den) q++;
  return { scaled: q, scale };
}
function addInt(jd: number, frac: { scaled: bigint; scale: number }): string {
  return decimal(BigInt(jd) * 10n ** BigInt(frac.scale) + frac.scaled, frac.scale);
}

export function datePartOfDate(unitText: string, days: number): Part | null {
  const unit = unitOf(unitText);
  const lower = unitText.toLowerCase();
  if (!unit) throw notRecognized(lower, "date");
  if (!isFiniteDate(days)) {
    if (INFINITE[unit])
      return days > 0 ? { num: "Infinity", float: Infinity } : { num: "-Infinity", float: -Infinity };
    if (["day", "month", "quarter", "week", "dow", "isodow", "doy"].includes(unit)) return null;
    throw notSupported(lower, "date");
  }
  if (unit === "julian") return int(days + POSTGRES_EPOCH_JDATE);
  if (unit === "epoch") {
    const e = (BigInt(days) + 10957n) * 86400n;
    return { num: e.toString(), float: Number(e) };
  }
  const f = fieldsOf(BigInt(days) * USECS_PER_DAY);
  const p = datePart(unit, f);
  if (p) return p;
  throw notSupported(lower, "date");
}

export function intervalPart(unitText: string, iv: PgInterval): Part {
  const unit = unitOf(unitText);
  const lower = unitText.toLowerCase();
  if (!unit) throw notRecognized(lower, "interval");
  const time = iv.micros;
  const hour = time / 3_600_000_000n;
  const restH = time - hour * 3_600_000_000n;
  const min = restH / 60_000_000n;
  const secUs = restH - min * 60_000_000n;
  const sec = secUs / 1_000_000n;
  const fsec = secUs - sec * 1_000_000n;
  const year = Math.trunc(iv.months / 12);
  const mon = iv.months % 12;
  switch (unit) {
    case "microseconds":
      return { num: secUs.toString(), float: Number(sec) * 1000000.0 + Number(fsec) };
    case "milliseconds":
      return { num: decimal(secUs, 3), float: Number(sec) * 1000.0 + Number(fsec) / 1000.0 };
    case "second":
      return { num: decimal(secUs, 6), float: Number(sec) + Number(fsec) / 1000000.0 };
    case "minute":
      return int(Number(min));
    case "hour":
      return { num: hour.toString(), float: Number(hour) };
    case "day":
      return int(iv.days);
    case "month":
      return int(mon);
    case "quarter":
      return int(Math.trunc(mon / 3) + 1);
    case "year":
      return int(year);
    case "decade":
      return int(Math.trunc(year / 10));
    case "century":
      return int(Math.trunc(year / 100));
    case "millennium":
      return int(Math.trunc(year / 1000));
    case "epoch": {
      const secsFromDayMonths =
        (BigInt(Math.trunc(iv.months / 12)) * 1461n + BigInt(iv.months % 12) * 120n + BigInt(iv.days) * 4n) *
        21600n;
      const val = secsFromDayMonths * 1_000_000n + time;
      let float = Number(time) / 1000000.0;
      float += 365.25 * 86400 * Math.trunc(iv.months / 12);
      float += 30.0 * 86400 * (iv.months % 12);
      float += 86400.0 * iv.days;
      return { num: decimal(val, 6), float };
    }
  }
  if (unit === "week") throw notSupported(lower, "interval", "Months usually have fractional weeks.");
  throw notSupported(lower, "interval");
}

export function timePart(unitText: string, us: bigint): Part {
  const unit = unitOf(unitText);
  const lower = unitText.toLowerCase();
  if (!unit) throw notRecognized(lower, "time without time zone");
  const iv = { months: 0, days: 0, micros: us };
  if (unit === "epoch") return { num: decimal(us, 6), float: Number(us) / 1000000.0 };
  if (["microseconds", "milliseconds", "second", "minute", "hour"].includes(unit))
    return intervalPart(unit, iv);
  throw notSupported(lower, "time without time zone");
}
