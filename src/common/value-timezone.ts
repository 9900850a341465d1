/** UTC offsets of IANA zones (via Intl) and the local-time → UTC rule Postgres applies at DST edges. */
import { PgError, SqlState } from "./pg-error.ts";

const formatters = new Map<string, Intl.DateTimeFormat | null>();

// Intl can only format instants within ±8.64e15 ms; beyond that the offset at the edge is used.
const INTL_LIMIT_MS = 8.64e15 - 86_400_000 * 2;

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  return f;
}

/** Fixed offsets written as zone names: UTC, GMT, Z, and POSIX-less "+05:30"-style are handled by the caller. */
const UTC_NAMES = new Set([
  "utc",
  "gmt",
  "z",
  "zulu",
  "ut",
  "etc/utc",
  "etc/gmt",
  "universal",
  "etc/universal",
]);

export function isUtcZone(zone: string): boolean {
  return UTC_NAMES.has(zone.toLowerCase());
}

/** true when Intl (and so this codec) knows the zone name. */
export function isKnownZone(zone: string): boolean {
  return isUtcZone(zone) || formatterFor(zone) !== null;
}

/** Seconds east of UTC in `zone` at the instant `epochMs` (ms since 1970, UTC). */
export function zoneOffsetSeconds(zone: string, epochMs: number): number {
  if (isUtcZone(zone)) return 0;
  const f = formatterFor(zone);
  if (!f) throw new PgError(SqlState.invalidParameterValue, `time zone "${zone}" not recognized`);
  const ms = Math.max(-INTL_LIMIT_MS, Math.min(INTL_LIMIT_MS, epochMs));
  const part = f.formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  return parseGmtOffset(part);
}

function parseGmtOffset(name: string): number {
  const m = /^GMT([+-])(\d{1,2})(?::(\d\d))?(?::(\d\d))?$/.exec(name);
  if (!m) return 0;
  const secs = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return m[1] === "-" ? -secs : secs;
}

/**
 * The UTC instant (ms) of wall-clock time `localMs` (the local fields read as if UTC) in `zone`.
 * Like Postgres's DetermineTimeZoneOffset: a time skipped by a spring-forward gap takes the
 * offset in force before the transition; a time repeated by a fall-back takes the later one.
 */
export function localToUtcMs(zone: string, localMs: number): number {
  if (isUtcZone(zone)) return localMs;
  const before = zoneOffsetSeconds(zone, localMs - 86_400_000) * 1000;
  const after = zoneOffsetSeconds(zone, localMs + 86_400_000) * 1000;
  const tBefore = localMs - before;
  const tAfter = localMs - after;
  const beforeValid = zoneOffsetSeconds(zone, tBefore) * 1000 === before;
  if (before === after) return beforeValid ? tBefore : localMs - zoneOffsetSeconds(zone, localMs) * 1000;
  const afterValid = zoneOffsetSeconds(zone, tAfter) * 1000 === after;
  if (afterValid) return tAfter; // also the repeated hour of a fall-back: the later reading
  return tBefore; // valid only before the transition, or skipped by a spring-forward gap
}

/** A short zone abbreviation for the SQL/German/Postgres DateStyles (best effort via Intl). */
export function zoneAbbreviation(zone: string, epochMs: number, offsetSeconds: number): string | null {
  if (isUtcZone(zone)) return "UTC";
  // tzdata names the pre-standard-time era "LMT"; only it has offsets with seconds
  if (offsetSeconds % 60 !== 0) return "LMT";
  const ms = Math.max(-INTL_LIMIT_MS, Math.min(INTL_LIMIT_MS, epochMs));
  for (const locale of ["en-US", "en-GB", "en-IN"]) {
    try {
      const f = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: "short" });
      const name = f.formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? "";
      if (/^[A-Z]{2,6}$/.test(name) && name !== "GMT") return name;
    } catch {
      return null;
    }
  }
  // tzdata writes numeric abbreviations as +HH or +HHMM
  const sign = offsetSeconds < 0 ? "-" : "+";
  const abs = Math.abs(offsetSeconds);
  const h = String(Math.floor(abs / 3600)).padStart(2, "0");
  const m = Math.floor((abs % 3600) / 60);
  return m ? `${sign}${h}${String(m).padStart(2, "0")}` : `${sign}${h}`;
}
