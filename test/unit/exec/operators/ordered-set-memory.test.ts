/** The values an ordered-set aggregate keeps count against the query's memory limit. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PgError } from "../../../../src/common/pg-error.ts";
import { Oid } from "../../../../src/common/pg-types.ts";
import type { Row } from "../../../../src/common/row.ts";
import { hashAggregate, values } from "../../../../src/exec/operators/index.ts";
import { resolveAggregate } from "../../../../src/exec/scalar/index.ts";
import { col, collect, constant, env } from "./helpers.ts";

// group 0 .. 3 and a text value long enough that 40 000 of them outgrow 1 MB
const rows: Row[] = Array.from({ length: 40_000 }, (_, i) => [i % 4, `value ${String(i).padStart(40, "0")}`]);

function percentileDisc() {
  const def = resolveAggregate("percentile_disc", [Oid.float8, Oid.text], false);
  return {
    def,
    // the fraction, the sort key, the key's direction flags (ascending, NULLS LAST)
    args: [constant(0.5), col(1), constant(0)],
    distinct: false,
    argOids: [Oid.float8, Oid.text, Oid.int4],
  };
}

describe("ordered-set aggregate state and the memory limit", () => {
  test("within the limit: one median per group", async () => {
    const out = await collect(
      hashAggregate(
        values(rows),
        { groupKeys: [{ eval: col(0), oid: Oid.int4 }], aggregates: [percentileDisc()] },
        env(64 * 1024 * 1024),
      ),
    );
    assert.deepEqual(
      out.sort((a, b) => (a[0] as number) - (b[0] as number)),
      [0, 1, 2, 3].map((g) => [g, `value ${String(19_996 + g).padStart(40, "0")}`]),
    );
  });

  test("past the limit: 53200, not an exhausted heap", async () => {
    await assert.rejects(
      collect(
        hashAggregate(
          values(rows),
          { groupKeys: [{ eval: col(0), oid: Oid.int4 }], aggregates: [percentileDisc()] },
          env(1024 * 1024),
        ),
      ),
      (err: unknown) => err instanceof PgError && err.code === "53200",
    );
  });
});
