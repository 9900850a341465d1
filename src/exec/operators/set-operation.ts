/**
 * UNION / INTERSECT / EXCEPT [ALL] with PostgreSQL semantics: rows compare column by column
 * with NULL equal to NULL; with ALL a row appearing m times on the left and n times on the
 * right appears m + n (UNION ALL), min(m, n) (INTERSECT ALL) or max(m − n, 0) (EXCEPT ALL)
 * times; without ALL once. Both inputs have the columns' types `oids` (the planner casts).
 * Output order follows the left input (UNION: then the right input's new rows).
 */
import type { TypeOid } from "../../common/pg-types.ts";
import type { Row } from "../../common/row.ts";
import type { RowSource } from "../row-source.ts";
import { closeAll, fromBatchGenerator } from "./batch-generator.ts";
import { hashKeyBytes } from "./distinct.ts";
import type { OperatorEnv } from "./env.ts";
import { groupKey, type HashKey } from "./keys.ts";
import { Reservation } from "./reservation.ts";

export interface SetOperationSpec {
  op: "union" | "intersect" | "except";
  all: boolean;
  oids: TypeOid[];
}

export function setOperation(
  left: RowSource,
  right: RowSource,
  spec: SetOperationSpec,
  env: OperatorEnv,
): RowSource {
  const memory = new Reservation(
    env.budget,
    spec.op === "union" ? "union" : spec.op === "intersect" ? "intersect" : "except",
  );
  const cleanup = async () => {
    memory.releaseAll();
    await closeAll(left, right);
  };
  const { oids, all } = spec;

  if (spec.op === "union") {
    const seen = new Set<HashKey>();
    return fromBatchGenerator(async function* () {
      for (const input of [left, right]) {
        for (;;) {
          const batch = await input.next();
          if (batch === null) break;
          if (all) {
            yield batch;
            continue;
          }
          const out: Row[] = [];
          for (const row of batch) {
            const k = groupKey(row, oids);
            if (seen.has(k)) continue;
            memory.grow(hashKeyBytes(k));
            seen.add(k);
            out.push(row);
          }
          yield out;
        }
      }
    }, cleanup);
  }

  const intersect = spec.op === "intersect";
  return fromBatchGenerator(async function* () {
    // count the right side's rows per key
    const counts = new Map<HashKey, number>();
    for (;;) {
      const batch = await right.next();
      if (batch === null) break;
      for (const row of batch) {
        const k = groupKey(row, oids);
        const c = counts.get(k);
        if (c === undefined) {
          memory.grow(hashKeyBytes(k) + 16);
          counts.set(k, 1);
        } else counts.set(k, c + 1);
      }
    }
    if (intersect && counts.size === 0) {
      await left.close();
      return;
    }
    const emitted = new Set<HashKey>();
    for (;;) {
      const batch = await left.next();
      if (batch === null) break;
      const out: Row[] = [];
      for (const row of batch) {
        const k = groupKey(row, oids);
        const c = counts.get(k) ?? 0;
        if (all) {
          if (c > 0) counts.set(k, c - 1);
          if (c > 0 === intersect) out.push(row);
          continue;
        }
        if (c > 0 !== intersect || emitted.has(k)) continue;
        memory.grow(hashKeyBytes(k));
        emitted.add(k);
        out.push(row);
      }
      yield out;
    }
  }, cleanup);
}
