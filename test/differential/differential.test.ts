/**
 * Runs every corpus query on Weft (services hr, crm, ops over real MariaDB and PostgreSQL) and on the
 * oracle (the same rows in one PostgreSQL database) and requires identical results. A query Weft
 * refuses with 0A000 must be listed in not-yet-supported.ts, and a listed query must still be
 * refused: the list only shrinks as the planner learns cross-service statements.
 * Scale: WEFT_DIFF_SCALE (default 0.01), seed: WEFT_DIFF_SEED (default 20240601).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { type LoadedFederatedDataset, loadFederatedDataset } from "../../bench/data/load.ts";
import { adminMysqlUrl, adminPgUrl } from "../support/databases.ts";
import { startTestWeft, type TestWeft } from "../support/weft.ts";
import {
  DifferentialHarness,
  type DifferentialResult,
  type DifferentialHarness as Harness,
  summarize,
} from "./harness.ts";
import { notYetSupported } from "./not-yet-supported.ts";
import { corpus } from "./queries.ts";
import { differentialRelationships } from "./relationships.ts";

const scale = Number(process.env.WEFT_DIFF_SCALE ?? "0.01");
const seed = Number(process.env.WEFT_DIFF_SEED ?? "20240601");

let dataset: LoadedFederatedDataset | undefined;
let weft: TestWeft | undefined;
let harness: Harness | undefined;
const results: DifferentialResult[] = [];

before(async () => {
  const suffix = randomBytes(5).toString("hex");
  dataset = await loadFederatedDataset({
    scale,
    seed,
    mysqlUrl: adminMysqlUrl(),
    pgUrl: adminPgUrl(),
    names: {
      hr: `weft_diff_hr_${suffix}`,
      crm: `weft_diff_crm_${suffix}`,
      ops: `weft_diff_ops_${suffix}`,
      oracle: `weft_diff_oracle_${suffix}`,
    },
  });
  weft = await startTestWeft({
    demo: false,
    services: [
      { name: "hr", kind: "mysql", url: dataset.urls.hr },
      { name: "crm", kind: "postgres", url: dataset.urls.crm },
      { name: "ops", kind: "mysql", url: dataset.urls.ops },
    ],
    relationships: differentialRelationships,
  });
  harness = await DifferentialHarness.connect(weft.url, dataset.urls.oracle);
});

after(async () => {
  if (results.length) console.log(summarize(results, notYetSupported));
  await harness?.close();
  await weft?.stop();
  await dataset?.drop();
});

describe("the corpus and its list are consistent", () => {
  test("ids are unique, there are at least 60 queries, and every listed id exists", () => {
    const ids = new Set(corpus.map((q) => q.id));
    assert.equal(ids.size, corpus.length, "duplicate ids in the corpus");
    assert.ok(corpus.length >= 60, `only ${corpus.length} queries`);
    for (const id of notYetSupported) assert.ok(ids.has(id), `not-yet-supported.ts lists unknown id ${id}`);
  });
});

describe(`differential: Weft vs one PostgreSQL (scale ${scale}, seed ${seed})`, () => {
  for (const query of corpus) {
    test(`${query.id}: ${query.covers}`, async () => {
      const result = await harness!.run(query);
      results.push(result);
      const v = result.verdict;
      const listed = notYetSupported.has(query.id);
      if (v.kind === "unsupported") {
        assert.ok(
          listed,
          `Weft refused ${query.id} with 0A000 (${v.message}) but it is not in not-yet-supported.ts\n  ${query.sql}`,
        );
        return;
      }
      if (v.kind === "mismatch")
        assert.fail(`${query.id} differs from the oracle:\n  ${v.report}\n  ${query.sql}`);
      assert.ok(
        !listed,
        `${query.id} now matches the oracle: remove it from test/differential/not-yet-supported.ts`,
      );
    });
  }
});
