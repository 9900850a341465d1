/**
 * Deterministic randomness keyed by (seed, stream, id): any row of any table can be generated on its
 * own, in any order, so tables stream without holding their parents in memory, and a child table
 * (salaries of employee 42) sees the same parent attributes as the parent table does.
 */

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(a: number, b: number): number {
  let h = (a ^ Math.imul(b, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: small, fast, good enough for test data. */
export class Rng {
  private state: number;

  constructor(seed: number, stream: string, id: number) {
    this.state = mix(mix(seed >>> 0, hashString(stream)), id >>> 0);
  }

  /** uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** skewed index in [0, n): small indexes are much more likely (power > 1 means more skew) */
  skewed(n: number, power: number): number {
    return Math.min(n - 1, Math.floor(n * this.next() ** power));
  }
}

const dayMs = 86_400_000;

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** `YYYY-MM-DD` for a day number counted from 1970-01-01. */
export function dateOfDay(day: number): string {
  const d = new Date(day * dayMs);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

export function dayOf(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / dayMs);
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` (microseconds; a trailing zero fraction is kept as MariaDB accepts it). */
export function timestampOf(day: number, secondOfDay: number, micros: number): string {
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor((secondOfDay % 3600) / 60);
  const s = secondOfDay % 60;
  return `${dateOfDay(day)} ${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(micros, 6)}`;
}

/** a random timestamp between two dates; some have a zero fraction, some whole milliseconds */
export function randomTimestamp(rng: Rng, fromDate: string, toDate: string): string {
  const day = rng.int(dayOf(fromDate), dayOf(toDate));
  const second = rng.int(0, 86_399);
  const r = rng.next();
  const micros = r < 0.1 ? 0 : r < 0.2 ? rng.int(0, 999) * 1000 : rng.int(0, 999_999);
  return timestampOf(day, second, micros);
}

export function randomDate(rng: Rng, fromDate: string, toDate: string): string {
  return dateOfDay(rng.int(dayOf(fromDate), dayOf(toDate)));
}

/** a decimal string with `scale` fraction digits in [lo, hi] (exact; never a float) */
export function randomDecimal(rng: Rng, lo: number, hi: number, scale: number): string {
  const f = 10 ** scale;
  const units = rng.int(Math.round(lo * f), Math.round(hi * f));
  const neg = units < 0;
  const abs = Math.abs(units);
  const int = Math.floor(abs / f);
  const frac = scale ? `.${pad(abs % f, scale)}` : "";
  return `${neg ? "-" : ""}${int}${frac}`;
}
