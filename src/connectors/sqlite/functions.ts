import type { Database } from "better-sqlite3";
import { sqliteDivide, sqliteRemainder } from "./arithmetic.ts";

/**
 * Registers the functions the SQLite dialect of the shared compiler emits, with Postgres
 * semantics, and the pragma it relies on. Call on every connection.
 */
export function registerPgFunctions(db: Database): void {
  // Postgres LIKE is case-sensitive
  db.pragma("case_sensitive_like = ON");
  const det = { deterministic: true };
  const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

  db.function("pg_lower", det, (s: unknown) => str(s)?.toLowerCase() ?? null);
  db.function("pg_upper", det, (s: unknown) => str(s)?.toUpperCase() ?? null);
  db.function("pg_ilike", det, (s: unknown, p: unknown) => {
    const a = str(s);
    const b = str(p);
    if (a === null || b === null) return null;
    return likeRegex(b.toLowerCase()).test(a.toLowerCase()) ? 1 : 0;
  });
  db.function("pg_regex_match", det, (s: unknown, p: unknown, ci: unknown) => {
    const a = str(s);
    const b = str(p);
    if (a === null || b === null) return null;
    return new RegExp(b, ci ? "iu" : "u").test(a) ? 1 : 0;
  });
  db.function("pg_left", det, (s: unknown, n: unknown) => {
    const a = str(s);
    if (a === null || n === null) return null;
    const cps = [...a];
    const k = Number(n);
    return (k >= 0 ? cps.slice(0, k) : cps.slice(0, Math.max(0, cps.length + k))).join("");
  });
  db.function("pg_right", det, (s: unknown, n: unknown) => {
    const a = str(s);
    if (a === null || n === null) return null;
    const cps = [...a];
    const k = Number(n);
    return (k >= 0 ? cps.slice(Math.max(0, cps.length - k)) : cps.slice(Math.min(cps.length, -k))).join("");
  });
  const pad = (left: boolean) => (s: unknown, n: unknown, fill: unknown) => {
    const a = str(s);
    const f = fill === undefined ? " " : str(fill);
    if (a === null || n === null || f === null) return null;
    const len = Math.max(0, Number(n));
    const cps = [...a];
    if (cps.length >= len) return cps.slice(0, len).join("");
    const fc = [...f];
    if (!fc.length) return a;
    const padding: string[] = [];
    while (padding.length < len - cps.length) padding.push(fc[padding.length % fc.length]);
    return left ? padding.join("") + a : a + padding.join("");
  };
  db.function("pg_lpad", { ...det, varargs: true }, pad(true) as (...a: unknown[]) => unknown);
  db.function("pg_rpad", { ...det, varargs: true }, pad(false) as (...a: unknown[]) => unknown);
  db.function("pg_repeat", det, (s: unknown, n: unknown) => {
    const a = str(s);
    if (a === null || n === null) return null;
    return a.repeat(Math.max(0, Number(n)));
  });
  db.function("pg_reverse", det, (s: unknown) => {
    const a = str(s);
    return a === null ? null : [...a].reverse().join("");
  });
  db.function("pg_split_part", det, (s: unknown, d: unknown, n: unknown) => {
    const a = str(s);
    const sep = str(d);
    if (a === null || sep === null || n === null) return null;
    const k = Number(n);
    if (k === 0) throw new Error("field position must not be zero");
    const fields = sep === "" ? [a] : a.split(sep);
    const f = k > 0 ? fields[k - 1] : fields[fields.length + k];
    return f ?? "";
  });
  // `/`, `%` and mod(): SQLite's results, but a zero divisor throws (mapped to 22012)
  const exact = { deterministic: true, safeIntegers: true };
  db.function("pg_div", exact, sqliteDivide);
  db.function("pg_mod", exact, sqliteRemainder);
  db.function("pg_power", det, (x: unknown, y: unknown) =>
    x === null || y === null ? null : Number(x) ** Number(y),
  );
  db.function("pg_now", () => isoUtc(new Date()));
  db.function("pg_current_date", () => isoUtc(new Date()).slice(0, 10));
  db.function("pg_date_trunc", det, (field: unknown, v: unknown) => {
    const t = str(v);
    const f = str(field)?.toLowerCase();
    if (t === null || f === null || f === undefined) return null;
    const m = parseTs(t);
    if (!m) return null;
    const [y, mo, d, h, mi, s] = m;
    switch (f) {
      case "year":
        return `${y}-01-01 00:00:00`;
      case "month":
        return `${y}-${mo}-01 00:00:00`;
      case "day":
        return `${y}-${mo}-${d} 00:00:00`;
      case "hour":
        return `${y}-${mo}-${d} ${h}:00:00`;
      case "minute":
        return `${y}-${mo}-${d} ${h}:${mi}:00`;
      case "second":
        return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
    }
    throw new Error(`unit "${f}" not supported`);
  });
  db.function("pg_extract", det, (field: unknown, v: unknown) => {
    const t = str(v);
    const f = str(field)?.toLowerCase();
    if (t === null || !f) return null;
    const m = parseTs(t);
    if (!m) return null;
    const [y, mo, d, h, mi, s, frac] = m;
    const date = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s));
    switch (f) {
      case "year":
        return +y;
      case "month":
        return +mo;
      case "day":
        return +d;
      case "hour":
        return +h;
      case "minute":
        return +mi;
      case "second":
        return frac ? Number(`${s}${frac}`) : +s;
      case "dow":
        return date.getUTCDay();
      case "doy":
        return Math.round((date.getTime() - Date.UTC(+y, 0, 1, +h, +mi, +s)) / 86400000) + 1;
      case "quarter":
        return Math.floor((+mo - 1) / 3) + 1;
      case "epoch":
        return date.getTime() / 1000 + (frac ? Number(`0${frac}`) : 0);
    }
    throw new Error(`unit "${f}" not supported`);
  });
}

function isoUtc(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace("T", " ")}.${String(d.getUTCMilliseconds()).padStart(3, "0")}000`;
}

function parseTs(t: string): string[] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?)?/.exec(t);
  if (!m) return null;
  return [m[1], m[2], m[3], m[4] ?? "00", m[5] ?? "00", m[6] ?? "00", m[7] ?? ""];
}

/** A Postgres LIKE pattern (backslash escapes) as an anchored JS RegExp. */
function likeRegex(pattern: string): RegExp {
  let re = "";
  const cps = [...pattern];
  for (let i = 0; i < cps.length; i++) {
    const ch = cps[i];
    if (ch === "\\" && i + 1 < cps.length) re += escapeRe(cps[++i]);
    else if (ch === "%") re += "[\\s\\S]*";
    else if (ch === "_") re += "[\\s\\S]";
    else re += escapeRe(ch);
  }
  return new RegExp(`^${re}$`, "u");
}

function escapeRe(ch: string): string {
  return ch.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}
