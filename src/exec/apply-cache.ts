import type { Node } from "@pgsql/types";
import type { Row, RowBatch } from "../common/row.ts";
import type { Value } from "../common/values.ts";
import type { RemoteScanPlan } from "../planner/query-plan.ts";
import type { ScanOpener } from "./build-plan.ts";
import { estimateRowBytes } from "./memory-budget.ts";
import { groupKey, type HashKey } from "./operators/keys.ts";
import type { Reservation } from "./operators/reservation.ts";
import type { RowSource } from "./row-source.ts";

/**
 * The remote scans of an apply's subquery, each read once and replayed from memory: the
 * subquery runs again for every distinct outer value, its scans never change (the planner
 * keeps what reads the outer row in memory, volatile-params.ts). A scan is keyed by its
 * fragment and the values of the parameters the fragment reads, so a scan that did depend on
 * a computed parameter would be read again for another value, never answered wrongly.
 *
 * A scan with a `lookup` (equalities with outer values kept in memory) replays only the rows
 * holding this evaluation's values, through a hash index built on first use.
 *
 * A root opener (scan-openers.ts): extra parameters start right after the client's. The rows
 * are held in the apply's memory reservation until the query ends.
 */
export class ScanCache implements ScanOpener {
  private readonly entries = new Map<Node, Map<string, Promise<Cached>>>();

  constructor(
    private readonly root: ScanOpener,
    private readonly memory: Reservation,
    private readonly clientParams: number,
  ) {}

  async open(scan: RemoteScanPlan, extra?: { values: Value[]; types: number[] }): Promise<RowSource> {
    const read = paramIndexes(scan.fragment)
      .filter((i) => i >= this.clientParams)
      .map((i) => extra?.values[i - this.clientParams] ?? null);
    const key = exactKey(read);
    let byValues = this.entries.get(scan.fragment);
    if (!byValues) {
      byValues = new Map();
      this.entries.set(scan.fragment, byValues);
    }
    let rows = byValues.get(key);
    if (!rows) {
      rows = this.fill(scan, extra).then((batches) => ({ batches }));
      byValues.set(key, rows);
    }
    const cached = await rows;
    if (!scan.lookup) return replay(cached.batches);
    // only the rows whose lookup columns equal this evaluation's outer values
    const values = scan.lookup.map((l) => extra?.values[l.param - this.clientParams] ?? null);
    if (values.some((v) => v === null)) return replay([]);
    const oids = scan.lookup.map((l) => l.oid);
    cached.index ??= this.index(cached.batches, scan.lookup, oids);
    const found = cached.index.get(groupKey(values, oids));
    return replay(found ? [found] : []);
  }

  private index(
    batches: RowBatch[],
    lookup: NonNullable<RemoteScanPlan["lookup"]>,
    oids: number[],
  ): Map<HashKey, Row[]> {
    const out = new Map<HashKey, Row[]>();
    let entries = 0;
    for (const batch of batches)
      for (const row of batch) {
        const values = lookup.map((l) => row[l.column]);
        if (values.some((v) => v === null)) continue;
        const key = groupKey(values, oids);
        const bucket = out.get(key);
        if (bucket) bucket.push(row);
        else {
          out.set(key, [row]);
          entries++;
        }
      }
    this.memory.grow(entries * 64);
    return out;
  }

  private async fill(
    scan: RemoteScanPlan,
    extra?: { values: Value[]; types: number[] },
  ): Promise<RowBatch[]> {
    const source = await this.root.open(scan, extra);
    const batches: RowBatch[] = [];
    try {
      for (let batch = await source.next(); batch !== null; batch = await source.next()) {
        let bytes = 0;
        for (const row of batch) bytes += estimateRowBytes(row) + 8;
        this.memory.grow(bytes);
        batches.push(batch);
      }
    } finally {
      await source.close();
    }
    return batches;
  }
}

interface Cached {
  batches: RowBatch[];
  /** rows by their lookup columns' values, built on first use */
  index?: Map<HashKey, Row[]>;
}

function replay(batches: RowBatch[]): RowSource {
  let next = 0;
  return {
    async next() {
      return next < batches.length ? batches[next++] : null;
    },
    async close() {
      next = batches.length;
    },
  };
}

const paramsOfFragment = new WeakMap<Node, number[]>();

/** The 0-based indexes of the parameters a fragment reads. */
function paramIndexes(fragment: Node): number[] {
  let out = paramsOfFragment.get(fragment);
  if (out) return out;
  const found = new Set<number>();
  const walk = (n: unknown): void => {
    if (n === null || typeof n !== "object") return;
    if (Array.isArray(n)) {
      for (const x of n) walk(x);
      return;
    }
    const ref = (n as any).ParamRef;
    if (ref) found.add(Number(ref.number ?? 0) - 1);
    for (const v of Object.values(n)) walk(v);
  };
  walk(fragment);
  out = [...found].sort((a, b) => a - b);
  paramsOfFragment.set(fragment, out);
  return out;
}

/**
 * A key equal for identical values only (not merely equal ones: numeric 1.0 and 1.00, or
 * float 0 and -0, may print differently, and an outer value may reach the output).
 */
export function exactKey(values: readonly Value[]): string {
  let out = "";
  for (const v of values) out += `${exactPart(v)};`;
  return out;
}

function exactPart(v: Value): string {
  if (v === null) return "n";
  switch (typeof v) {
    case "string":
      return `s${v.length}:${v}`;
    case "number":
      return Object.is(v, -0) ? "f-0" : `f${v}`;
    case "bigint":
      return `i${v}`;
    case "boolean":
      return v ? "t" : "f";
  }
  if (v instanceof Uint8Array) return `b${Buffer.from(v).toString("hex")}`;
  if (Array.isArray(v)) return `a${v.length}[${v.map(exactPart).join(",")}]`;
  return `o${JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? String(x) : x))}`;
}
