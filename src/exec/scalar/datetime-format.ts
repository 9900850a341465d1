/**
 * to_char for timestamps and the basic to_date/to_timestamp parsing (formatting.c), for the
 * common template patterns. Unknown text in a template is copied, as PostgreSQL does.
 */
import { PgError } from "../../common/pg-error.ts";
import { epochMsOf } from "../../common/value-datetime.ts";
import { zoneAbbreviation } from "../../common/value-timezone.ts";
import {
  date2j,
  daysInMonth,
  daysOf,
  type Fields,
  fieldsOf,
  microsOf,
  POSTGRES_EPOCH_JDATE,
} from "./datetime-core.ts";
import { dowOf, isoDow, isoWeek } from "./datetime-extract.ts";

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

// longest first so that e.g. "HH24" wins over "HH" and "MONTH" over "MON"
const PATTERNS = [
  "A.M.",
  "a.m.",
  "P.M.",
  "p.m.",
  "B.C.",
  "b.c.",
  "A.D.",
  "a.d.",
  "HH24",
  "HH12",
  "YYYY",
  "IYYY",
  "Y,YYY",
  "MONTH",
  "Month",
  "month",
  "IDDD",
  "DDD",
  "YYY",
  "IYY",
  "MON",
  "Mon",
  "mon",
  "DAY",
  "Day",
  "day",
  "AM",
  "am",
  "PM",
  "pm",
  "BC",
  "bc",
  "AD",
  "ad",
  "HH",
  "MI",
  "SS",
  "MS",
  "US",
  "YY",
  "IY",
  "MM",
  "DD",
  "DY",
  "Dy",
  "dy",
  "ID",
  "IW",
  "WW",
  "CC",
  "TZ",
  "tz",
  "OF",
  "Q",
  "D",
  "J",
  "Y",
  "I",
  "W",
];

export interface Zone {
  offset: number;
  abbrev: string;
}

function ordinal(n: number, upper: boolean): string {
  const last2 = Math.abs(n) % 100;
  const last = Math.abs(n) % 10;
  let suf = "th";
  if (last2 < 11 || last2 > 13) {
    if (last === 1) suf = "st";
    else if (last === 2) suf = "nd";
    else if (last === 3) suf = "rd";
  }
  return upper ? suf.toUpperCase() : suf;
}

function num(n: number, width: number, fm: boolean): string {
  if (fm) return String(n);
  const neg = n < 0;
  const s = String(Math.abs(n)).padStart(width, "0");
  return neg ? `-${s}` : s;
}

function nameCase(name: string, pattern: string, width: number, fm: boolean): string {
  let s = name;
  if (pattern === pattern.toUpperCase()) s = s.toUpperCase();
  else if (pattern === pattern.toLowerCase()) s = s.toLowerCase();
  return fm ? s : s.padEnd(width, " ");
}

function formatOffset(offset: number): string {
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const h = String(Math.floor(abs / 3600)).padStart(2, "0");
  const m = Math.floor((abs % 3600) / 60);
  return m ? `${sign}${h}:${String(m).padStart(2, "0")}` : `${sign}${h}`;
}

function field(p: string, f: Fields, fm: boolean, zone: Zone | null): string | number {
  const jd = f.days + POSTGRES_EPOCH_JDATE;
  const displayYear = f.year <= 0 ? 1 - f.year : f.year;
  const iso = () => isoWeek(f.year, f.month, f.day);
  const isoYear = () => {
    const y = iso().year;
    return y <= 0 ? 1 - y : y;
  };
  switch (p) {
    case "HH24":
      return num(f.hour, 2, fm);
    case "HH":
    case "HH12":
      return num(f.hour % 12 === 0 ? 12 : f.hour % 12, 2, fm);
    case "MI":
      return num(f.min, 2, fm);
    case "SS":
      return num(f.sec, 2, fm);
    case "MS":
      return num(Math.floor(f.fsec / 1000), 3, fm);
    case "US":
      return num(f.fsec, 6, fm);
    case "AM":
    case "PM":
      return f.hour >= 12 ? "PM" : "AM";
    case "am":
    case "pm":
      return f.hour >= 12 ? "pm" : "am";
    case "A.M.":
    case "P.M.":
      return f.hour >= 12 ? "P.M." : "A.M.";
    case "a.m.":
    case "p.m.":
      return f.hour >= 12 ? "p.m." : "a.m.";
    case "BC":
    case "AD":
      return f.year <= 0 ? "BC" : "AD";
    case "bc":
    case "ad":
      return f.year <= 0 ? "bc" : "ad";
    case "B.C.":
    case "A.D.":
      return f.year <= 0 ? "B.C." : "A.D.";
    case "b.c.":
    case "a.d.":
      return f.year <= 0 ? "b.c." : "a.d.";
    case "YYYY":
      return num(displayYear, 4, fm);
    case "Y,YYY":
      return `${Math.floor(displayYear / 1000)},${String(displayYear % 1000).padStart(3, "0")}`;
    case "YYY":
      return num(displayYear % 1000, 3, fm);
    case "YY":
      return num(displayYear % 100, 2, fm);
    case "Y":
      return num(displayYear % 10, 1, fm);
    case "IYYY":
      return num(isoYear(), 4, fm);
    case "IYY":
      return num(isoYear() % 1000, 3, fm);
    case "IY":
      return num(isoYear() % 100, 2, fm);
    case "I":
      return num(isoYear() % 10, 1, fm);
    case "MONTH":
    case "Month":
    case "month":
      return nameCase(MONTHS[f.month - 1], p, 9, fm);
    case "MON":
    case "Mon":
    case "mon":
      return nameCase(MONTHS[f.month - 1].slice(0, 3), p, 3, true);
    case "MM":
      return num(f.month, 2, fm);
    case "DAY":
    case "Day":
    case "day":
      return nameCase(DAYS[dowOf(jd)], p, 9, fm);
    case "DY":
    case "Dy":
    case "dy":
      return nameCase(DAYS[dowOf(jd)].slice(0, 3), p, 3, true);
    case "DDD":
      return num(jd - date2j(f.year, 1, 1) + 1, 3, fm);
    case "IDDD": {
      const w = iso();
      return num((w.week - 1) * 7 + isoDow(jd), 3, fm);
    }
    case "DD":
      return num(f.day, 2, fm);
    case "D":
      return String(dowOf(jd) + 1);
    case "ID":
      return String(isoDow(jd));
    case "WW":
      return num(Math.floor((jd - date2j(f.year, 1, 1)) / 7) + 1, 2, fm);
    case "IW":
      return num(iso().week, 2, fm);
    case "W":
      return String(Math.floor((f.day - 1) / 7) + 1);
    case "Q":
      return String(Math.floor((f.month - 1) / 3) + 1);
    case "CC": {
      const cc = f.year > 0 ? Math.trunc((f.year + 99) / 100) : -Math.trunc((99 - (f.year - 1)) / 100);
      return num(cc, 2, fm);
    }
    case "J":
      return String(jd);
    case "TZ":
      return zone ? zone.abbrev.toUpperCase() : "";
    case "tz":
      return zone ? zone.abbrev.toLowerCase() : "";
    case "OF":
      return zone ? formatOffset(zone.offset) : "+00";
  }
  return p;
}

// numeric patterns are also recognised in lower case (dd, hh24, yyyy …)
const LOWER_PATTERNS = [
  "hh24",
  "hh12",
  "yyyy",
  "iyyy",
  "y,yyy",
  "iddd",
  "ddd",
  "yyy",
  "iyy",
  "hh",
  "mi",
  "ss",
  "ms",
  "us",
  "yy",
  "iy",
  "mm",
  "dd",
  "id",
  "iw",
  "ww",
  "cc",
  "of",
  "q",
  "d",
  "j",
  "y",
  "i",
  "w",
];
const ALL_PATTERNS = [...PATTERNS, ...LOWER_PATTERNS].sort((a, b) => b.length - a.length);

const NUMERIC_PATTERNS = new Set([
  "HH24",
  "HH",
  "HH12",
  "MI",
  "SS",
  "MS",
  "US",
  "YYYY",
  "YYY",
  "YY",
  "Y",
  "IYYY",
  "IYY",
  "IY",
  "I",
  "MM",
  "DDD",
  "IDDD",
  "DD",
  "D",
  "ID",
  "WW",
  "IW",
  "W",
  "Q",
  "CC",
  "J",
]);

/** to_char(timestamp, fmt): `local` is the wall-clock value, `zone` set for timestamptz. */
export function toChar(local: bigint, fmt: string, zone: Zone | null): string {
  const f = fieldsOf(local);
  let out = "";
  let i = 0;
  while (i < fmt.length) {
    let fm = false;
    if (fmt.startsWith("FM", i) || fmt.startsWith("fm", i)) {
      fm = true;
      i += 2;
    }
    const found = ALL_PATTERNS.find((k) => fmt.startsWith(k, i));
    if (found) {
      i += found.length;
      const p = LOWER_PATTERNS.includes(found) ? found.toUpperCase() : found;
      let text = String(field(p, f, fm, zone));
      if (NUMERIC_PATTERNS.has(p) && (fmt.startsWith("TH", i) || fmt.startsWith("th", i))) {
        text += ordinal(Number(text), fmt[i] === "T");
        i += 2;
      }
      out += text;
      continue;
    }
    if (fm) {
      out += fmt.slice(i - 2, i);
      fm = false;
    }
    const c = fmt[i];
    if (c === '"') {
      let j = i + 1;
      while (j < fmt.length && fmt[j] !== '"') {
        if (fmt[j] === "\\" && j + 1 < fmt.length) j++;
        out += fmt[j];
        j++;
      }
      i = j + 1;
      continue;
    }
    if (c === "\\" && fmt[i + 1] === '"') {
      out += '"';
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

export function zoneFor(zoneName: string, utc: bigint, offset: number): Zone {
  const abbrev = zoneAbbreviation(zoneName, epochMsOf(utc), offset) ?? formatOffset(offset);
  return { offset, abbrev };
}

// ---------------------------------------------------------------- to_date / to_timestamp

function invalidFor(message: string, detail?: string): PgError {
  return new PgError("22007", message, { detail });
}

export interface ParsedStamp {
  year: number;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  fsec: number;
}

const PARSE_PATTERNS = [
  "HH24",
  "HH12",
  "YYYY",
  "MONTH",
  "Month",
  "month",
  "DDD",
  "MON",
  "Mon",
  "mon",
  "HH",
  "MI",
  "SS",
  "MS",
  "US",
  "YY",
  "MM",
  "DD",
  "AM",
  "PM",
  "am",
  "pm",
];
const WIDTH: Record<string, number> = {
  HH24: 2,
  HH12: 2,
  HH: 2,
  YYYY: 4,
  DDD: 3,
  MI: 2,
  SS: 2,
  MS: 3,
  US: 6,
  YY: 2,
  MM: 2,
  DD: 2,
};

/** The basic to_timestamp template parser: numeric fields, month names, AM/PM; separators skipped. */
export function parseStamp(input: string, fmt: string): ParsedStamp {
  const r: ParsedStamp = { year: 1, month: 1, day: 1, hour: 0, min: 0, sec: 0, fsec: 0 };
  let pm: boolean | null = null;
  let hour12 = false;
  let i = 0;
  let j = 0;
  while (i < fmt.length) {
    if (fmt.startsWith("FM", i)) {
      i += 2;
      continue;
    }
    const p = PARSE_PATTERNS.find((k) => fmt.startsWith(k, i));
    if (!p) {
      // a separator or literal in the template skips one input character
      if (/[A-Za-z0-9]/.test(fmt[i]))
        throw new PgError("0A000", `to_timestamp template pattern "${fmt[i]}" is not supported in memory`);
      i++;
      if (j < input.length && !/[A-Za-z0-9]/.test(input[j])) j++;
      continue;
    }
    i += p.length;
    while (j < input.length && input[j] === " ") j++;
    if (p.toUpperCase() === "MONTH" || p.toUpperCase() === "MON") {
      const rest = input.slice(j).toLowerCase();
      const idx = MONTHS.findIndex((m) =>
        rest.startsWith(p.toUpperCase() === "MON" ? m.slice(0, 3).toLowerCase() : m.toLowerCase()),
      );
      if (idx < 0)
        throw invalidFor(
          `invalid value "${input.slice(j, j + (p.length === 3 ? 3 : 9)).trim()}" for "${p}"`,
          "The given value did not match any of the allowed values for this field.",
        );
      r.month = idx + 1;
      j += p.toUpperCase() === "MON" ? 3 : MONTHS[idx].length;
      continue;
    }
    if (p.toUpperCase() === "AM" || p.toUpperCase() === "PM") {
      const t = input.slice(j, j + 2).toUpperCase();
      if (t !== "AM" && t !== "PM")
        throw invalidFor(
          `invalid value "${input.slice(j, j + 2)}" for "${p}"`,
          "The given value did not match any of the allowed values for this field.",
        );
      pm = t === "PM";
      j += 2;
      continue;
    }
    const width = WIDTH[p];
    const m = new RegExp(`^[+-]?\\d{1,${p === "YYYY" ? 9 : width}}`).exec(input.slice(j));
    if (!m) {
      if (j >= input.length) continue;
      throw invalidFor(
        `invalid value "${input.slice(j, j + width)}" for "${p}"`,
        "Value must be an integer.",
      );
    }
    j += m[0].length;
    const v = Number(m[0]);
    switch (p) {
      case "YYYY":
        r.year = v;
        break;
      case "YY":
        r.year = v < 70 ? 2000 + v : 1900 + v;
        break;
      case "MM":
        r.month = v;
        break;
      case "DD":
        r.day = v;
        break;
      case "HH24":
        r.hour = v;
        break;
      case "HH":
      case "HH12":
        hour12 = true;
        r.hour = v;
        break;
      case "MI":
        r.min = v;
        break;
      case "SS":
        r.sec = v;
        break;
      case "MS":
        r.fsec = v * 1000;
        break;
      case "US":
        r.fsec = v;
        break;
    }
  }
  if (hour12 || pm !== null) {
    if (r.hour < 1 || r.hour > 12)
      throw invalidFor(
        `hour "${r.hour}" is invalid for the 12-hour clock`,
        "Use the 24-hour clock, or give an hour between 1 and 12.",
      );
    if (pm && r.hour < 12) r.hour += 12;
    else if (pm === false && r.hour === 12) r.hour = 0;
  }
  if (r.year === 0) throw invalidFor("cannot calculate day of year without year information");
  if (r.year < 0) r.year += 1;
  return r;
}

export function validDate(p: ParsedStamp, text: string, typeName: string): number {
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > daysInMonth(p.year, p.month))
    throw new PgError("22008", `date/time field value out of range: "${text}"`);
  void typeName;
  return daysOf(p.year, p.month, p.day);
}

export function stampMicros(p: ParsedStamp, text: string): bigint {
  const days = validDate(p, text, "timestamp");
  if (p.hour > 24 || p.min > 59 || p.sec > 60 || (p.hour === 24 && (p.min > 0 || p.sec > 0 || p.fsec > 0)))
    throw new PgError("22008", `date/time field value out of range: "${text}"`);
  return microsOf(days, p.hour, p.min, p.sec, p.fsec);
}
