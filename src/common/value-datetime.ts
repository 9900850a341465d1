/**
 * date, time, timestamp and timestamptz: Postgres's calendar arithmetic (Julian day
 * numbers, proleptic Gregorian, 1 BC = year 0), DateStyle output and text input.
 * Internally a date is days since 2000-01-01 and a timestamp microseconds since then.
 */
import { PgError, SqlState } from "./pg-error.ts";
import { isKnownZone, localToUtcMs, zoneAbbreviation, zoneOffsetSeconds } from "./value-timezone.ts";

/** 22007; not in SqlState (a contract file), so named here. */
export const INVALID_DATETIME_FORMAT = "22007";

export const POSTGRES_EPOCH_JDATE = 2451545;
export const USECS_PER_DAY = 86_400_000_000n;
const EPOCH_2000_MS = 946_684_800_000;

export const DATE_NOBEGIN = -2147483648;
export const DATE_NOEND = 2147483647;
export const TS_NOBEGIN = -(2n ** 63n);
export const TS_NOEND = 2n ** 63n - 1n;
const DATE_MIN = -POSTGRES_EPOCH_JDATE; // 4714-11-24 BC
const DATE_END = 2147483494 - POSTGRES_EPOCH_JDATE; // 5874898-01-01
const TS_MIN = -211813488000000000n;
const TS_END = 9223371331200000000n; // 294277-01-01

export function date2j(year: number, month: number, day: number): number {
  let y = year;
  let m = month;
  if (m > 2) {
    m += 1;
    y += 4800;
  } else {
    m += 13;
    y += 4799;
  }
  const century = Math.floor(y / 100);
  let julian = y * 365 - 32167;
  julian += Math.floor(y / 4) - century + Math.floor(century / 4);
  julian += Math.floor((7834 * m) / 256) + day;
  return julian;
}

export function j2date(jd: number): [number, number, number] {
  let julian = jd + 32044;
  let quad = Math.floor(julian / 146097);
  const extra = (julian - quad * 146097) * 4 + 3;
  julian += 60 + quad * 3 + Math.floor(extra / 146097);
  quad = Math.floor(julian / 1461);
  julian -= quad * 1461;
  let y = Math.floor((julian * 4) / 1461);
  julian = (y !== 0 ? (julian + 305) % 365 : (julian + 306) % 366) + 123;
  y += quad * 4;
  const year = y - 4800;
  quad = Math.floor((julian * 2141) / 65536);
  const day = julian - Math.floor((7834 * quad) / 256);
  const month = ((quad + 10) % 12) + 1;
  return [year, month, day];
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1];
}

// ---------------------------------------------------------------- DateStyle

export type DateStyleName = "ISO" | "SQL" | "POSTGRES" | "GERMAN";
export type DateOrder = "MDY" | "DMY" | "YMD";
export interface DateStyle {
  style: DateStyleName;
  order: DateOrder;
}

const dateStyles = new Map<string, DateStyle>();

/** Reads the DateStyle GUC the way Postgres does: an output style and/or a field order. */
export function parseDateStyle(setting: string): DateStyle {
  const cached = dateStyles.get(setting);
  if (cached) return cached;
  let style: DateStyleName = "ISO";
  let order: DateOrder | null = null;
  for (const raw of setting.split(/[\s,]+/)) {
    const t = raw.toUpperCase();
    if (t === "ISO" || t === "SQL" || t === "POSTGRES" || t === "GERMAN") {
      style = t;
      if (t === "GERMAN" && order === null) order = "DMY";
    } else if (t === "YMD") order = "YMD";
    else if (t === "DMY" || t === "EURO" || t === "EUROPEAN") order = "DMY";
    else if (t === "MDY" || t === "US" || t === "NONEURO" || t === "NONEUROPEAN") order = "MDY";
  }
  const result = { style, order: order ?? "MDY" };
  dateStyles.set(setting, result);
  return result;
}

// ---------------------------------------------------------------- output

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
function displayYear(year: number): string {
  return String(year > 0 ? year : 1 - year).padStart(4, "0");
}

/** "SS" plus a fraction with trailing zeros trimmed, as AppendSeconds prints. */
function secondsText(sec: number, fsec: number): string {
  const s = pad2(sec);
  if (fsec === 0) return s;
  return `${s}.${String(fsec).padStart(6, "0").replace(/0+$/, "")}`;
}

function splitDays(days: number): { year: number; month: number; day: number } {
  const [year, month, day] = j2date(days + POSTGRES_EPOCH_JDATE);
  return { year, month, day };
}

export function formatDate(days: number, ds: DateStyle): string {
  if (days === DATE_NOBEGIN) return "-infinity";
  if (days === DATE_NOEND) return "infinity";
  const { year, month, day } = splitDays(days);
  const y = displayYear(year);
  const bc = year <= 0 ? " BC" : "";
  switch (ds.style) {
    case "ISO":
      return `${y}-${pad2(month)}-${pad2(day)}${bc}`;
    case "SQL":
      return ds.order === "DMY"
        ? `${pad2(day)}/${pad2(month)}/${y}${bc}`
        : `${pad2(month)}/${pad2(day)}/${y}${bc}`;
    case "GERMAN":
      return `${pad2(day)}.${pad2(month)}.${y}${bc}`;
    case "POSTGRES":
      return ds.order === "DMY"
        ? `${pad2(day)}-${pad2(month)}-${y}${bc}`
        : `${pad2(month)}-${pad2(day)}-${y}${bc}`;
  }
}

interface TimeParts {
  hour: number;
  min: number;
  sec: number;
  fsec: number;
}
function splitTime(us: bigint): TimeParts {
  const total = Number(us);
  const fsec = total % 1_000_000;
  const secs = (total - fsec) / 1_000_000;
  return { hour: Math.floor(secs / 3600), min: Math.floor((secs % 3600) / 60), sec: secs % 60, fsec };
}

export function formatTime(us: bigint): string {
  const t = splitTime(us);
  return `${pad2(t.hour)}:${pad2(t.min)}:${secondsText(t.sec, t.fsec)}`;
}

/** EncodeTimezone: +HH, +HH:MM when minutes are set, +HH:MM:SS when seconds are. */
export function formatOffset(offsetSeconds: number): string {
  const sign = offsetSeconds >= 0 ? "+" : "-";
  let rest = Math.abs(offsetSeconds);
  const hour = Math.floor(rest / 3600);
  rest -= hour * 3600;
  const min = Math.floor(rest / 60);
  const sec = rest - min * 60;
  if (sec !== 0) return `${sign}${pad2(hour)}:${pad2(min)}:${pad2(sec)}`;
  if (min !== 0) return `${sign}${pad2(hour)}:${pad2(min)}`;
  return `${sign}${pad2(hour)}`;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

interface ZoneShown {
  offset: number;
  abbrev: string | null;
}

/** EncodeDateTime for a timestamp already shifted to local time; `zone` set for timestamptz. */
function formatLocalTimestamp(local: bigint, ds: DateStyle, zone: ZoneShown | null): string {
  const dayNum = floorDiv(local, USECS_PER_DAY);
  const { year, month, day } = splitDays(Number(dayNum));
  const t = splitTime(local - dayNum * USECS_PER_DAY);
  const y = displayYear(year);
  const bc = year <= 0 ? " BC" : "";
  const clock = `${pad2(t.hour)}:${pad2(t.min)}:${secondsText(t.sec, t.fsec)}`;
  const named = zone ? ` ${zone.abbrev ?? formatOffset(zone.offset)}` : "";
  switch (ds.style) {
    case "ISO":
      return `${y}-${pad2(month)}-${pad2(day)} ${clock}${zone ? formatOffset(zone.offset) : ""}${bc}`;
    case "SQL": {
      const md = ds.order === "DMY" ? `${pad2(day)}/${pad2(month)}` : `${pad2(month)}/${pad2(day)}`;
      return `${md}/${y} ${clock}${named}${bc}`;
    }
    case "GERMAN":
      return `${pad2(day)}.${pad2(month)}.${y} ${clock}${named}${bc}`;
    case "POSTGRES": {
      const dow = DAYS[(Number(dayNum) + POSTGRES_EPOCH_JDATE + 1) % 7];
      const md =
        ds.order === "DMY" ? `${pad2(day)} ${MONTHS[month - 1]}` : `${MONTHS[month - 1]} ${pad2(day)}`;
      return `${dow} ${md} ${clock} ${y}${named}${bc}`;
    }
  }
}

export function formatTimestamp(us: bigint, ds: DateStyle): string {
  if (us === TS_NOBEGIN) return "-infinity";
  if (us === TS_NOEND) return "infinity";
  return formatLocalTimestamp(us, ds, null);
}

export function epochMsOf(us: bigint): number {
  return Number(floorDiv(us, 1000n)) + EPOCH_2000_MS;
}

/** timestamptz output in the session's TimeZone. */
export function formatTimestamptz(us: bigint, ds: DateStyle, timeZone: string): string {
  if (us === TS_NOBEGIN) return "-infinity";
  if (us === TS_NOEND) return "infinity";
  const ms = epochMsOf(us);
  const offset = zoneOffsetSeconds(timeZone, ms);
  const abbrev = ds.style === "ISO" ? null : zoneAbbreviation(timeZone, ms, offset);
  return formatLocalTimestamp(us + BigInt(offset) * 1_000_000n, ds, { offset, abbrev });
}

// ---------------------------------------------------------------- input

export type DateTimeType = "date" | "time" | "timestamp" | "timestamptz";
const TYPE_NAMES: Record<DateTimeType, string> = {
  date: "date",
  time: "time",
  timestamp: "timestamp",
  timestamptz: "timestamp with time zone",
};

function badFormat(type: DateTimeType, text: string): PgError {
  // A lone one- or two-digit field that cannot be a month is a day out of range in PostgreSQL's decoder.
  const lone = /^\s*(\d{1,2})\s*$/.exec(text);
  if (type !== "time" && lone && (Number(lone[1]) === 0 || Number(lone[1]) > 12)) return fieldOverflow(text);
  return new PgError(INVALID_DATETIME_FORMAT, `invalid input syntax for type ${TYPE_NAMES[type]}: "${text}"`);
}
function fieldOverflow(text: string, hint?: string): PgError {
  return new PgError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`, {
    hint,
  });
}
function outOfRange(type: DateTimeType, text: string): PgError {
  return new PgError(
    SqlState.datetimeFieldOverflow,
    `${type === "date" ? "date" : "timestamp"} out of range: "${text}"`,
  );
}

const MONTH_WORDS: Record<string, number> = {};
[
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
].forEach((name, i) => {
  MONTH_WORDS[name] = i + 1;
  MONTH_WORDS[name.slice(0, 3)] = i + 1;
});
MONTH_WORDS.sept = 9;
const DOW_WORDS = new Set(
  ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"].flatMap((d) => [
    d,
    d.slice(0, 3),
  ]),
);
DOW_WORDS.add("tues").add("wednes").add("thur").add("thurs");

/** The handful of zone abbreviations from Postgres's Default set that clients actually send. */
const ZONE_ABBREVS: Record<string, number> = {
  utc: 0,
  gmt: 0,
  z: 0,
  zulu: 0,
  ut: 0,
  est: -5 * 3600,
  edt: -4 * 3600,
  cst: -6 * 3600,
  cdt: -5 * 3600,
  mst: -7 * 3600,
  mdt: -6 * 3600,
  pst: -8 * 3600,
  pdt: -7 * 3600,
  akst: -9 * 3600,
  akdt: -8 * 3600,
  hst: -10 * 3600,
  wet: 0,
  west: 3600,
  bst: 3600,
  cet: 3600,
  cest: 7200,
  met: 3600,
  mest: 7200,
  eet: 7200,
  eest: 3 * 3600,
  msk: 3 * 3600,
  jst: 9 * 3600,
  ist: 2 * 3600, // Israel, as in Postgres's Default abbreviation set
  kst: 9 * 3600,
  aest: 10 * 3600,
  aedt: 11 * 3600,
  nzst: 12 * 3600,
  nzdt: 13 * 3600,
};

type Token =
  | { k: "num"; s: string }
  | { k: "date"; parts: string[] }
  | { k: "time"; s: string }
  | { k: "tz"; s: string }
  | { k: "word"; s: string; raw: string };

const DATE_TOKEN = /^(\d+|[a-z]+)([-/.])(\d+|[a-z]+)\2(\d+|[a-z]+)/;

function tokenize(text: string): Token[] | null {
  const lower = text.toLowerCase();
  const out: Token[] = [];
  let i = 0;
  while (i < lower.length) {
    const c = lower[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === ",") {
      i++;
      continue;
    }
    const rest = lower.slice(i);
    if (c >= "0" && c <= "9") {
      const date = DATE_TOKEN.exec(rest);
      if (date) {
        out.push({ k: "date", parts: [date[1], date[3], date[4]] });
        i += date[0].length;
        continue;
      }
      const time = /^\d+:\d+(?::\d+)?(?:\.\d*)?/.exec(rest);
      if (time) {
        out.push({ k: "time", s: time[0] });
        i += time[0].length;
        continue;
      }
      const num = /^\d+(?:\.\d*)?/.exec(rest)!;
      out.push({ k: "num", s: num[0] });
      i += num[0].length;
      continue;
    }
    if (c === "+" || c === "-") {
      const tz = /^[+-]\d+(?::\d+){0,2}/.exec(rest);
      if (tz) {
        out.push({ k: "tz", s: tz[0] });
        i += tz[0].length;
        continue;
      }
      const word = /^[+-][a-z]+/.exec(rest);
      if (word) {
        out.push({ k: "word", s: word[0], raw: text.slice(i, i + word[0].length) });
        i += word[0].length;
        continue;
      }
      return null;
    }
    if (c >= "a" && c <= "z") {
      // ISO 8601 "T" between date and time
      if (c === "t" && /^t\d/.test(rest)) {
        i++;
        continue;
      }
      const word = /^[a-z][a-z0-9_]*(?:\/[a-z0-9_+-]+)+/.exec(rest) ?? /^[a-z]+\.?/.exec(rest)!;
      const s = word[0].replace(/\.$/, "");
      out.push({ k: "word", s, raw: text.slice(i, i + s.length) });
      i += word[0].length;
      continue;
    }
    return null;
  }
  return out;
}

interface Fields {
  year?: number;
  yearDigits?: number;
  month?: number;
  day?: number;
  hour?: number;
  min?: number;
  sec?: number;
  usec?: number;
  offset?: number;
  zone?: string;
  bc: boolean;
  ampm?: "am" | "pm";
  special?: "epoch" | "infinity" | "-infinity" | "now" | "today" | "tomorrow" | "yesterday" | "allballs";
}

/** C rint(): round half to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

function fractionToMicros(frac: string): number {
  return frac.length <= 1 ? 0 : rint(Number(`0${frac}`) * 1_000_000);
}

function parseOffset(s: string): number | null {
  const sign = s[0] === "-" ? -1 : 1;
  const body = s.slice(1);
  let h: number;
  let m = 0;
  let sec = 0;
  if (body.includes(":")) {
    const p = body.split(":");
    h = Number(p[0]);
    m = Number(p[1]);
    sec = Number(p[2] ?? 0);
  } else if (body.length <= 2) h = Number(body);
  else if (body.length <= 4) {
    h = Number(body.slice(0, -2));
    m = Number(body.slice(-2));
  } else if (body.length <= 6) {
    h = Number(body.slice(0, -4));
    m = Number(body.slice(-4, -2));
    sec = Number(body.slice(-2));
  } else return null;
  if (h > 15) return null;
  if (m > 59 || sec > 59) return null;
  return sign * (h * 3600 + m * 60 + sec);
}

function readFields(text: string, type: DateTimeType, order: DateOrder): Fields {
  const tokens = tokenize(text.trim());
  if (!tokens || tokens.length === 0) throw badFormat(type, text);
  const f: Fields = { bc: false };
  const loose: string[] = [];
  let textualMonth = false;
  const setDate = (y: string, m: number, d: string) => {
    if (f.year !== undefined) throw badFormat(type, text);
    f.year = Number(y);
    f.yearDigits = y.length;
    f.month = m;
    f.day = Number(d);
  };
  for (const tok of tokens) {
    switch (tok.k) {
      case "date": {
        const [a, b, c] = tok.parts;
        const monthAt = tok.parts.findIndex((p) => /^[a-z]/.test(p));
        if (monthAt >= 0) {
          const month = MONTH_WORDS[tok.parts[monthAt]];
          if (!month) throw badFormat(type, text);
          const nums = tok.parts.filter((_, i) => i !== monthAt);
          if (nums.some((n) => !/^\d+$/.test(n))) throw badFormat(type, text);
          if (nums[0].length > 2) setDate(nums[0], month, nums[1]);
          else setDate(nums[1], month, nums[0]);
        } else if (a.length > 2) setDate(a, Number(b), c);
        else if (order === "YMD") setDate(a, Number(b), c);
        else if (order === "DMY") setDate(c, Number(b), a);
        else setDate(c, Number(a), b);
        break;
      }
      case "time": {
        if (f.hour !== undefined) throw badFormat(type, text);
        const m = /^(\d+):(\d+)(?::(\d+))?(\.\d*)?$/.exec(tok.s);
        if (!m) throw badFormat(type, text);
        f.hour = Number(m[1]);
        f.min = Number(m[2]);
        f.sec = Number(m[3] ?? 0);
        f.usec = fractionToMicros(m[4] ?? "");
        break;
      }
      case "tz": {
        const offset = parseOffset(tok.s);
        if (offset === null || f.offset !== undefined || f.zone !== undefined) throw badFormat(type, text);
        f.offset = offset;
        break;
      }
      case "num":
        loose.push(tok.s);
        break;
      case "word": {
        const w = tok.s;
        if (MONTH_WORDS[w] !== undefined) {
          if (f.month !== undefined) throw badFormat(type, text);
          f.month = MONTH_WORDS[w];
          textualMonth = true;
        } else if (DOW_WORDS.has(w)) {
          // the weekday is redundant; Postgres ignores it
        } else if (w === "am" || w === "pm") f.ampm = w;
        else if (w === "bc") f.bc = true;
        else if (w === "ad") f.bc = false;
        else if (
          w === "epoch" ||
          w === "infinity" ||
          w === "-infinity" ||
          w === "now" ||
          w === "today" ||
          w === "tomorrow" ||
          w === "yesterday" ||
          w === "allballs"
        ) {
          if (f.special) throw badFormat(type, text);
          f.special = w;
        } else if (w === "+infinity") f.special = "infinity";
        else if (w === "at" || w === "on") {
          // noise words
        } else if (ZONE_ABBREVS[w] !== undefined) {
          if (f.offset !== undefined || f.zone !== undefined) throw badFormat(type, text);
          f.offset = ZONE_ABBREVS[w];
        } else if (isKnownZone(tok.raw)) {
          if (f.offset !== undefined || f.zone !== undefined) throw badFormat(type, text);
          f.zone = tok.raw;
        } else if (w.includes("/")) {
          throw new PgError(SqlState.invalidParameterValue, `time zone "${w}" not recognized`);
        } else throw badFormat(type, text);
        break;
      }
    }
  }
  if (textualMonth) {
    if (loose.length !== 2 || f.year !== undefined) throw badFormat(type, text);
    const [p, q] = loose;
    const month = f.month!;
    f.month = undefined;
    if (p.length > 2) setDate(p, month, q);
    else setDate(q, month, p);
  } else if (loose.length > 0) {
    // concatenated ISO forms: YYYYMMDD and HHMMSS
    for (const n of loose) {
      if (f.year === undefined && /^\d{8}$/.test(n))
        setDate(n.slice(0, 4), Number(n.slice(4, 6)), n.slice(6));
      else if (f.year === undefined && /^\d{6}$/.test(n) && f.hour === undefined && type !== "time")
        setDate(n.slice(0, 2), Number(n.slice(2, 4)), n.slice(4));
      else if (f.hour === undefined && /^\d{6}(\.\d*)?$/.test(n)) {
        f.hour = Number(n.slice(0, 2));
        f.min = Number(n.slice(2, 4));
        f.sec = Number(n.slice(4, 6));
        f.usec = fractionToMicros(n.slice(6));
      } else throw badFormat(type, text);
    }
  }
  return f;
}

interface Resolved {
  /** days since 2000-01-01 of the date part, or a special */
  days?: number;
  /** microseconds since midnight */
  time?: bigint;
  offset?: number;
  zone?: string;
  special?: Fields["special"];
}

function resolve(text: string, type: DateTimeType, order: DateOrder): Resolved {
  const f = readFields(text, type, order);
  if (f.special) {
    if (f.year !== undefined || f.hour !== undefined) throw badFormat(type, text);
    return { special: f.special, offset: f.offset, zone: f.zone };
  }
  const r: Resolved = { offset: f.offset, zone: f.zone };
  if (f.year !== undefined) {
    let year = f.year;
    if (f.bc) {
      if (year <= 0) throw fieldOverflow(text);
      year = 1 - year;
    } else if (f.yearDigits !== undefined && f.yearDigits <= 2) {
      year += year < 70 ? 2000 : 1900;
    } else if (year <= 0) throw fieldOverflow(text);
    const month = f.month!;
    const day = f.day!;
    if (month < 1 || month > 12)
      throw fieldOverflow(text, 'Perhaps you need a different "datestyle" setting.');
    if (day < 1 || day > daysInMonth(year, month)) throw fieldOverflow(text);
    const julian = date2j(year, month, day);
    r.days = julian - POSTGRES_EPOCH_JDATE;
  } else if (f.bc) throw badFormat(type, text);
  if (f.hour !== undefined) {
    let hour = f.hour;
    if (f.ampm) {
      if (hour < 1 || hour > 12) throw fieldOverflow(text);
      if (f.ampm === "am" && hour === 12) hour = 0;
      else if (f.ampm === "pm" && hour !== 12) hour += 12;
    }
    const min = f.min ?? 0;
    const sec = f.sec ?? 0;
    const usec = f.usec ?? 0;
    if (hour < 0 || hour > 24 || min > 59 || sec > 60 || usec > 1_000_000) throw fieldOverflow(text);
    if (hour === 24 && (min > 0 || sec > 0 || usec > 0)) throw fieldOverflow(text);
    r.time = BigInt(((hour * 60 + min) * 60 + sec) * 1_000_000 + usec);
  } else if (f.ampm) throw badFormat(type, text);
  return r;
}

function nowMicros(): bigint {
  return (BigInt(Date.now()) - BigInt(EPOCH_2000_MS)) * 1000n;
}

/** midnight today in `zone`, as days since 2000-01-01 */
function todayIn(zone: string): number {
  const ms = Date.now();
  const offset = zoneOffsetSeconds(zone, ms);
  return Math.floor((ms + offset * 1000 - EPOCH_2000_MS) / 86_400_000);
}

export interface InputContext {
  order: DateOrder;
  timeZone: string;
}

export function parseDate(text: string, ctx: InputContext): number {
  const r = resolve(text, "date", ctx.order);
  switch (r.special) {
    case "infinity":
      return DATE_NOEND;
    case "-infinity":
      return DATE_NOBEGIN;
    case "epoch":
      return -10957;
    case "now":
    case "today":
      return todayIn(ctx.timeZone);
    case "tomorrow":
      return todayIn(ctx.timeZone) + 1;
    case "yesterday":
      return todayIn(ctx.timeZone) - 1;
    case "allballs":
      throw badFormat("date", text);
  }
  if (r.days === undefined) throw badFormat("date", text);
  if (r.days < DATE_MIN || r.days >= DATE_END) throw outOfRange("date", text);
  return r.days;
}

export function parseTime(text: string, ctx: InputContext): bigint {
  const r = resolve(text, "time", ctx.order);
  if (r.special === "allballs") return 0n;
  if (r.special === "now") {
    const us = nowMicros() + BigInt(zoneOffsetSeconds(ctx.timeZone, Date.now())) * 1_000_000n;
    return us - floorDiv(us, USECS_PER_DAY) * USECS_PER_DAY;
  }
  if (r.special || r.time === undefined) throw badFormat("time", text);
  return r.time;
}

export function parseTimestamp(text: string, ctx: InputContext, withZone: boolean): bigint {
  const type: DateTimeType = withZone ? "timestamptz" : "timestamp";
  const r = resolve(text, type, ctx.order);
  switch (r.special) {
    case "infinity":
      return TS_NOEND;
    case "-infinity":
      return TS_NOBEGIN;
    case "epoch":
      return -946684800000000n;
    case "now":
      return withZone ? nowMicros() : toLocal(nowMicros(), ctx.timeZone);
    case "today":
    case "tomorrow":
    case "yesterday": {
      const shift = r.special === "today" ? 0 : r.special === "tomorrow" ? 1 : -1;
      const local = BigInt(todayIn(ctx.timeZone) + shift) * USECS_PER_DAY;
      return withZone ? fromLocal(local, ctx.timeZone) : local;
    }
    case "allballs":
      throw badFormat(type, text);
  }
  if (r.days === undefined) throw badFormat(type, text);
  let local = BigInt(r.days) * USECS_PER_DAY + (r.time ?? 0n);
  if (withZone) {
    if (r.offset !== undefined) local -= BigInt(r.offset) * 1_000_000n;
    else local = fromLocal(local, r.zone ?? ctx.timeZone);
  }
  if (local < TS_MIN || local >= TS_END) throw outOfRange(type, text);
  return local;
}

function toLocal(us: bigint, zone: string): bigint {
  return us + BigInt(zoneOffsetSeconds(zone, epochMsOf(us))) * 1_000_000n;
}

/** wall-clock microseconds in `zone` → UTC microseconds, with Postgres's DST-edge rule */
function fromLocal(local: bigint, zone: string): bigint {
  const localMs = epochMsOf(local);
  const utcMs = localToUtcMs(zone, localMs);
  return local - BigInt(localMs - utcMs) * 1000n;
}
