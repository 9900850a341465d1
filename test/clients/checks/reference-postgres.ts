/** Client checks against a reference PostgreSQL: independent of Weft, so they prove the checks themselves. */
import { after, before, describe } from "node:test";
import { createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { seedReferenceDemo } from "../../support/reference-demo.ts";
import { type ClientTarget, type GetTarget, targetGetter } from "./target.ts";

/** A describe block whose checks run against a throwaway PostgreSQL database seeded with the demo's tables. */
export function describeOnReferencePostgres(name: string, register: (target: GetTarget) => void): void {
  // a hung client or server fails the suite in minutes, not at the runner's 5-minute file limit
  describe(name, { timeout: 180_000 }, () => {
    let db: TestDatabase | undefined;
    let target: ClientTarget | undefined;
    before(async () => {
      db = await createPgDatabase("weft_clients_ref");
      target = { url: db.url, facts: await seedReferenceDemo(db) };
    });
    register(targetGetter(() => target, "the reference PostgreSQL database"));
    after(async () => {
      await db?.drop();
    });
  });
}
