/** interval: the four IntervalStyle outputs, Postgres's text input forms, and the binary form. */
import { PgError } from "./pg-error.ts";
import { ByteReader, ByteWriter } from "./value-bytes.ts";
import type { PgInterval } from "./values.ts";

const INVALID_DATETIME_FORMAT = "22007";
const INTERVAL_FIELD_OVERFLOW = "22015";

const USECS_PER_SEC = 1_000_000n;
const USECS_PER_MINUTE = 60_000_000n;
const USECS_PER_HOUR = 3_600_000_000n;

// ---------------------------------------------------------------- output

interface Itm {
  year: number;
  mon: number;
  mday: number;
  hour: bigint;
  min: number;
  sec: number;
  fsec: number;
}

/** interval2itm: every field truncates toward zero, so signs stay per field. */
function split(iv: PgInterval): Itm {
  let time = iv.micros;
  const hour = time / USECS_PER_HOUR;
  time -= hour * USECS_PER_HOUR;
  const min = time / USECS_PER_MINUTE;
  time -= min * USECS_PER_MINUTE;
  const sec = time / USECS_PER_SEC;
  const fsec = time - sec * USECS_PER_SEC;
  return {
    year: Math.trunc(iv.months / 12),
    mon: iv.months % 12,
    mday: iv.days,
    hour,
    min: Number(min),
    sec: Number(sec),
    fsec: Number(fsec),
  };
}

function pad2(n: number | bigint): string {
  const s = String(n);
  return s.length < 2 ? `0${s}` : s;
}

/** AppendSeconds with abs values; `fill` zero-pads to two digits. */
function seconds(sec: number, fsec: number, fill: boolean): string {
  const s = fill ? pad2(Math.abs(sec)) : String(Math.abs(sec));
  if (fsec === 0) return s;
  return `${s}.${String(Math.abs(fsec)).padStart(6, "0").replace(/0+$/, "")}`;
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

export function formatInterval(iv: PgInterval, style: string): string {
  const t = split(iv);
  switch (style.toLowerCase()) {
    case "iso_8601":
      return isoStyle(t);
    case "sql_standard":
      return sqlStandardStyle(t);
    case "postgres_verbose":
      return verboseStyle(t);
    default:
      return postgresStyle(t);
  }
}

function postgresStyle(t: Itm): string {
  let out = "";
  let isZero = true;
  let isBefore = false;
  const part = (value: number, unit: string) => {
    if (value === 0) return;
    out += `${isZero ? "" : " "}${isBefore && value > 0 ? "+" : ""}${value} ${unit}${value !== 1 ? "s" : ""}`;
    isBefore = value < 0;
    isZero = false;
  };
  part(t.year, "year");
  part(t.mon, "mon");
  part(t.mday, "day");
  if (isZero || t.hour !== 0n || t.min !== 0 || t.sec !== 0 || t.fsec !== 0) {
    const minus = t.hour < 0n || t.min < 0 || t.sec < 0 || t.fsec < 0;
    out += `${isZero ? "" : " "}${minus ? "-" : isBefore ? "+" : ""}${pad2(abs(t.hour))}:${pad2(Math.abs(t.min))}:`;
    out += seconds(t.sec, t.fsec, true);
  }
  return out;
}

function verboseStyle(t: Itm): string {
  let out = "@";
  let isZero = true;
  let isBefore = false;
  const part = (v: number | bigint, unit: string) => {
    let value = BigInt(v);
    if (value === 0n) return;
    if (isZero) {
      isBefore = value < 0n;
      value = abs(value);
    } else if (isBefore) value = -value;
    out += ` ${value} ${unit}${value === 1n ? "" : "s"}`;
    isZero = false;
  };
  part(t.year, "year");
  part(t.mon, "mon");
  part(t.mday, "day");
  part(t.hour, "hour");
  part(t.min, "min");
  if (t.sec !== 0 || t.fsec !== 0) {
    out += " ";
    if (t.sec < 0 || (t.sec === 0 && t.fsec < 0)) {
      if (isZero) isBefore = true;
      else if (!isBefore) out += "-";
    } else if (isBefore) out += "-";
    out += seconds(t.sec, t.fsec, false);
    out += ` sec${Math.abs(t.sec) !== 1 || t.fsec !== 0 ? "s" : ""}`;
    isZero = false;
  }
  if (isZero) out += " 0";
  if (isBefore) out += " ago";
  return out;
}

function sqlStandardStyle(t: Itm): string {
  let { year, mon, mday, hour, min, sec, fsec } = t;
  const hasNegative = year < 0 || mon < 0 || mday < 0 || hour < 0n || min < 0 || sec < 0 || fsec < 0;
  const hasPositive = year > 0 || mon > 0 || mday > 0 || hour > 0n || min > 0 || sec > 0 || fsec > 0;
  const hasYearMonth = year !== 0 || mon !== 0;
  const hasDayTime = mday !== 0 || hour !== 0n || min !== 0 || sec !== 0 || fsec !== 0;
  const hasDay = mday !== 0;
  const standard = !(hasNegative && hasPositive) && !(hasYearMonth && hasDayTime);
  let out = "";
  if (hasNegative && standard) {
    out += "-";
    year = -year;
    mon = -mon;
    mday = -mday;
    hour = -hour;
    min = -min;
    sec = -sec;
    fsec = -fsec;
  }
  if (!hasNegative && !hasPositive) return `${out}0`;
  if (!standard) {
    const yearSign = year < 0 || mon < 0 ? "-" : "+";
    const daySign = mday < 0 ? "-" : "+";
    const secSign = hour < 0n || min < 0 || sec < 0 || fsec < 0 ? "-" : "+";
    return `${out}${yearSign}${Math.abs(year)}-${Math.abs(mon)} ${daySign}${Math.abs(mday)} ${secSign}${abs(hour)}:${pad2(Math.abs(min))}:${seconds(sec, fsec, true)}`;
  }
  if (hasYearMonth) return `${out}${year}-${mon}`;
  if (hasDay) return `${out}${mday} ${hour}:${pad2(min)}:${seconds(sec, fsec, true)}`;
  return `${out}${hour}:${pad2(min)}:${seconds(sec, fsec, true)}`;
}

function isoStyle(t: Itm): string {
  if (
    t.year === 0 &&
    t.mon === 0 &&
    t.mday === 0 &&
    t.hour === 0n &&
    t.min === 0 &&
    t.sec === 0 &&
    t.fsec === 0
  )
    return "PT0S";
  let out = "P";
  const part = (v: number | bigint, unit: string) => {
    if (v !== 0 && v !== 0n) out += `${v}${unit}`;
  };
  part(t.year, "Y");
  part(t.mon, "M");
  part(t.mday, "D");
  if (t.hour !== 0n || t.min !== 0 || t.sec !== 0 || t.fsec !== 0) out += "T";
  part(t.hour, "H");
  part(t.min, "M");
  if (t.sec !== 0 || t.fsec !== 0) {
    if (t.sec < 0 || t.fsec < 0) out += "-";
    out += `${seconds(t.sec, t.fsec, false)}S`;
  }
  return out;
}

// ---------------------------------------------------------------- input

type Unit =
  | "microsecond"
  | "millisecond"
  | "second"
  | "minute"
  | "hour"
  | "day"
  | "week"
  | "month"
  | "year"
  | "decade"
  | "century"
  | "millennium";

const UNITS: Record<string, Unit> = {};
const unitWords: [Unit, string[]][] = [
  ["microsecond", ["microsecond", "microseconds", "microsecon", "us", "usec", "usecs", "useconds"]],
  ["millisecond", ["millisecond", "milliseconds", "millisecon", "ms", "msec", "msecs", "mseconds"]],
  ["second", ["second", "seconds", "s", "sec", "secs"]],
  ["minute", ["minute", "minutes", "m", "min", "mins"]],
  ["hour", ["hour", "hours", "h", "hr", "hrs"]],
  ["day", ["day", "days", "d"]],
  ["week", ["week", "weeks", "w"]],
  ["month", ["month", "months", "mon", "mons"]],
  ["year", ["year", "years", "y", "yr", "yrs"]],
  ["decade", ["decade", "decades", "dec", "decs"]],
  ["century", ["century", "centuries", "c", "cent"]],
  ["millennium", ["millennium", "millennia", "mil", "mils"]],
];
for (const [unit, words] of unitWords) for (const w of words) UNITS[w] = unit;

function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/** Accumulates fields the way Postgres's pg_itm_in does, including fractional carry-down. */
class Acc {
  months = 0;
  days = 0;
  micros = 0n;

  fractMicros(frac: number, scale: number): void {
    if (frac === 0) return;
    const f = frac * scale;
    const whole = Math.trunc(f);
    this.micros += BigInt(whole) + BigInt(rint(f - whole));
  }
  fractDays(frac: number, scale: number): void {
    if (frac === 0) return;
    const f = frac * scale;
    const whole = Math.trunc(f);
    this.days += whole;
    this.fractMicros(f - whole, 86_400_000_000);
  }
  fractYears(frac: number, scale: number): void {
    if (frac === 0) return;
    this.months += rint(frac * scale * 12);
  }
  add(unit: Unit, val: bigint, frac: number): void {
    const n = Number(val);
    switch (unit) {
      case "microsecond":
        this.micros += val;
        this.fractMicros(frac, 1);
        break;
      case "millisecond":
        this.micros += val * 1000n;
        this.fractMicros(frac, 1000);
        break;
      case "second":
        this.micros += val * USECS_PER_SEC;
        this.fractMicros(frac, 1_000_000);
        break;
      case "minute":
        this.micros += val * USECS_PER_MINUTE;
        this.fractMicros(frac, 60_000_000);
        break;
      case "hour":
        this.micros += val * USECS_PER_HOUR;
        this.fractMicros(frac, 3_600_000_000);
        break;
      case "day":
        this.days += n;
        this.fractMicros(frac, 86_400_000_000);
        break;
      case "week":
        this.days += n * 7;
        this.fractDays(frac, 7);
        break;
      case "month":
        this.months += n;
        this.fractDays(frac, 30);
        break;
      case "year":
        this.months += n * 12;
        this.fractYears(frac, 1);
        break;
      case "decade":
        this.months += n * 120;
        this.fractYears(frac, 10);
        break;
      case "century":
        this.months += n * 1200;
        this.fractYears(frac, 100);
        break;
      case "millennium":
        this.months += n * 12000;
        this.fractYears(frac, 1000);
        break;
    }
  }
}

function badInterval(text: string): PgError {
  return new PgError(INVALID_DATETIME_FORMAT, `invalid input syntax for type interval: "${text}"`);
}
function overflow(text: string): PgError {
  return new PgError(INTERVAL_FIELD_OVERFLOW, `interval field value out of range: "${text}"`);
}

/** "-12.5" → integer part and signed fraction, as ParseFraction/strtoint split it. */
function splitNumber(s: string): { val: bigint; frac: number } {
  const negative = s.startsWith("-");
  const body = s.replace(/^[+-]/, "");
  const [intPart, fracPart] = body.split(".");
  const val = BigInt(intPart || "0");
  const frac = fracPart ? Number(`0.${fracPart}`) : 0;
  return { val: negative ? -val : val, frac: negative ? -frac : frac };
}

type Tok =
  | { k: "num"; s: string }
  | { k: "time"; s: string }
  | { k: "ym"; s: string }
  | { k: "word"; s: string };

function tokenize(lower: string): Tok[] | null {
  const out: Tok[] = [];
  let i = 0;
  while (i < lower.length) {
    const c = lower[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "@" || c === ",") {
      i++;
      continue;
    }
    const rest = lower.slice(i);
    let m = /^[+-]?\d+:\d+(?::\d+)?(?:\.\d*)?/.exec(rest);
    if (m) {
      out.push({ k: "time", s: m[0] });
      i += m[0].length;
      continue;
    }
    // a date ("2024-02-29") is no interval; PostgreSQL refuses it rather than reading "2024-02" and "-29"
    if (/^[+-]?\d+-\d+-/.test(rest)) return null;
    m = /^[+-]?\d+-\d+(?![\d.:])/.exec(rest);
    if (m) {
      out.push({ k: "ym", s: m[0] });
      i += m[0].length;
      continue;
    }
    m = /^[+-]?(?:\d+\.?\d*|\.\d+)/.exec(rest);
    if (m) {
      out.push({ k: "num", s: m[0] });
      i += m[0].length;
      continue;
    }
    m = /^[a-z]+/.exec(rest);
    if (m) {
      out.push({ k: "word", s: m[0] });
      i += m[0].length;
      continue;
    }
    return null;
  }
  return out;
}

function timeToMicros(s: string, text: string): bigint {
  const negative = s.startsWith("-");
  const m = /^[+-]?(\d+):(\d+)(?::(\d+))?(\.\d*)?$/.exec(s);
  if (!m) throw badInterval(text);
  const minutes = Number(m[2]);
  const secs = Number(m[3] ?? 0);
  if (minutes > 59 || secs > 60) throw new PgError("22008", `date/time field value out of range: "${text}"`);
  let us = BigInt(m[1]) * USECS_PER_HOUR + BigInt(minutes) * USECS_PER_MINUTE + BigInt(secs) * USECS_PER_SEC;
  if (m[4] && m[4].length > 1) us += BigInt(rint(Number(`0${m[4]}`) * 1_000_000));
  return negative ? -us : us;
}

/** interval_in for the postgres, verbose, SQL-standard and ISO 8601 input forms. */
export function parseInterval(text: string, intervalStyle = "postgres"): PgInterval {
  const lower = text.trim().toLowerCase();
  const acc = new Acc();
  if (/^-?p/.test(lower) && !lower.startsWith("-p")) parseIso(lower, text, acc);
  else parsePostgres(lower, text, acc, intervalStyle.toLowerCase() === "sql_standard");
  const result = { months: acc.months, days: acc.days, micros: acc.micros };
  if (
    result.months > 2147483647 ||
    result.months < -2147483648 ||
    result.days > 2147483647 ||
    result.days < -2147483648 ||
    result.micros > 2n ** 63n - 1n ||
    result.micros < -(2n ** 63n)
  )
    throw overflow(text);
  return { months: result.months + 0, days: result.days + 0, micros: result.micros };
}

function parsePostgres(lower: string, text: string, acc: Acc, sqlStandard: boolean): void {
  const tokens = tokenize(lower);
  if (!tokens || tokens.length === 0) throw badInterval(text);
  // SQL standard: "-1 2:03:04" is negative as a whole unless another field carries its own sign
  const forceNegative =
    sqlStandard &&
    tokens[0].k !== "word" &&
    tokens[0].s.startsWith("-") &&
    tokens.slice(1).every((t) => !t.s.startsWith("-") && !t.s.startsWith("+"));
  let ago = false;
  if (tokens[tokens.length - 1].k === "word" && tokens[tokens.length - 1].s === "ago") {
    ago = true;
    tokens.pop();
    if (tokens.length === 0) throw badInterval(text);
  }
  const used = new Set<string>();
  const use = (field: string) => {
    if (used.has(field)) throw badInterval(text);
    used.add(field);
  };
  let pending: Unit | "dayBeforeTime" | null = null;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const tok = tokens[i];
    switch (tok.k) {
      case "word": {
        if (pending !== null && pending !== "dayBeforeTime") throw badInterval(text);
        const unit = UNITS[tok.s];
        if (!unit) throw badInterval(text);
        pending = unit;
        break;
      }
      case "time":
        if (pending !== null && pending !== "dayBeforeTime") throw badInterval(text);
        use("hour");
        use("minute");
        use("second");
        acc.micros += timeToMicros(tok.s, text);
        // a bare number before "H:M:S" is days (the SQL "D H:M:S" form)
        pending = "dayBeforeTime";
        break;
      case "ym": {
        if (pending !== null) throw badInterval(text);
        const negative = tok.s.startsWith("-");
        const [y, m] = tok.s.replace(/^[+-]/, "").split("-").map(Number);
        if (m > 11) throw new PgError("22008", `date/time field value out of range: "${text}"`);
        use("year");
        use("month");
        const months = y * 12 + m;
        acc.months += negative ? -months : months;
        break;
      }
      case "num": {
        const unit: Unit = pending === null ? "second" : pending === "dayBeforeTime" ? "day" : pending;
        use(unit);
        const { val, frac } = splitNumber(tok.s);
        acc.add(unit, val, frac);
        pending = null;
        break;
      }
    }
  }
  if (pending !== null && pending !== "dayBeforeTime") throw badInterval(text);
  if (forceNegative) {
    if (acc.micros > 0n) acc.micros = -acc.micros;
    if (acc.days > 0) acc.days = -acc.days;
    if (acc.months > 0) acc.months = -acc.months;
  }
  if (ago) {
    acc.months = -acc.months;
    acc.days = -acc.days;
    acc.micros = -acc.micros;
  }
}

/** ISO 8601 "format with designators" and the alternative P0001-02-03T04:05:06 form. */
function parseIso(lower: string, text: string, acc: Acc): void {
  const alt = /^p(\d+)-(\d+)-(\d+)(?:t(\d+):(\d+):(\d+(?:\.\d*)?))?$/.exec(lower);
  if (alt) {
    acc.months += Number(alt[1]) * 12 + Number(alt[2]);
    acc.days += Number(alt[3]);
    if (alt[4] !== undefined) acc.micros += timeToMicros(`${alt[4]}:${alt[5]}:${alt[6]}`, text);
    return;
  }
  let i = 1;
  let inTime = false;
  let any = false;
  while (i < lower.length) {
    if (lower[i] === "t") {
      if (inTime) throw badInterval(text);
      inTime = true;
      i++;
      continue;
    }
    const m = /^([+-]?(?:\d+\.?\d*|\.\d+))([a-z])/.exec(lower.slice(i));
    if (!m) throw badInterval(text);
    const { val, frac } = splitNumber(m[1]);
    const d = m[2];
    if (!inTime && d === "y") acc.add("year", val, frac);
    else if (!inTime && d === "m") acc.add("month", val, frac);
    else if (!inTime && d === "w") acc.add("week", val, frac);
    else if (!inTime && d === "d") acc.add("day", val, frac);
    else if (inTime && d === "h") acc.add("hour", val, frac);
    else if (inTime && d === "m") acc.add("minute", val, frac);
    else if (inTime && d === "s") acc.add("second", val, frac);
    else throw badInterval(text);
    any = true;
    i += m[0].length;
  }
  if (!any) throw badInterval(text);
}

// ---------------------------------------------------------------- binary

export function encodeIntervalBinary(iv: PgInterval): Uint8Array {
  return new ByteWriter(16).int64(iv.micros).int32(iv.days).int32(iv.months).finish();
}

export function decodeIntervalBinary(data: Uint8Array): PgInterval {
  const r = new ByteReader(data);
  const micros = r.int64();
  const days = r.int32();
  const months = r.int32();
  r.end();
  return { months, days, micros };
}
