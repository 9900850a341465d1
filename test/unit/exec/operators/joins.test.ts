import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Oid } from "../../../../src/common/pg-types.ts";
import type { Row } from "../../../../src/common/row.ts";
import { filter, hashJoin, nestedLoopJoin, values } from "../../../../src/exec/operators/index.ts";
import type { JoinType } from "../../../../src/exec/operators/join-types.ts";
import type { KeyExpr } from "../../../../src/exec/operators/keys.ts";
import type { Evaluator } from "../../../../src/exec/row-source.ts";
import { A_OIDS, B_OIDS, loadTables, makeA, makeB } from "./data.ts";
import { asText, cmpEval, col, collect, countingSource, env, Oracle, sorted } from "./helpers.ts";

const A = makeA(70, 11);
const B = makeB(45, 12);
let oracle: Oracle;
before(async () => {
  oracle = await Oracle.create();
  await loadTables(oracle, A, B);
});
after(async () => {
  await oracle.drop();
});

const TYPES: JoinType[] = ["inner", "left", "right", "full", "semi", "anti"];

function joinSql(type: JoinType, on: string): string {
  if (type === "semi") return `SELECT a.* FROM a WHERE EXISTS (SELECT 1 FROM b WHERE ${on})`;
  if (type === "anti") return `SELECT a.* FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE ${on})`;
  return `SELECT a.*, b.* FROM a ${type.toUpperCase()} JOIN b ON ${on}`;
}

function outOids(type: JoinType) {
  return type === "semi" || type === "anti" ? A_OIDS : [...A_OIDS, ...B_OIDS];
}

interface KeyCase {
  label: string;
  on: string;
  leftKeys: KeyExpr[];
  rightKeys: KeyExpr[];
  residual?: Evaluator;
}

// combined rows: a = columns 0..4, b = columns 5..8
const KEYS: KeyCase[] = [
  {
    label: "int key",
    on: "a.k = b.k",
    leftKeys: [{ eval: col(1), oid: Oid.int4 }],
    rightKeys: [{ eval: col(1), oid: Oid.int4 }],
  },
  {
    label: "int key with residual",
    on: "a.k = b.k AND a.s < b.s",
    leftKeys: [{ eval: col(1), oid: Oid.int4 }],
    rightKeys: [{ eval: col(1), oid: Oid.int4 }],
    residual: cmpEval(col(4), "<", col(7), Oid.text),
  },
  {
    label: "non-ASCII text key",
    on: "a.s = b.s",
    leftKeys: [{ eval: col(4), oid: Oid.text }],
    rightKeys: [{ eval: col(2), oid: Oid.text }],
  },
  {
    label: "two keys, numeric 1.0 = 1.00",
    on: "a.n = b.n AND a.k = b.k",
    leftKeys: [
      { eval: col(3), oid: Oid.numeric },
      { eval: col(1), oid: Oid.int4 },
    ],
    rightKeys: [
      { eval: col(3), oid: Oid.numeric },
      { eval: col(1), oid: Oid.int4 },
    ],
  },
];

describe("hash join against PostgreSQL", () => {
  for (const k of KEYS) {
    for (const type of TYPES) {
      for (const build of ["left", "right"] as const) {
        test(`${type} join on ${k.label}, building ${build}`, async () => {
          const e = env(64 << 20, 5);
          const rows = await collect(
            hashJoin(
              values(A, 3),
              values(B, 4),
              {
                type,
                build,
                leftKeys: k.leftKeys,
                rightKeys: k.rightKeys,
                residual: k.residual,
                leftWidth: 5,
                rightWidth: 4,
              },
              e,
            ),
          );
          const expected = await oracle.text(joinSql(type, k.on));
          assert.deepEqual(sorted(asText(rows, outOids(type))), sorted(expected));
          assert.equal(e.budget.used, 0, "memory released");
        });
      }
    }
  }

  test("joins with an empty side", async () => {
    for (const type of TYPES) {
      for (const build of ["left", "right"] as const) {
        const spec = {
          type,
          build,
          leftKeys: [{ eval: col(1), oid: Oid.int4 }],
          rightKeys: [{ eval: col(1), oid: Oid.int4 }],
          leftWidth: 5,
          rightWidth: 4,
        };
        const emptyRight = await collect(hashJoin(values(A), values([]), spec, env()));
        const expectR = await oracle.text(
          joinSql(type, "a.k = b.k").replaceAll(" b ", " (SELECT * FROM b WHERE false) b "),
        );
        assert.deepEqual(
          sorted(asText(emptyRight, outOids(type))),
          sorted(expectR),
          `${type}/${build} empty right`,
        );
        const emptyLeft = await collect(hashJoin(values([]), values(B), spec, env()));
        const expectL = await oracle.text(
          joinSql(type, "a.k = b.k").replaceAll(" a ", " (SELECT * FROM a WHERE false) a "),
        );
        assert.deepEqual(
          sorted(asText(emptyLeft, outOids(type))),
          sorted(expectL),
          `${type}/${build} empty left`,
        );
      }
    }
  });

  test("an inner join whose build side is empty never reads the probe side", async () => {
    const probe = countingSource(1_000_000);
    const rows = await collect(
      hashJoin(
        probe.source,
        values([]),
        {
          type: "inner",
          build: "right",
          leftKeys: [{ eval: col(0), oid: Oid.int4 }],
          rightKeys: [{ eval: col(0), oid: Oid.int4 }],
          leftWidth: 3,
          rightWidth: 1,
        },
        env(),
      ),
    );
    assert.equal(rows.length, 0);
    assert.equal(probe.stats.batches, 0);
    assert.ok(probe.stats.closed > 0);
  });
});

describe("null-aware anti join (NOT IN) against PostgreSQL", () => {
  const notIn = (leftKeys: KeyExpr[], rightKeys: KeyExpr[], right: Row[]) =>
    collect(
      hashJoin(
        values(A),
        values(right),
        { type: "anti", build: "right", nullAware: true, leftKeys, rightKeys, leftWidth: 5, rightWidth: 4 },
        env(),
      ),
    );
  const kKey = [{ eval: col(1), oid: Oid.int4 }];
  const pair = (text: number): KeyExpr[] => [
    { eval: col(1), oid: Oid.int4 },
    { eval: col(text), oid: Oid.text },
  ];

  test("single key, right side with NULLs: no rows", async () => {
    assert.ok(B.some((r) => r[1] === null));
    const rows = await notIn(kKey, kKey, B);
    const expected = await oracle.text("SELECT * FROM a WHERE k NOT IN (SELECT k FROM b)");
    assert.deepEqual(sorted(asText(rows, A_OIDS)), sorted(expected));
    assert.equal(rows.length, 0);
  });

  test("single key, right side without NULLs: NULL left keys dropped", async () => {
    const right = B.filter((r) => r[1] !== null);
    const rows = await notIn(kKey, kKey, right);
    const expected = await oracle.text(
      "SELECT * FROM a WHERE k NOT IN (SELECT k FROM b WHERE k IS NOT NULL)",
    );
    assert.deepEqual(sorted(asText(rows, A_OIDS)), sorted(expected));
    assert.ok(rows.length > 0);
  });

  test("empty right side keeps every row, NULL keys too", async () => {
    const rows = await notIn(kKey, kKey, []);
    const expected = await oracle.text("SELECT * FROM a WHERE k NOT IN (SELECT k FROM b WHERE false)");
    assert.deepEqual(sorted(asText(rows, A_OIDS)), sorted(expected));
    assert.equal(rows.length, A.length);
  });

  test("two keys with partial NULLs on both sides", async () => {
    for (const where of ["true", "k IS NOT NULL", "s IS NOT NULL", "k < 4"]) {
      const right = await collect(
        filter(
          values(B),
          where === "true"
            ? () => true
            : where === "k IS NOT NULL"
              ? (r) => r[1] !== null
              : where === "s IS NOT NULL"
                ? (r) => r[2] !== null
                : (r) => (r[1] === null ? null : (r[1] as number) < 4),
          env(),
        ),
      );
      const rows = await notIn(pair(4), pair(2), right);
      const expected = await oracle.text(
        `SELECT * FROM a WHERE (k, s) NOT IN (SELECT k, s FROM b WHERE ${where})`,
      );
      assert.deepEqual(sorted(asText(rows, A_OIDS)), sorted(expected), where);
    }
  });
});

describe("nested loop join against PostgreSQL", () => {
  const conditions: { on: string; cond: Evaluator }[] = [
    { on: "a.k < b.k", cond: cmpEval(col(1), "<", col(6), Oid.int4) },
    {
      on: "a.k >= b.k AND a.s <> b.s",
      cond: (r, c) => {
        const x = cmpEval(col(1), ">=", col(6), Oid.int4)(r, c);
        const y = cmpEval(col(4), "<>", col(7), Oid.text)(r, c);
        if (x === false || y === false) return false;
        return x === null || y === null ? null : true;
      },
    },
  ];
  for (const { on, cond } of conditions) {
    for (const type of TYPES) {
      test(`${type} join on ${on}`, async () => {
        const e = env(64 << 20, 16);
        const rows = await collect(
          nestedLoopJoin(
            values(A, 6),
            values(B, 5),
            { type, condition: cond, leftWidth: 5, rightWidth: 4 },
            e,
          ),
        );
        // PostgreSQL runs FULL JOIN only on hashable/mergeable conditions: spell it out
        const sql =
          type === "full"
            ? `${joinSql("left", on)} UNION ALL SELECT NULL::int4, NULL::int4, NULL, NULL::numeric, NULL, b.* FROM b WHERE NOT EXISTS (SELECT 1 FROM a WHERE ${on})`
            : joinSql(type, on);
        assert.deepEqual(sorted(asText(rows, outOids(type))), sorted(await oracle.text(sql)));
        assert.equal(e.budget.used, 0);
      });
    }
  }

  test("cross join without a condition", async () => {
    const rows = await collect(
      nestedLoopJoin(values(A), values(B), { type: "inner", leftWidth: 5, rightWidth: 4 }, env()),
    );
    assert.deepEqual(
      sorted(asText(rows, outOids("inner"))),
      sorted(await oracle.text("SELECT a.*, b.* FROM a, b")),
    );
  });

  test("the materialised inner side is bounded by the budget", async () => {
    await assert.rejects(
      collect(
        nestedLoopJoin(
          countingSource(10).source,
          countingSource(100_000).source,
          { type: "inner", leftWidth: 3, rightWidth: 3 },
          env(1 << 20),
        ),
      ),
      /out of memory: nested loop join needs more than the query's memory limit \(1 MB\)/,
    );
  });
});
