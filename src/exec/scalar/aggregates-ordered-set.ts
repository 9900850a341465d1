/**
 * Ordered-set aggregates (percentile_cont, percentile_disc, mode) and hypothetical-set
 * aggregates (rank, dense_rank, percent_rank, cume_dist with WITHIN GROUP), as in
 * PostgreSQL's orderedsetaggs.c.
 *
 * The planner passes each call's direct arguments, then its sort keys, then one int4 per
 * key with the key's direction (withinGroupDescending | withinGroupNullsFirst). Direct
 * arguments may only use grouped columns, so the first row's are the group's. The aggregate
 * keeps and sorts its own values (accounted through stateBytes); the hypothetical-set ones
 * only count, comparing every row with the hypothetical one.
 */
import { PgError, SqlState } from "../../common/pg-error.ts";
import { arrayOf, Oid, type TypeOid } from "../../common/pg-types.ts";
import type { PgInterval, Value } from "../../common/values.ts";
import { withinGroupDescending, withinGroupNullsFirst } from "../../planner/bound-expr.ts";
import { estimateValueBytes } from "../memory-budget.ts";
import { compareValues, equalityKey } from "./compare.ts";
import { addIntervals, mulInterval, negate } from "./datetime-arith.ts";
import { type AggregateOverload, registerAggregate } from "./registry.ts";
import { specializeAggregate } from "./resolve.ts";

const ANY = 2276;
const ANYELEMENT = 2283;

/** The values of one group's sort key, NULLs left out; `direct` is the first row's direct argument. */
interface Collected {
  rows: number;
  direct: Value;
  descending: boolean;
  values: Value[];
  bytes: number;
}

const BASE_BYTES = 64;

function collecting(
  name: string,
  direct: boolean,
  finish: (s: Collected) => Value,
): Pick<AggregateOverload, "init" | "step" | "final" | "strict" | "stateBytes"> {
  const width = direct ? 3 : 2;
  return {
    strict: false,
    init: (): Collected => ({ rows: 0, direct: null, descending: false, values: [], bytes: BASE_BYTES }),
    step: (state, args) => {
      const s = state as Collected;
      if (args.length !== width) throw withinGroupRequired(name);
      if (s.rows === 0) {
        s.direct = direct ? args[0] : null;
        s.descending = ((args[width - 1] as number) & withinGroupDescending) !== 0;
      }
      s.rows++;
      const v = args[width - 2];
      if (v !== null) {
        s.values.push(v);
        s.bytes += estimateValueBytes(v) + 8;
      }
      return s;
    },
    final: (state) => finish(state as Collected),
    stateBytes: (state) => (state as Collected).bytes,
  };
}

function withinGroupRequired(name: string): PgError {
  return new PgError("42809", `WITHIN GROUP is required for ordered-set aggregate ${name}`);
}

function sortedValues(s: Collected, oid: TypeOid): Value[] {
  const sign = s.descending ? -1 : 1;
  // a stable sort: among equal values the first to arrive stays first, as mode() reports it
  return s.values.sort((a, b) => sign * compareValues(a, b, oid));
}

/** C's printf("%g"), which PostgreSQL's message about a bad percentile uses. */
export function formatG(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const [mantissa, expText] = x.toExponential(5).split("e");
  const exp = Number(expText);
  const strip = (t: string) => (t.includes(".") ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${strip(mantissa)}e${exp < 0 ? "-" : "+"}${e < 10 ? `0${e}` : e}`;
  }
  return strip(x.toFixed(5 - exp));
}

function checkPercentile(p: number): number {
  if (p < 0 || p > 1 || Number.isNaN(p))
    throw new PgError(
      SqlState.numericValueOutOfRange,
      `percentile value ${formatG(p)} is not between 0 and 1`,
    );
  return p;
}

type Lerp = (lo: Value, hi: Value, pct: number) => Value;

const floatLerp: Lerp = (lo, hi, pct) => (lo as number) + pct * ((hi as number) - (lo as number));
/** interval_lerp: lo + (hi - lo) * pct, with interval arithmetic. */
const intervalLerp: Lerp = (lo, hi, pct) =>
  addIntervals(mulInterval(addIntervals(hi as PgInterval, negate(lo as PgInterval)), pct), lo as PgInterval);

function continuousAt(sorted: Value[], p: number, lerp: Lerp): Value {
  const n = sorted.length;
  const first = Math.floor(p * (n - 1));
  const second = Math.ceil(p * (n - 1));
  if (first === second) return sorted[first];
  return lerp(sorted[first], sorted[second], p * (n - 1) - first);
}

/** The smallest K with K/N >= p, but at least 1. */
function discreteAt(sorted: Value[], p: number): Value {
  const row = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[row - 1];
}

/** percentile_cont_final_common / percentile_disc_final: a NULL fraction gives NULL, a bad one an error. */
function single(oid: TypeOid, at: (sorted: Value[], p: number) => Value) {
  return (s: Collected): Value => {
    if (s.rows === 0 || s.direct === null) return null;
    const p = checkPercentile(s.direct as number);
    if (s.values.length === 0) return null;
    return at(sortedValues(s, oid), p);
  };
}

/** The array forms: no rows give NULL before the fractions are looked at, as in PostgreSQL. */
function multi(oid: TypeOid, at: (sorted: Value[], p: number) => Value) {
  return (s: Collected): Value => {
    if (s.values.length === 0 || s.direct === null) return null;
    const fractions = s.direct as Value[];
    for (const p of fractions) if (p !== null) checkPercentile(p as number);
    const sorted = sortedValues(s, oid);
    return fractions.map((p) => (p === null ? null : at(sorted, p as number)));
  };
}

// ---------------------------------------------------------------- percentile_cont

for (const [keyOid, lerp] of [
  [Oid.float8, floatLerp],
  [Oid.interval, intervalLerp],
] as const) {
  const at = (sorted: Value[], p: number) => continuousAt(sorted, p, lerp);
  registerAggregate({
    name: "percentile_cont",
    args: [Oid.float8, keyOid],
    returns: keyOid,
    ...collecting("percentile_cont", true, single(keyOid, at)),
  });
  registerAggregate({
    name: "percentile_cont",
    args: [Oid._float8, keyOid],
    returns: arrayOf(keyOid),
    ...collecting("percentile_cont", true, multi(keyOid, at)),
  });
}

// ---------------------------------------------------------------- percentile_disc, mode

for (const fractions of [Oid.float8, Oid._float8]) {
  const array = fractions === Oid._float8;
  const overload = (keyOid: TypeOid): AggregateOverload => ({
    name: "percentile_disc",
    args: [fractions, keyOid],
    returns: (argTypes) => (array ? arrayOf(argTypes[1]) : argTypes[1]),
    ...collecting("percentile_disc", true, (array ? multi : single)(keyOid, discreteAt)),
  });
  const template = overload(ANYELEMENT);
  registerAggregate(template);
  specializeAggregate(template, (argTypes) => overload(argTypes[1]));
}

/** mode_final: the most frequent value; among equally frequent ones the first in sort order. */
function modeOf(oid: TypeOid) {
  return (s: Collected): Value => {
    if (s.values.length === 0) return null;
    const sorted = sortedValues(s, oid);
    let mode = sorted[0];
    let modeCount = 0;
    let run = sorted[0];
    let runCount = 0;
    for (const v of sorted) {
      if (runCount > 0 && compareValues(v, run, oid) === 0) {
        runCount++;
        continue;
      }
      if (runCount > modeCount) {
        mode = run;
        modeCount = runCount;
      }
      run = v;
      runCount = 1;
    }
    return runCount > modeCount ? run : mode;
  };
}

const modeOverload = (keyOid: TypeOid): AggregateOverload => ({
  name: "mode",
  args: [keyOid],
  returns: (argTypes) => argTypes[0],
  ...collecting("mode", false, modeOf(keyOid)),
});
const modeTemplate = modeOverload(ANYELEMENT);
registerAggregate(modeTemplate);
specializeAggregate(modeTemplate, (argTypes) => modeOverload(argTypes[0]));

// ---------------------------------------------------------------- hypothetical-set aggregates

interface Hypothetical {
  rows: number;
  /** rows sorting before the hypothetical row */
  before: number;
  /** rows that are its peers (equal on every key) */
  peers: number;
  /** dense_rank: the distinct key tuples sorting before it */
  distinctBefore: Set<string> | null;
  bytes: number;
}

type HypotheticalKind = "rank" | "dense_rank" | "percent_rank" | "cume_dist";

/**
 * hypothetical_rank_common: where the hypothetical row falls among the group's rows in the
 * ORDER BY order, NULLs placed as NULLS FIRST/LAST says and equal to each other.
 */
function hypothetical(kind: HypotheticalKind, argTypes: TypeOid[]): AggregateOverload {
  const n = argTypes.length / 2;
  const keyOids = argTypes.slice(n);
  const compareKey = (a: Value, b: Value, i: number, flags: number): number => {
    if (a === null || b === null) {
      if (a === b) return 0;
      const nullsFirst = (flags & withinGroupNullsFirst) !== 0;
      return (a === null) === nullsFirst ? -1 : 1;
    }
    const c = compareValues(a, b, keyOids[i]);
    return (flags & withinGroupDescending) !== 0 ? -c : c;
  };
  const tupleKey = (args: Value[]): string => {
    let key = "";
    for (let i = 0; i < n; i++) {
      const v = args[n + i];
      const k = v === null ? "\u0000" : equalityKey(v, keyOids[i]);
      key += `${typeof k}:${String(k)}\u0001`;
    }
    return key;
  };
  return {
    name: kind,
    args: argTypes,
    returns: kind === "rank" || kind === "dense_rank" ? Oid.int8 : Oid.float8,
    strict: false,
    init: (): Hypothetical => ({
      rows: 0,
      before: 0,
      peers: 0,
      distinctBefore: kind === "dense_rank" ? new Set() : null,
      bytes: BASE_BYTES,
    }),
    step: (state, args) => {
      const s = state as Hypothetical;
      if (!Number.isInteger(n) || n === 0 || args.length !== 3 * n) throw withinGroupRequired(kind);
      s.rows++;
      // the row against the hypothetical row, key by key
      let c = 0;
      for (let i = 0; i < n && c === 0; i++)
        c = compareKey(args[n + i], args[i], i, args[2 * n + i] as number);
      if (c < 0) {
        s.before++;
        if (s.distinctBefore) {
          const key = tupleKey(args);
          if (!s.distinctBefore.has(key)) {
            s.distinctBefore.add(key);
            s.bytes += 32 + key.length * 2;
          }
        }
      } else if (c === 0) s.peers++;
      return s;
    },
    final: (state) => {
      const s = state as Hypothetical;
      switch (kind) {
        case "rank":
          return BigInt(s.before + 1);
        case "dense_rank":
          return BigInt((s.distinctBefore?.size ?? 0) + 1);
        case "percent_rank":
          return s.rows === 0 ? 0 : s.before / s.rows;
        case "cume_dist":
          return (s.before + s.peers + 1) / (s.rows + 1);
      }
    },
    stateBytes: (state) => (state as Hypothetical).bytes,
  };
}

for (const kind of ["rank", "dense_rank", "percent_rank", "cume_dist"] as const) {
  const template: AggregateOverload = { ...hypothetical(kind, []), args: [], variadic: ANY };
  registerAggregate(template);
  specializeAggregate(template, (argTypes) => {
    // an odd count is not a hypothetical row and its keys (rank(x) OVER …)
    if (argTypes.length === 0 || argTypes.length % 2 !== 0) throw withinGroupRequired(kind);
    return hypothetical(kind, argTypes);
  });
}
