/** Two small random tables (NULLs, duplicates, ties, non-ASCII text) loaded into the oracle. */
import { Oid } from "../../../../src/common/pg-types.ts";
import type { Row } from "../../../../src/common/row.ts";
import { type Oracle, rng, WORDS } from "./helpers.ts";

/** a(id int4, k int4, g text, n numeric, s text) */
export const A_COLUMNS = [
  { name: "id", sqlType: "int4", oid: Oid.int4 },
  { name: "k", sqlType: "int4", oid: Oid.int4 },
  { name: "g", sqlType: "text", oid: Oid.text },
  { name: "n", sqlType: "numeric", oid: Oid.numeric },
  { name: "s", sqlType: "text", oid: Oid.text },
];
export const A_OIDS = A_COLUMNS.map((c) => c.oid);

/** b(id int4, k int4, s text, n numeric) */
export const B_COLUMNS = [
  { name: "id", sqlType: "int4", oid: Oid.int4 },
  { name: "k", sqlType: "int4", oid: Oid.int4 },
  { name: "s", sqlType: "text", oid: Oid.text },
  { name: "n", sqlType: "numeric", oid: Oid.numeric },
];
export const B_OIDS = B_COLUMNS.map((c) => c.oid);

const NUMERICS = ["1.0", "1.00", "2.5", "-3", "0", "10.10", "1"];

function pick<T>(r: () => number, xs: readonly T[], nullChance = 0.15): T | null {
  if (r() < nullChance) return null;
  return xs[Math.floor(r() * xs.length)];
}

export function makeA(count: number, seed: number): Row[] {
  const r = rng(seed);
  const rows: Row[] = [];
  for (let id = 1; id <= count; id++) {
    rows.push([
      id,
      pick(r, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, -4]),
      pick(r, ["x", "y", "é", "日本"]),
      pick(r, NUMERICS),
      pick(r, WORDS),
    ]);
  }
  return rows;
}

export function makeB(count: number, seed: number): Row[] {
  const r = rng(seed);
  const rows: Row[] = [];
  for (let id = 1; id <= count; id++) {
    rows.push([id, pick(r, [0, 1, 2, 3, 4, 5, 6, 11, 12]), pick(r, WORDS), pick(r, NUMERICS)]);
  }
  return rows;
}

export async function loadTables(oracle: Oracle, a: Row[], b: Row[]): Promise<void> {
  await oracle.load("a", A_COLUMNS, a);
  await oracle.load("b", B_COLUMNS, b);
}
