/**
 * Date/time functions and operators with PostgreSQL's signatures and semantics. timestamptz
 * values are UTC microseconds; anything calendar-shaped (date_trunc, extract, + interval)
 * works on the wall clock of the session's TimeZone, as PostgreSQL does.
 */
import { PgError, SqlState } from "../../common/pg-error.ts";
import { Oid, type TypeOid } from "../../common/pg-types.ts";
import { canonicalTime, timeMicros } from "../../common/value-temporal.ts";
import type { PgInterval, Value } from "../../common/values.ts";
import type { EvalContext } from "../row-source.ts";
import {
  addInterval,
  addIntervals,
  age,
  divInterval,
  justifyDays,
  justifyHours,
  justifyInterval,
  mulInterval,
  negate,
  subtractTimestamps,
  truncInterval,
  truncTimestamp,
  truncTimestamptz,
} from "./datetime-arith.ts";
import {
  checkDate,
  checkTs,
  checkZoneName,
  DATE_NOBEGIN,
  DATE_NOEND,
  dateIn,
  dateOut,
  daysInMonth,
  daysOf,
  fieldsOf,
  fromLocal,
  isFiniteDate,
  offsetAt,
  TS_NOBEGIN,
  TS_NOEND,
  toLocal,
  tsIn,
  tsOut,
  tstzIn,
  tstzOut,
  USECS_PER_DAY,
} from "./datetime-core.ts";
import { datePartOfDate, intervalPart, type Part, timePart, timestampPart } from "./datetime-extract.ts";
import { parseStamp, stampMicros, toChar, validDate, zoneFor } from "./datetime-format.ts";
import { type FunctionOverload, registerFunction, registerOperator, type Volatility } from "./registry.ts";

const {
  text: T,
  int4: I4,
  float8: F8,
  numeric: N,
  date: D,
  time: TM,
  timestamp: TS,
  timestamptz: TZ,
  interval: IV,
} = Oid;

function fn(
  name: string,
  args: TypeOid[],
  returns: TypeOid,
  impl: (a: Value[], ctx: EvalContext) => Value,
  volatility: Volatility = "immutable",
): FunctionOverload {
  return { name, args, returns, strict: true, volatility, impl };
}
function def(...a: Parameters<typeof fn>): void {
  registerFunction(fn(...a));
}
function op(...a: Parameters<typeof fn>): void {
  registerOperator(fn(...a));
}

const s = (v: Value): string => v as string;
const iv = (v: Value): PgInterval => v as PgInterval;
const zoneOf = (ctx: EvalContext): string => ctx.settings.timeZone;

// ---------------------------------------------------------------- current time

def("now", [], TZ, (_a, ctx) => ctx.transactionTimestamp, "stable");
def("transaction_timestamp", [], TZ, (_a, ctx) => ctx.transactionTimestamp, "stable");
def("current_timestamp", [], TZ, (_a, ctx) => ctx.transactionTimestamp, "stable");
def("statement_timestamp", [], TZ, (_a, ctx) => ctx.statementTimestamp, "stable");
def(
  "clock_timestamp",
  [],
  TZ,
  () => {
    const us = BigInt(Date.now()) * 1000n - 946_684_800_000_000n;
    return tstzOut(us);
  },
  "volatile",
);
def(
  "current_date",
  [],
  D,
  (_a, ctx) => {
    const local = toLocal(tstzIn(ctx.transactionTimestamp), zoneOf(ctx));
    return dateOut(fieldsOf(local).days);
  },
  "stable",
);
def(
  "localtimestamp",
  [],
  TS,
  (_a, ctx) => tsOut(toLocal(tstzIn(ctx.transactionTimestamp), zoneOf(ctx))),
  "stable",
);
def(
  "localtime",
  [],
  TM,
  (_a, ctx) => {
    const local = toLocal(tstzIn(ctx.transactionTimestamp), zoneOf(ctx));
    const day = fieldsOf(local).days;
    return canonicalTime(local - BigInt(day) * USECS_PER_DAY);
  },
  "stable",
);

// ---------------------------------------------------------------- date_trunc

def("date_trunc", [T, TS], TS, (a) => tsOut(truncTimestamp(s(a[0]), tsIn(a[1]))));
def(
  "date_trunc",
  [T, TZ],
  TZ,
  (a, ctx) => tstzOut(truncTimestamptz(s(a[0]), tstzIn(a[1]), zoneOf(ctx))),
  "stable",
);
def("date_trunc", [T, TZ, T], TZ, (a) =>
  tstzOut(truncTimestamptz(s(a[0]), tstzIn(a[1]), checkZoneName(s(a[2])))),
);
def("date_trunc", [T, IV], IV, (a) => truncInterval(s(a[0]), iv(a[1])));

// ---------------------------------------------------------------- extract / date_part

const numPart = (p: Part | null): Value => (p === null ? null : p.num);
const floatPart = (p: Part | null): Value => (p === null ? null : p.float);
def("extract", [T, TS], N, (a) => numPart(timestampPart(s(a[0]), tsIn(a[1]), null)));
def("extract", [T, TZ], N, (a, ctx) => numPart(timestampPart(s(a[0]), tstzIn(a[1]), zoneOf(ctx))), "stable");
def("extract", [T, D], N, (a) => numPart(datePartOfDate(s(a[0]), dateIn(a[1]))));
def("extract", [T, IV], N, (a) => intervalPart(s(a[0]), iv(a[1])).num);
def("extract", [T, TM], N, (a) => timePart(s(a[0]), timeMicros(s(a[1]))).num);
def("date_part", [T, TS], F8, (a) => floatPart(timestampPart(s(a[0]), tsIn(a[1]), null)));
def(
  "date_part",
  [T, TZ],
  F8,
  (a, ctx) => floatPart(timestampPart(s(a[0]), tstzIn(a[1]), zoneOf(ctx))),
  "stable",
);
// date_part(text, date) is SQL: date_part($1, $2::timestamp)
def("date_part", [T, D], F8, (a) => floatPart(timestampPart(s(a[0]), dateToTs(dateIn(a[1])), null)));
def("date_part", [T, IV], F8, (a) => intervalPart(s(a[0]), iv(a[1])).float);
def("date_part", [T, TM], F8, (a) => timePart(s(a[0]), timeMicros(s(a[1]))).float);

// ---------------------------------------------------------------- age, make_*

def("age", [TS, TS], IV, (a) => age(tsIn(a[0]), tsIn(a[1]), null));
def("age", [TZ, TZ], IV, (a, ctx) => age(tstzIn(a[0]), tstzIn(a[1]), zoneOf(ctx)), "stable");
def(
  "age",
  [TS],
  IV,
  (a, ctx) => {
    const today = fieldsOf(toLocal(tstzIn(ctx.transactionTimestamp), zoneOf(ctx))).days;
    return age(BigInt(today) * USECS_PER_DAY, tsIn(a[0]), null);
  },
  "stable",
);
def(
  "age",
  [TZ],
  IV,
  (a, ctx) => {
    const zone = zoneOf(ctx);
    const today = fieldsOf(toLocal(tstzIn(ctx.transactionTimestamp), zone)).days;
    return age(fromLocal(BigInt(today) * USECS_PER_DAY, zone), tstzIn(a[0]), zone);
  },
  "stable",
);

function makeDate(year: number, month: number, day: number): number {
  const y = year < 0 ? year + 1 : year;
  if (year === 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(y, month))
    throw new PgError(
      SqlState.datetimeFieldOverflow,
      `date field value out of range: ${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
    );
  return daysOf(y, month, day);
}
def("make_date", [I4, I4, I4], D, (a) => dateOut(makeDate(a[0] as number, a[1] as number, a[2] as number)));

function secText(sec: number): string {
  // %02g
  const g = formatG(sec);
  return sec < 10 && sec >= 0 ? `0${g}` : g;
}
def("make_timestamp", [I4, I4, I4, I4, I4, F8], TS, (a) => {
  const [year, month, day, hour, min] = a as number[];
  const sec = a[5] as number;
  const days = makeDate(year, month, day);
  if (
    hour < 0 ||
    min < 0 ||
    min > 59 ||
    sec < 0 ||
    sec > 60 ||
    Number.isNaN(sec) ||
    hour > 24 ||
    (hour === 24 && (min > 0 || sec > 0))
  )
    throw new PgError(
      SqlState.datetimeFieldOverflow,
      `time field value out of range: ${hour}:${String(min).padStart(2, "0")}:${secText(sec)}`,
    );
  const time = BigInt((hour * 60 + min) * 60) * 1_000_000n + BigInt(Math.round(sec * 1e6));
  return tsOut(BigInt(days) * USECS_PER_DAY + time);
});

// ---------------------------------------------------------------- to_char, to_date, to_timestamp

def(
  "to_char",
  [TS, T],
  T,
  (a) => {
    const us = tsIn(a[0]);
    if (us === TS_NOBEGIN || us === TS_NOEND) return null;
    return toChar(us, s(a[1]), null);
  },
  "stable",
);
def(
  "to_char",
  [TZ, T],
  T,
  (a, ctx) => {
    const us = tstzIn(a[0]);
    if (us === TS_NOBEGIN || us === TS_NOEND) return null;
    const zone = zoneOf(ctx);
    const offset = offsetAt(zone, us);
    return toChar(us + BigInt(offset) * 1_000_000n, s(a[1]), zoneFor(zone, us, offset));
  },
  "stable",
);
def("to_date", [T, T], D, (a) => dateOut(validDate(parseStamp(s(a[0]), s(a[1])), s(a[0]), "date")), "stable");
def(
  "to_timestamp",
  [T, T],
  TZ,
  (a, ctx) => tstzOut(fromLocal(stampMicros(parseStamp(s(a[0]), s(a[1])), s(a[0])), zoneOf(ctx))),
  "stable",
);
def("to_timestamp", [F8], TZ, (a) => {
  const secs = a[0] as number;
  if (Number.isNaN(secs)) throw new PgError(SqlState.datetimeFieldOverflow, "timestamp cannot be NaN");
  if (secs === Infinity) return "infinity";
  if (secs === -Infinity) return "-infinity";
  if (secs < -210866803200 || secs >= 9224318016000)
    throw new PgError(SqlState.datetimeFieldOverflow, `timestamp out of range: "${formatG(secs)}"`);
  return tstzOut(BigInt(Math.round((secs - 946684800) * 1e6)));
});
/** C's %g: six significant digits, exponent form outside 1e-4 … 1e6 */
export function formatG(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(6)))));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split("e");
    const mant = m.includes(".") ? m.replace(/\.?0+$/, "") : m;
    const en = Number(e);
    return `${mant}e${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
  }
  return String(Number(x.toPrecision(6)));
}

// ---------------------------------------------------------------- justify

def("justify_days", [IV], IV, (a) => justifyDays(iv(a[0])));
def("justify_hours", [IV], IV, (a) => justifyHours(iv(a[0])));
def("justify_interval", [IV], IV, (a) => justifyInterval(iv(a[0])));

// ---------------------------------------------------------------- AT TIME ZONE

def("timezone", [T, TS], TZ, (a) => {
  const us = tsIn(a[1]);
  if (us === TS_NOBEGIN || us === TS_NOEND) return a[1];
  return tstzOut(fromLocal(us, checkZoneName(s(a[0]))));
});
def("timezone", [T, TZ], TS, (a) => {
  const us = tstzIn(a[1]);
  if (us === TS_NOBEGIN || us === TS_NOEND) return a[1];
  return tsOut(toLocal(us, checkZoneName(s(a[0]))));
});

// ---------------------------------------------------------------- arithmetic

function dateToTs(d: number): bigint {
  if (d === DATE_NOBEGIN) return TS_NOBEGIN;
  if (d === DATE_NOEND) return TS_NOEND;
  return checkTs(BigInt(d) * USECS_PER_DAY);
}
function datePlusDays(d: number, n: number): number {
  if (!isFiniteDate(d)) return d;
  const r = d + n;
  if (r < -2451545 || r >= 2147483494 - 2451545)
    throw new PgError(SqlState.datetimeFieldOverflow, "date out of range");
  return r;
}

op("+", [D, I4], D, (a) => dateOut(datePlusDays(dateIn(a[0]), a[1] as number)));
op("+", [I4, D], D, (a) => dateOut(datePlusDays(dateIn(a[1]), a[0] as number)));
op("-", [D, I4], D, (a) => dateOut(datePlusDays(dateIn(a[0]), -(a[1] as number))));
op("-", [D, D], I4, (a) => {
  const x = dateIn(a[0]);
  const y = dateIn(a[1]);
  if (!isFiniteDate(x) || !isFiniteDate(y))
    throw new PgError(SqlState.datetimeFieldOverflow, "cannot subtract infinite dates");
  return checkDate(x) - y;
});
op("+", [D, TM], TS, (a) => tsOut(addTime(dateToTs(dateIn(a[0])), timeMicros(s(a[1])))));
op("+", [TM, D], TS, (a) => tsOut(addTime(dateToTs(dateIn(a[1])), timeMicros(s(a[0])))));
function addTime(ts: bigint, t: bigint): bigint {
  return ts === TS_NOBEGIN || ts === TS_NOEND ? ts : checkTs(ts + t);
}
op("+", [D, IV], TS, (a) => tsOut(addInterval(dateToTs(dateIn(a[0])), iv(a[1]), null)));
op("+", [IV, D], TS, (a) => tsOut(addInterval(dateToTs(dateIn(a[1])), iv(a[0]), null)));
op("-", [D, IV], TS, (a) => tsOut(addInterval(dateToTs(dateIn(a[0])), negate(iv(a[1])), null)));

op("+", [TS, IV], TS, (a) => tsOut(addInterval(tsIn(a[0]), iv(a[1]), null)));
op("+", [IV, TS], TS, (a) => tsOut(addInterval(tsIn(a[1]), iv(a[0]), null)));
op("-", [TS, IV], TS, (a) => tsOut(addInterval(tsIn(a[0]), negate(iv(a[1])), null)));
op("-", [TS, TS], IV, (a) => subtractTimestamps(tsIn(a[0]), tsIn(a[1])));
op("+", [TZ, IV], TZ, (a, ctx) => tstzOut(addInterval(tstzIn(a[0]), iv(a[1]), zoneOf(ctx))), "stable");
op("+", [IV, TZ], TZ, (a, ctx) => tstzOut(addInterval(tstzIn(a[1]), iv(a[0]), zoneOf(ctx))), "stable");
op(
  "-",
  [TZ, IV],
  TZ,
  (a, ctx) => tstzOut(addInterval(tstzIn(a[0]), negate(iv(a[1])), zoneOf(ctx))),
  "stable",
);
op("-", [TZ, TZ], IV, (a) => subtractTimestamps(tstzIn(a[0]), tstzIn(a[1])));

op("+", [TM, IV], TM, (a) => canonicalTime(wrapTime(timeMicros(s(a[0])) + iv(a[1]).micros)));
op("-", [TM, IV], TM, (a) => canonicalTime(wrapTime(timeMicros(s(a[0])) - iv(a[1]).micros)));
op("-", [TM, TM], IV, (a) => ({ months: 0, days: 0, micros: timeMicros(s(a[0])) - timeMicros(s(a[1])) }));
function wrapTime(t: bigint): bigint {
  const r = t % USECS_PER_DAY;
  return r < 0n ? r + USECS_PER_DAY : r;
}

op("+", [IV, IV], IV, (a) => addIntervals(iv(a[0]), iv(a[1])));
op("-", [IV, IV], IV, (a) => addIntervals(iv(a[0]), negate(iv(a[1]))));
op("-", [IV], IV, (a) => negate(iv(a[0])));
op("*", [IV, F8], IV, (a) => mulInterval(iv(a[0]), a[1] as number));
op("*", [F8, IV], IV, (a) => mulInterval(iv(a[1]), a[0] as number));
op("/", [IV, F8], IV, (a) => divInterval(iv(a[0]), a[1] as number));
