import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { chooseJoinOrder, type OrderCondition, type OrderUnit } from "../../../src/planner/join-order.ts";

const unit = (estimate: number, ...ids: number[]): OrderUnit => ({ estimate, scanIds: new Set(ids) });
const eq = (...ids: number[]): OrderCondition => ({ scanIds: new Set(ids), equality: true });
const other = (...ids: number[]): OrderCondition => ({ scanIds: new Set(ids), equality: false });

describe("chooseJoinOrder", () => {
  test("a chain written big-first starts from the smallest input and follows the keys", () => {
    // salaries(1M) – assignment(10k) – project(1 after its filter)
    const units = [unit(1_000_000, 0), unit(10_000, 1), unit(1, 2)];
    assert.deepEqual(chooseJoinOrder(units, [eq(0, 1), eq(1, 2)]), [2, 1, 0]);
  });

  test("the next input must be connected by an equality, even when an unconnected one is smaller", () => {
    const units = [unit(5, 0), unit(1000, 1), unit(10, 2)];
    // 2 is linked to 1 only: after 0 comes 1 (its key partner), then 2
    assert.deepEqual(chooseJoinOrder(units, [eq(0, 1), eq(1, 2)]), [0, 1, 2]);
  });

  test("a non-equality condition does not connect; without any link the smallest comes next (cross product)", () => {
    const units = [unit(50, 0), unit(3, 1), unit(20, 2)];
    assert.deepEqual(chooseJoinOrder(units, [other(0, 1)]), [1, 2, 0]);
  });

  test("a condition over three inputs connects the last one only once the other two are joined", () => {
    const units = [unit(1, 0), unit(100, 1), unit(2, 2)];
    assert.deepEqual(chooseJoinOrder(units, [eq(0, 1, 2), eq(0, 1)]), [0, 1, 2]);
  });

  test("ties keep the written order; units holding several scans", () => {
    const units = [unit(10, 0, 1), unit(10, 2), unit(10, 3)];
    assert.deepEqual(chooseJoinOrder(units, [eq(1, 3), eq(3, 2)]), [0, 2, 1]);
  });
});
