/** date_trunc, interval arithmetic and justification, age: PostgreSQL's timestamp.c rules. */
import { PgError, SqlState } from "../../common/pg-error.ts";
import type { PgInterval } from "../../common/values.ts";
import {
  daysInMonth,
  daysOf,
  fieldsOf,
  fromLocal,
  intervalOutOfRange,
  isFiniteTs,
  microsOf,
  TS_NOBEGIN,
  TS_NOEND,
  timestampOutOfRange,
  toLocal,
  USECS_PER_DAY,
  unitOf,
} from "./datetime-core.ts";
import { isoDow } from "./datetime-extract.ts";

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function int32(n: number): number {
  if (n < INT32_MIN || n > INT32_MAX || Number.isNaN(n)) throw intervalOutOfRange();
  return n;
}
function int64(n: bigint): bigint {
  if (n < INT64_MIN || n > INT64_MAX) throw intervalOutOfRange();
  return n;
}

const TRUNC_UNITS = new Set([
  "microseconds",
  "milliseconds",
  "second",
  "minute",
  "hour",
  "day",
  "week",
  "month",
  "quarter",
  "year",
  "decade",
  "century",
  "millennium",
]);

function truncUnit(text: string, type: string): string {
  const unit = unitOf(text);
  if (!unit || !TRUNC_UNITS.has(unit))
    throw new PgError(
      SqlState.invalidParameterValue,
      `unit "${text.toLowerCase()}" not recognized for type ${type}`,
    );
  return unit;
}

/** Truncates wall-clock microseconds; `big` tells whether the unit is a day or larger. */
function truncLocal(unit: string, us: bigint): bigint {
  const f = fieldsOf(us);
  let { year, month, day, hour, min, sec, fsec } = f;
  switch (unit) {
    case "millennium":
      year =
        year > 0
          ? Math.trunc((year + 999) / 1000) * 1000 - 999
          : -Math.trunc((999 - (year - 1)) / 1000) * 1000 + 1;
      month = 1;
      day = 1;
      break;
    case "century":
      year =
        year > 0 ? Math.trunc((year + 99) / 100) * 100 - 99 : -Math.trunc((99 - (year - 1)) / 100) * 100 + 1;
      month = 1;
      day = 1;
      break;
    case "decade":
      year = year > 0 ? Math.trunc(year / 10) * 10 : -Math.trunc((8 - (year - 1)) / 10) * 10;
      month = 1;
      day = 1;
      break;
    case "year":
      month = 1;
      day = 1;
      break;
    case "quarter":
      month = 3 * Math.floor((month - 1) / 3) + 1;
      day = 1;
      break;
    case "month":
      day = 1;
      break;
    case "week": {
      const days = f.days - isoDow(f.days + 2451545) + 1;
      return microsOf(days, 0, 0, 0, 0);
    }
  }
  const rank = RANKS.indexOf(unit);
  if (rank >= RANKS.indexOf("day")) hour = 0;
  if (rank >= RANKS.indexOf("hour")) min = 0;
  if (rank >= RANKS.indexOf("minute")) sec = 0;
  if (rank >= RANKS.indexOf("second")) fsec = 0;
  else if (unit === "milliseconds") fsec = Math.floor(fsec / 1000) * 1000;
  return microsOf(daysOf(year, month, day), hour, min, sec, fsec);
}

/** truncation units from the finest up: truncating to one clears every finer field */
const RANKS = [
  "microseconds",
  "milliseconds",
  "second",
  "minute",
  "hour",
  "day",
  "week",
  "month",
  "quarter",
  "year",
  "decade",
  "century",
  "millennium",
];

const BIG_UNITS = new Set(["day", "week", "month", "quarter", "year", "decade", "century", "millennium"]);

export function truncTimestamp(unitText: string, us: bigint): bigint {
  const unit = truncUnit(unitText, "timestamp without time zone");
  if (!isFiniteTs(us)) return us;
  return truncLocal(unit, us);
}

export function truncTimestamptz(unitText: string, us: bigint, zone: string): bigint {
  const unit = truncUnit(unitText, "timestamp with time zone");
  if (!isFiniteTs(us)) return us;
  const local = toLocal(us, zone);
  const truncated = truncLocal(unit, local);
  // below a day PostgreSQL keeps the offset the value had (a repeated hour stays apart)
  if (!BIG_UNITS.has(unit)) return truncated - (local - us);
  return fromLocal(truncated, zone);
}

export function truncInterval(unitText: string, iv: PgInterval): PgInterval {
  const unit = unitOf(unitText);
  if (!unit || !TRUNC_UNITS.has(unit))
    throw new PgError(
      SqlState.invalidParameterValue,
      `unit "${unitText.toLowerCase()}" not recognized for type interval`,
    );
  if (unit === "week")
    throw new PgError(SqlState.featureNotSupported, `unit "week" not supported for type interval`, {
      detail: "Months usually have fractional weeks.",
    });
  let year = Math.trunc(iv.months / 12);
  let mon = iv.months % 12;
  let day = iv.days;
  let t = iv.micros;
  const hour = t / 3_600_000_000n;
  t -= hour * 3_600_000_000n;
  let min = t / 60_000_000n;
  t -= min * 60_000_000n;
  let sec = t / 1_000_000n;
  let fsec = t - sec * 1_000_000n;
  let h = hour;
  switch (unit) {
    case "millennium":
      year = Math.trunc(year / 1000) * 1000;
      mon = 0;
      day = 0;
      break;
    case "century":
      year = Math.trunc(year / 100) * 100;
      mon = 0;
      day = 0;
      break;
    case "decade":
      year = Math.trunc(year / 10) * 10;
      mon = 0;
      day = 0;
      break;
    case "year":
      mon = 0;
      day = 0;
      break;
    case "quarter":
      mon = 3 * Math.trunc(mon / 3);
      day = 0;
      break;
    case "month":
      day = 0;
      break;
  }
  const rank = RANKS.indexOf(unit);
  if (rank >= RANKS.indexOf("day")) h = 0n;
  if (rank >= RANKS.indexOf("hour")) min = 0n;
  if (rank >= RANKS.indexOf("minute")) sec = 0n;
  if (rank >= RANKS.indexOf("second")) fsec = 0n;
  else if (unit === "milliseconds") fsec = (fsec / 1000n) * 1000n;
  return {
    months: int32(year * 12 + mon),
    days: day,
    micros: int64(((h * 60n + min) * 60n + sec) * 1_000_000n + fsec),
  };
}

/** timestamp + interval; `zone` set for timestamptz, whose months and days move the wall clock. */
export function addInterval(us: bigint, iv: PgInterval, zone: string | null): bigint {
  if (!isFiniteTs(us)) return us;
  let ts = us;
  if (iv.months !== 0) {
    const local = zone === null ? ts : toLocal(ts, zone);
    const f = fieldsOf(local);
    let m = f.month - 1 + iv.months;
    let year = f.year + Math.floor(m / 12);
    m = ((m % 12) + 12) % 12;
    const month = m + 1;
    if (year < -4713 || year > 294276) throw timestampOutOfRange();
    const day = Math.min(f.day, daysInMonth(year, month));
    year = year as number;
    const moved = microsOf(daysOf(year, month, day), f.hour, f.min, f.sec, f.fsec);
    ts = zone === null ? moved : fromLocal(moved, zone);
  }
  if (iv.days !== 0) {
    const local = zone === null ? ts : toLocal(ts, zone);
    const moved = local + BigInt(iv.days) * USECS_PER_DAY;
    ts = zone === null ? moved : fromLocal(moved, zone);
  }
  ts += iv.micros;
  if (ts < -211813488000000000n || ts >= 9223371331200000000n) throw timestampOutOfRange();
  return ts;
}

export function negate(iv: PgInterval): PgInterval {
  if (iv.months === INT32_MIN || iv.days === INT32_MIN || iv.micros === INT64_MIN) throw intervalOutOfRange();
  return { months: -iv.months || 0, days: -iv.days || 0, micros: -iv.micros };
}

export function addIntervals(a: PgInterval, b: PgInterval): PgInterval {
  return {
    months: int32(a.months + b.months),
    days: int32(a.days + b.days),
    micros: int64(a.micros + b.micros),
  };
}

export function justifyHours(iv: PgInterval): PgInterval {
  let time = iv.micros;
  const wholeday = time / USECS_PER_DAY;
  time -= wholeday * USECS_PER_DAY;
  let day = int32(iv.days + Number(wholeday));
  if (day > 0 && time < 0n) {
    time += USECS_PER_DAY;
    day--;
  } else if (day < 0 && time > 0n) {
    time -= USECS_PER_DAY;
    day++;
  }
  return { months: iv.months, days: day, micros: time };
}

export function justifyDays(iv: PgInterval): PgInterval {
  const wholemonth = Math.trunc(iv.days / 30);
  let day = iv.days - wholemonth * 30;
  let month = int32(iv.months + wholemonth);
  if (month > 0 && day < 0) {
    day += 30;
    month--;
  } else if (month < 0 && day > 0) {
    day -= 30;
    month++;
  }
  return { months: month, days: day, micros: iv.micros };
}

export function justifyInterval(iv: PgInterval): PgInterval {
  let time = iv.micros;
  let day = iv.days;
  let month = iv.months;
  const wholeday = time / USECS_PER_DAY;
  time -= wholeday * USECS_PER_DAY;
  day = int32(day + Number(wholeday));
  const wholemonth = Math.trunc(day / 30);
  day -= wholemonth * 30;
  month = int32(month + wholemonth);
  if (month > 0 && (day < 0 || (day === 0 && time < 0n))) {
    day += 30;
    month--;
  } else if (month < 0 && (day > 0 || (day === 0 && time > 0n))) {
    day -= 30;
    month++;
  }
  if (day > 0 && time < 0n) {
    time += USECS_PER_DAY;
    day--;
  } else if (day < 0 && time > 0n) {
    time -= USECS_PER_DAY;
    day++;
  }
  return { months: month, days: day, micros: time };
}

const tsround = (x: number): number => Math.round(x * 1e6) / 1e6;
/** C's rint: round half to even */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function scaleInterval(iv: PgInterval, factor: number, divide: boolean): PgInterval {
  const f = (x: number): number => (divide ? x / factor : x * factor);
  const mDouble = f(iv.months);
  if (Number.isNaN(mDouble) || mDouble > INT32_MAX || mDouble < INT32_MIN) throw intervalOutOfRange();
  const months = Math.trunc(mDouble);
  const dDouble = f(iv.days);
  if (Number.isNaN(dDouble) || dDouble > INT32_MAX || dDouble < INT32_MIN) throw intervalOutOfRange();
  let days = Math.trunc(dDouble);
  const monthRemainderDays = tsround((mDouble - months) * 30);
  let secRemainder = tsround((dDouble - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400);
  if (Math.abs(secRemainder) >= 86400) {
    days += Math.trunc(secRemainder / 86400);
    secRemainder -= Math.trunc(secRemainder / 86400) * 86400;
  }
  days += Math.trunc(monthRemainderDays);
  const t = rint(f(Number(iv.micros)) + secRemainder * 1e6);
  if (Number.isNaN(t) || t < -9.223372036854776e18 || t >= 9.223372036854776e18) throw intervalOutOfRange();
  return { months: months || 0, days: int32(days) || 0, micros: BigInt(t) };
}

export function mulInterval(iv: PgInterval, factor: number): PgInterval {
  return scaleInterval(iv, factor, false);
}
export function divInterval(iv: PgInterval, factor: number): PgInterval {
  if (factor === 0) throw new PgError(SqlState.divisionByZero, "division by zero");
  return scaleInterval(iv, factor, true);
}

/** timestamp - timestamp: the microsecond difference, justified into days and time. */
export function subtractTimestamps(a: bigint, b: bigint): PgInterval {
  if (!isFiniteTs(a) || !isFiniteTs(b))
    throw new PgError(SqlState.datetimeFieldOverflow, "cannot subtract infinite timestamps");
  return justifyHours({ months: 0, days: 0, micros: int64(a - b) });
}

/** age(a, b): the symbolic difference in years, months, days and time (timestamp_age). */
export function age(a: bigint, b: bigint, zone: string | null): PgInterval {
  // PostgreSQL decomposes +infinity as a (far) ordinary instant in UTC and fails on -infinity
  if (a === TS_NOBEGIN || b === TS_NOBEGIN) throw timestampOutOfRange();
  // +infinity is shifted by the zone's far-future January offset (what PostgreSQL ends up using)
  const farJanuary = 6_344_179_200_000_000n; // 2201-01-15
  const local = (x: bigint) => {
    if (zone === null) return x;
    if (x === TS_NOEND) return x + (toLocal(farJanuary, zone) - farJanuary);
    return toLocal(x, zone);
  };
  const t1 = fieldsOf(local(a));
  const t2 = fieldsOf(local(b));
  let fsec = t1.fsec - t2.fsec;
  let sec = t1.sec - t2.sec;
  let min = t1.min - t2.min;
  let hour = t1.hour - t2.hour;
  let mday = t1.day - t2.day;
  let mon = t1.month - t2.month;
  let year = t1.year - t2.year;
  const flip = a < b;
  if (flip) {
    fsec = -fsec;
    sec = -sec;
    min = -min;
    hour = -hour;
    mday = -mday;
    mon = -mon;
    year = -year;
  }
  while (fsec < 0) {
    fsec += 1_000_000;
    sec--;
  }
  while (sec < 0) {
    sec += 60;
    min--;
  }
  while (min < 0) {
    min += 60;
    hour--;
  }
  while (hour < 0) {
    hour += 24;
    mday--;
  }
  while (mday < 0) {
    const ref = flip ? t1 : t2;
    mday += daysInMonth(ref.year, ref.month);
    mon--;
  }
  while (mon < 0) {
    mon += 12;
    year--;
  }
  if (flip) {
    fsec = -fsec;
    sec = -sec;
    min = -min;
    hour = -hour;
    mday = -mday;
    mon = -mon;
    year = -year;
  }
  return {
    months: int32(year * 12 + mon) || 0,
    days: mday || 0,
    micros: BigInt(((hour * 60 + min) * 60 + sec) * 1_000_000 + fsec),
  };
}
