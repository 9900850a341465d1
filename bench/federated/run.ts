/**
 * The federated benchmark: cross-service statements through Weft, through PostgreSQL with postgres_fdw +
 * mysql_fdw (the "peer"), and on the oracle (all tables in one PostgreSQL database), side by side in one run.
 *
 *   node --import tsx bench/federated/run.ts [--scale 1] [--repeat 5] [--seed 42] [--timeout 300]
 *                                            [--only id,id] [--no-readme]
 *
 * See bench/README.md ("Federated queries") for the setup, what is measured and the targets.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import type { WeftConfig } from "../../src/config.ts";
import { dropFederatedDataset, type LoadedFederatedDataset, loadFederatedDataset } from "../data/load.ts";
import { readStatusKb, resetPeak, sampleRss } from "../lib/memory.ts";
import { startWeftChild, type WeftChild } from "../lib/weft-child.ts";
import { ensureFdwPackages } from "./fdw-extensions.ts";
import { createFdwPeer, type FdwPeer } from "./fdw-peer.ts";
import { median, type RunOutcome, SideConnection } from "./measure.ts";
import { federatedBenchQueries } from "./queries.ts";
import { textTable, updateReadme, writeResultsJson } from "./report.ts";
import { type FederatedResults, judge, type QueryResult, type SideResult, summarize } from "./results.ts";

const BENCH_DIR = resolve(import.meta.dirname, "..");
const WEFT_USER = { name: "bench", password: "bench" };

const { values: opts } = parseArgs({
  options: {
    scale: { type: "string", default: "1" },
    repeat: { type: "string", default: "5" },
    seed: { type: "string", default: "42" },
    timeout: { type: "string", default: "300" },
    only: { type: "string" },
    "no-readme": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (opts.help) {
  process.stdout.write(
    "usage: node --import tsx bench/federated/run.ts [--scale 1] [--repeat 5] [--seed 42] [--timeout S]\n" +
      "         [--only id,id] [--no-readme]\n",
  );
  process.exit(0);
}
function positive(name: string, v: string, integer: boolean): number {
  const n = Number(v);
  if (!(n > 0) || (integer && !Number.isInteger(n))) {
    process.stderr.write(`--${name} must be a positive ${integer ? "integer" : "number"}, got ${v}\n`);
    process.exit(2);
  }
  return n;
}
const only = opts.only ? opts.only.split(",").map((s) => s.trim()) : null;
const corpus = only ? federatedBenchQueries.filter((q) => only.includes(q.id)) : federatedBenchQueries;
if (only && corpus.length !== only.length) {
  const known = new Set(federatedBenchQueries.map((q) => q.id));
  process.stderr.write(`--only: unknown query ids ${only.filter((id) => !known.has(id)).join(", ")}\n`);
  process.exit(2);
}
const settings: FederatedResults["settings"] = {
  scale: positive("scale", opts.scale!, false),
  seed: positive("seed", opts.seed!, true),
  repeat: positive("repeat", opts.repeat!, true),
  timeoutS: positive("timeout", opts.timeout!, false),
  only,
};

const log = (msg: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const toMb = (kb: number | null) => (kb === null ? null : kb / 1024);
const pgAdminUrl = process.env.WEFT_TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const mysqlAdminUrl = process.env.WEFT_TEST_MYSQL_URL || "mysql://root@127.0.0.1:3306/";

// ------------------------------------------------------------------ cleanup, also on Ctrl-C and errors

const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const fn = cleanups.pop()!;
      await fn().catch((err) => log(`cleanup failed: ${errorText(err)}`));
    }
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ------------------------------------------------------------------ the run

const results: FederatedResults = {
  benchmark: "federated",
  startedAt: new Date().toISOString(),
  finishedAt: "",
  machine: machineInfo(),
  settings,
  dataset: null,
  fdwSetup: null,
  weftIdleRssMb: null,
  weftPeakRssMb: null,
  queries: [],
  summary: { queries: 0, weftSupported: 0, weftMatched: 0, geoMeanWeftVsFdw: null, geoMeanFdwVsOracle: null },
  verdicts: {
    everyQueryVsFdw: { met: false, detail: "not run" },
    geoMeanVsFdw: { met: false, detail: "not run" },
    selectiveVsOracle: { met: false, detail: "not run" },
    peakRss: { met: false, detail: "not run" },
  },
  errors: [],
};

async function main(): Promise<number> {
  const serverInfo = await pgScalar(pgAdminUrl, "SELECT current_setting('server_version_num')::int / 10000");
  results.machine.postgres = String(await pgScalar(pgAdminUrl, "SHOW server_version"));
  const ext = ensureFdwPackages(Number(serverInfo), log);
  results.machine.mysqlFdw = ext.mysqlFdwPackage;

  // Dataset: hr and ops on MariaDB, crm and the oracle on PostgreSQL, fresh names.
  const suffix = randomBytes(4).toString("hex");
  const names = {
    hr: `weft_fedbench_hr_${suffix}`,
    crm: `weft_fedbench_crm_${suffix}`,
    ops: `weft_fedbench_ops_${suffix}`,
    oracle: `weft_fedbench_oracle_${suffix}`,
  };
  // Registered before loading: a load interrupted halfway still leaves nothing behind.
  cleanups.push(async () => {
    log(`dropping ${Object.values(names).join(", ")}`);
    await dropFederatedDataset({ mysqlUrl: mysqlAdminUrl, pgUrl: pgAdminUrl, names });
  });
  log(`loading the dataset at scale ${settings.scale} (seed ${settings.seed})`);
  const data: LoadedFederatedDataset = await loadFederatedDataset({
    scale: settings.scale,
    seed: settings.seed,
    mysqlUrl: mysqlAdminUrl,
    pgUrl: pgAdminUrl,
    names,
  });
  results.dataset = { rowCounts: data.rowCounts, loadSeconds: data.elapsedMs / 1000 };
  log(`loaded in ${(data.elapsedMs / 1000).toFixed(1)} s: ${JSON.stringify(data.rowCounts)}`);
  results.machine.mariadb = await mariadbVersion(data.urls.hr);

  log("building the FDW peer (postgres_fdw for crm, mysql_fdw for hr and ops)");
  let peer: FdwPeer | null = null;
  cleanups.push(async () => {
    if (peer) {
      log(`dropping ${peer.name}`);
      await peer.drop();
    }
  });
  peer = await createFdwPeer({
    adminUrl: pgAdminUrl,
    services: [
      { kind: "mysql", schema: "hr", url: data.urls.hr },
      { kind: "postgres", schema: "crm", url: data.urls.crm, remoteSchema: "public" },
      { kind: "mysql", schema: "ops", url: data.urls.ops },
    ],
    oracleUrl: data.urls.oracle,
    log,
  });
  results.fdwSetup = { steps: ext.steps, peerSetup: peer.setupLog, alignedColumns: peer.alignedColumns };

  const weft = await startWeft(data);
  const sampler = sampleRss(weft.pid);
  cleanups.push(async () => sampler.stop());
  results.weftIdleRssMb = toMb(readStatusKb(weft.pid, "VmRSS"));
  const weftUrl = `postgres://${WEFT_USER.name}:${WEFT_USER.password}@127.0.0.1:${weft.sqlPort}/weft`;

  const timeoutMs = settings.timeoutS * 1000;
  const sides = {
    oracle: new SideConnection("oracle", data.urls.oracle, timeoutMs, true),
    fdw: new SideConnection("FDW peer", peer.url, timeoutMs, true),
    weft: new SideConnection("Weft", weftUrl, timeoutMs, false),
  };
  cleanups.push(async () => {
    for (const s of Object.values(sides)) await s.close();
  });

  for (const q of corpus) {
    log(`${q.id}: warm-up (checked) on oracle, FDW peer, Weft`);
    const warm = {
      oracle: await sides.oracle.run(q.sql),
      fdw: await sides.fdw.run(q.sql),
      weft: await measureWeft(() => sides.weft.run(q.sql)),
    };
    if (warm.oracle.kind !== "ok") {
      throw new Error(`${q.id} fails on the oracle: ${describe(warm.oracle)}`);
    }
    const runs: Record<"oracle" | "fdw" | "weft", number[]> = { oracle: [], fdw: [], weft: [] };
    let weftPeak = toMb(sampler.hwmKb());
    const failed: Partial<Record<"oracle" | "fdw" | "weft", RunOutcome>> = {};
    for (let i = 1; i <= settings.repeat; i++) {
      log(`${q.id}: run ${i}/${settings.repeat}`);
      for (const side of ["oracle", "fdw", "weft"] as const) {
        if (warm[side].kind !== "ok" || failed[side]) continue;
        const out =
          side === "weft" ? await measureWeft(() => sides.weft.run(q.sql)) : await sides[side].run(q.sql);
        if (side === "weft") weftPeak = Math.max(weftPeak ?? 0, toMb(sampler.hwmKb()) ?? 0);
        if (out.kind === "ok") runs[side].push(out.ms);
        else failed[side] = out;
      }
    }
    const expected = warm.oracle.digest;
    const sideResult = (side: "oracle" | "fdw" | "weft"): SideResult => {
      const w = warm[side];
      const f = failed[side] ?? w;
      if (f.kind === "timeout") return { status: "timeout", afterMs: f.ms };
      if (f.kind === "error") {
        if (side === "weft" && f.sqlstate === "0A000")
          return { status: "not supported yet", message: f.message };
        return { status: "error", sqlstate: f.sqlstate, message: f.message };
      }
      if (w.kind !== "ok") throw new Error("unreachable");
      return {
        status: "ok",
        medianMs: median(runs[side]),
        runsMs: runs[side],
        rows: w.rows,
        digest: w.digest,
        matchesOracle: w.digest === expected,
      };
    };
    const oracle = sideResult("oracle");
    const fdw = sideResult("fdw");
    const weftResult = sideResult("weft");
    const usable = (s: SideResult) => (s.status === "ok" && s.matchesOracle ? s.medianMs : null);
    const o = usable(oracle);
    const f = usable(fdw);
    const w = usable(weftResult);
    const result: QueryResult = {
      id: q.id,
      category: q.category,
      selective: q.selective,
      oracle,
      fdw,
      weft: weftResult,
      weftVsFdw: w !== null && f !== null ? w / f : null,
      weftVsOracle: w !== null && o !== null ? w / o : null,
      fdwVsOracle: f !== null && o !== null ? f / o : null,
      weftPeakRssMb: weftResult.status === "ok" ? weftPeak : null,
    };
    results.queries.push(result);
    log(
      `${q.id}: oracle ${cell(oracle)}, FDW ${cell(fdw)}, Weft ${cell(weftResult)}` +
        (result.weftVsFdw !== null ? `, Weft/FDW ${result.weftVsFdw.toFixed(2)}×` : ""),
    );
    if (fdw.status === "ok" && !fdw.matchesOracle) {
      results.errors.push(`${q.id}: the FDW peer returned a different result than the oracle`);
    }
    if (weftResult.status === "ok" && !weftResult.matchesOracle) {
      results.errors.push(`${q.id}: Weft returned a different result than the oracle`);
    }
    if (weftResult.status === "error" || weftResult.status === "timeout") {
      results.errors.push(`${q.id}: Weft ${cell(weftResult)}`);
    }
    if (!weftAlive(weft)) break;
  }

  const seen = [
    results.weftIdleRssMb,
    toMb(sampler.peakKb()),
    ...results.queries.map((q) => q.weftPeakRssMb),
  ].filter((x): x is number => x !== null);
  results.weftPeakRssMb = seen.length ? Math.max(...seen) : null;
  return results.errors.length === 0 ? 0 : 1;

  /** Resets Weft's VmHWM before the run, so the peak read after it belongs to this query. */
  async function measureWeft(fn: () => Promise<RunOutcome>): Promise<RunOutcome> {
    resetPeak(weft.pid);
    sampler.mark();
    return fn();
  }
}

function describe(o: RunOutcome): string {
  return o.kind === "ok"
    ? `${o.rows} rows`
    : o.kind === "timeout"
      ? "timeout"
      : `${o.sqlstate}: ${o.message}`;
}

function cell(s: SideResult): string {
  if (s.status === "ok") return `${s.medianMs.toFixed(1)} ms${s.matchesOracle ? "" : " (WRONG RESULT)"}`;
  if (s.status === "error") return `error ${s.sqlstate}: ${s.message}`;
  if (s.status === "timeout") return "timeout";
  return "not supported yet";
}

async function startWeft(data: LoadedFederatedDataset): Promise<WeftChild> {
  const stateDir = mkdtempSync(join(os.tmpdir(), "weft-fedbench-state-"));
  cleanups.push(async () => rmSync(stateDir, { recursive: true, force: true }));
  const config: WeftConfig = {
    listen: { host: "127.0.0.1", port: 0, httpPort: 0 },
    stateDir,
    database: "weft",
    strictDatabase: false,
    users: [WEFT_USER],
    auth: "scram-sha-256",
    tls: null,
    log: { level: "warn" },
    services: [
      { name: "hr", kind: "mysql", url: data.urls.hr, pool: 8 },
      { name: "crm", kind: "postgres", url: data.urls.crm, pool: 8, schema: "public" },
      { name: "ops", kind: "mysql", url: data.urls.ops, pool: 8 },
    ],
  };
  log("starting Weft (child process) with services hr, crm, ops");
  const weft = await startWeftChild(config);
  cleanups.push(async () => {
    log("stopping Weft");
    await weft.stop();
  });
  log(`Weft pid ${weft.pid} listening on ${weft.sqlPort}`);
  return weft;
}

function weftAlive(weft: WeftChild): boolean {
  if (readStatusKb(weft.pid, "VmRSS") !== null) return true;
  const msg = `Weft (pid ${weft.pid}) is no longer running; output tail:\n${weft.output().slice(-4000)}`;
  log(msg);
  results.errors.push(msg);
  return false;
}

async function pgScalar(url: string, sql: string): Promise<unknown> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Object.values((await c.query(sql)).rows[0] ?? {})[0];
  } finally {
    await c.end();
  }
}

async function mariadbVersion(url: string): Promise<string> {
  const mysql = await import("mysql2/promise");
  const c = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await c.query("SELECT version() AS v");
    return String((rows as { v: string }[])[0]?.v ?? "unknown");
  } finally {
    await c.end();
  }
}

function machineInfo(): FederatedResults["machine"] {
  const cpus = os.cpus();
  let node = process.version;
  try {
    node = execFileSync(process.execPath, ["--version"], { encoding: "utf8" }).trim();
  } catch {}
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memGb: Math.round(os.totalmem() / 2 ** 30),
    node,
    postgres: "",
    mariadb: "",
    mysqlFdw: null,
  };
}

// ------------------------------------------------------------------ entry

let code = 1;
try {
  code = await main();
} catch (err) {
  log(`benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  results.errors.push(errorText(err));
  code = 1;
} finally {
  await cleanup();
}
results.finishedAt = new Date().toISOString();
results.summary = summarize(results);
results.verdicts = judge(results);
process.stdout.write(`\n${textTable(results)}\n`);
if (results.errors.length > 0) process.stdout.write(`\nerrors:\n- ${results.errors.join("\n- ")}\n`);
const jsonPath = writeResultsJson(join(BENCH_DIR, "results"), results);
process.stdout.write(`\nresults: ${jsonPath}\n`);
// The README shows a complete corpus only; Weft's own failures (wrong result, error) are part of the
// figures, but a run that broke on the harness or the other sides is not.
const complete = results.queries.length === federatedBenchQueries.length && only === null;
if (complete && !opts["no-readme"]) {
  const readme = join(BENCH_DIR, "README.md");
  process.stdout.write(
    updateReadme(readme, results) ? `README updated: ${readme}\n` : "README markers missing\n",
  );
} else if (!opts["no-readme"]) {
  process.stdout.write("README not updated (incomplete run or --only)\n");
}
process.exit(code);
