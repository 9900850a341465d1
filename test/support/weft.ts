/**
 * Starts a real Weft (the composition root) for client tests: a fresh temp state dir,
 * port 0 for the SQL and HTTP listeners, the embedded demo services plus any extra ones.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RelationshipInput } from "../../src/catalog/relationships/types.ts";
import { demoConfig, demoDataDir, type ServiceConfig, type WeftConfig } from "../../src/config.ts";
import { ensureDemoData } from "../../src/demo/index.ts";
import { type RunningWeft, startWeft } from "../../src/main.ts";

/** A relationship as the config file's `relationships:` section declares it (read-only at run time). */
export type TestRelationship = RelationshipInput & { service: string; table: string };

export interface TestWeftOptions {
  /** extra services, after the demo ones (or alone when demo is false) */
  services?: ServiceConfig[];
  /** include the demo services hr and crm (default true) */
  demo?: boolean;
  auth?: WeftConfig["auth"];
  /** relationships declared as in the config file; they are checked against the tables at start */
  relationships?: TestRelationship[];
  /** change anything else before start */
  configure?: (config: WeftConfig) => void;
}

export interface TestWeft {
  weft: RunningWeft;
  config: WeftConfig;
  /** postgresql://weft:weft@127.0.0.1:PORT/weft */
  url: string;
  port: number;
  httpPort: number;
  stateDir: string;
  stop(): Promise<void>;
}

export async function startTestWeft(options: TestWeftOptions = {}): Promise<TestWeft> {
  const stateDir = await mkdtemp(join(tmpdir(), "weft-test-"));
  const config = demoConfig(stateDir);
  config.listen = { host: "127.0.0.1", port: 0, httpPort: 0 };
  config.log = { level: "silent" };
  if (options.auth) config.auth = options.auth;
  config.services = [...(options.demo === false ? [] : config.services), ...(options.services ?? [])];
  config.relationships = (options.relationships ?? []).map(({ service, table, ...input }, i) => ({
    service,
    table,
    input,
    at: `relationships[${i}]`,
  }));
  options.configure?.(config);

  let weft: RunningWeft;
  try {
    // as `weft serve` does before it starts: build the demo's SQLite files (a few hundred ms)
    if (options.demo !== false) await ensureDemoData(demoDataDir(stateDir));
    weft = await startWeft(config, { quiet: true });
  } catch (error) {
    await rm(stateDir, { recursive: true, force: true });
    throw error;
  }
  const user = config.users[0];
  if (!user) throw new Error("test Weft config has no user");
  const url =
    `postgresql://${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}` +
    `@127.0.0.1:${weft.sqlPort}/${encodeURIComponent(config.database)}`;
  let stopped = false;
  return {
    weft,
    config,
    url,
    port: weft.sqlPort,
    httpPort: weft.httpPort,
    stateDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await weft.close();
      } finally {
        await rm(stateDir, { recursive: true, force: true });
      }
    },
  };
}

/** The file of a SQLite service of a started Weft (e.g. the demo's "hr"). */
export function sqliteServicePath(config: WeftConfig, service: string): string {
  const found = config.services.find((s) => s.name === service);
  if (!found?.path) throw new Error(`no sqlite service "${service}" in the test config`);
  return found.path;
}
