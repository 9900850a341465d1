/** Client checks against a fresh Weft serving the demo. */
import { after, before, describe } from "node:test";
import { demoFactsFromSqlite } from "../../support/demo-facts.ts";
import { sqliteServicePath, startTestWeft, type TestWeft } from "../../support/weft.ts";
import { type ClientTarget, type GetTarget, targetGetter } from "./target.ts";

/** A describe block whose checks run against a fresh Weft serving the demo; expectations come from its SQLite files. */
export function describeOnDemoWeft(name: string, register: (target: GetTarget) => void): void {
  // a hung client or server fails the suite in minutes, not at the runner's 5-minute file limit
  describe(name, { timeout: 180_000 }, () => {
    let weft: TestWeft | undefined;
    let target: ClientTarget | undefined;
    before(async () => {
      weft = await startTestWeft();
      const facts = demoFactsFromSqlite(sqliteServicePath(weft.config, "hr"), weft.config.database);
      target = { url: weft.url, facts };
    });
    register(targetGetter(() => target, "Weft"));
    after(async () => {
      await weft?.stop();
    });
  });
}
