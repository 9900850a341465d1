/**
 * The foundation benchmark: point lookups (pgbench) and a cursor scan, directly against PostgreSQL and
 * through Weft, side by side in one run, plus Weft's memory (Weft runs in a child process).
 *
 *   node --import tsx bench/foundation.ts [--rows 1000000] [--duration 20] [--direct-only]
 *
 * See bench/README.md for what is measured and the targets.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import type { AuthMethod } from "../src/config.ts";
import { withCpuShare } from "./lib/cpu.ts";
import { readStatusKb, resetPeak, sampleRss } from "./lib/memory.ts";
import { createBenchDatabase } from "./lib/pg-database.ts";
import { type PgbenchMode, type PgbenchTarget, runningPgbench, runPgbench } from "./lib/pgbench.ts";
import { textTable, updateReadme, writeResultsJson } from "./lib/report.ts";
import { type FoundationResults, judge, type Outcome } from "./lib/results.ts";
import { runScan, type ScanRun } from "./lib/scan.ts";
import { startWeftChild, type WeftChild } from "./lib/weft-child.ts";
import { BENCH_DATABASE, BENCH_USER, benchWeftConfig } from "./lib/weft-config.ts";

const BENCH_DIR = import.meta.dirname;

const { values: opts } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    accounts: { type: "string", default: "100000" },
    duration: { type: "string", default: "20" },
    modes: { type: "string", default: "extended,simple" },
    clients: { type: "string", default: "1,16" },
    auth: { type: "string", default: "scram-sha-256" },
    pool: { type: "string", default: "20" },
    "scan-repeat": { type: "string", default: "3" },
    "direct-only": { type: "boolean", default: false },
    "no-readme": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (opts.help) {
  process.stdout.write(
    "usage: node --import tsx bench/foundation.ts [--rows N] [--accounts N] [--duration S]\n" +
      "         [--modes extended,simple,prepared] [--clients 1,16] [--auth scram-sha-256|md5|password|trust]\n" +
      "         [--pool N] [--scan-repeat N] [--direct-only] [--no-readme]\n",
  );
  process.exit(0);
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write(`--${name} must be a positive integer, got ${v}\n`);
    process.exit(2);
  }
  return n;
}

const settings: FoundationResults["settings"] = {
  rows: positiveInt("rows", opts.rows!),
  accounts: positiveInt("accounts", opts.accounts!),
  durationS: positiveInt("duration", opts.duration!),
  modes: opts.modes!.split(",").map((m) => {
    if (m !== "simple" && m !== "extended" && m !== "prepared") {
      process.stderr.write(`--modes: unknown pgbench mode ${m}\n`);
      process.exit(2);
    }
    return m as PgbenchMode;
  }),
  clients: opts.clients!.split(",").map((c) => positiveInt("clients", c)),
  auth: opts.auth!,
  pool: positiveInt("pool", opts.pool!),
  scanRepeat: positiveInt("scan-repeat", opts["scan-repeat"]!),
  directOnly: opts["direct-only"]!,
};
if (!["scram-sha-256", "md5", "password", "trust"].includes(settings.auth)) {
  process.stderr.write(`--auth must be scram-sha-256, md5, password or trust\n`);
  process.exit(2);
}

const log = (msg: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const toMb = (kb: number | null) => (kb === null ? null : kb / 1024);

// ------------------------------------------------------------------ cleanup, also on Ctrl-C and errors

const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const child of runningPgbench) child.kill("SIGTERM");
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

const results: FoundationResults = {
  benchmark: "foundation",
  startedAt: new Date().toISOString(),
  finishedAt: "",
  machine: machineInfo(),
  settings,
  weftStart: null,
  pointLookups: [],
  scans: [],
  weftOverallPeakRssMb: null,
  verdicts: { pointLookup16: null, scan: null, peakRss: null, memoryFlat: null },
  errors: [],
};

async function main(): Promise<number> {
  const db = await createBenchDatabase({ accounts: settings.accounts, bigRows: settings.rows }, log);
  cleanups.push(async () => {
    log(`dropping database ${db.name}`);
    await db.drop();
  });
  const pgUrl = new URL(db.url);
  results.machine.postgres = await serverVersion(db.url);

  let weft: WeftChild | null = null;
  if (!settings.directOnly) weft = await startWeft(db.url);
  const sampler = weft ? sampleRss(weft.pid) : null;
  cleanups.push(async () => sampler?.stop());

  const direct: PgbenchTarget = {
    host: pgUrl.hostname,
    port: Number(pgUrl.port || 5432),
    user: decodeURIComponent(pgUrl.username || "postgres"),
    password: decodeURIComponent(pgUrl.password),
    database: db.name,
    table: "public.accounts",
  };
  const viaWeft: PgbenchTarget | null = weft && {
    host: "127.0.0.1",
    port: weft.sqlPort,
    user: BENCH_USER.name,
    password: BENCH_USER.password,
    database: BENCH_DATABASE,
    table: "pg.accounts",
  };
  const weftUrl = weft
    ? `postgres://${BENCH_USER.name}:${BENCH_USER.password}@127.0.0.1:${weft.sqlPort}/${BENCH_DATABASE}`
    : null;

  let weftUsable = weft !== null && weftUrl !== null && (await sanityCheck(weftUrl, db.url));

  // Point lookups: direct and Weft back to back for each setting, so drift on the machine hits both.
  for (const mode of settings.modes) {
    for (const clients of settings.clients) {
      const run = { mode, clients, durationS: settings.durationS, accounts: settings.accounts };
      log(`pgbench -M ${mode} -c ${clients}: direct`);
      const d = await runPgbench(direct, run);
      let w: Outcome<Awaited<ReturnType<typeof runPgbench>>> | null = null;
      let weftCpuPercent: number | null = null;
      if (viaWeft && weftUsable) {
        log(`pgbench -M ${mode} -c ${clients}: Weft`);
        w = await attempt(`pgbench -M ${mode} -c ${clients} through Weft`, async () => {
          const measured = await withCpuShare(weft!.pid, () => runPgbench(viaWeft, run));
          weftCpuPercent = measured.cpuPercent;
          return measured.value;
        });
        weftUsable = weftAlive(weft!);
      }
      results.pointLookups.push({
        mode,
        clients,
        direct: d,
        weft: w,
        ratio: w?.ok ? w.value.tps / d.tps : null,
        weftCpuPercent,
      });
    }
  }

  // Scans: the 1/4 scan first, then the full one; memory must not grow between them. Each is repeated
  // (direct and Weft alternating) and the median run reported: one scan lasts about a second, so a single
  // run is at the mercy of whatever else the two cores are doing.
  const quarter = Math.max(1, Math.floor(settings.rows / 4));
  for (const [label, maxId, expected] of [
    ["quarter", quarter, quarter],
    ["full", null, settings.rows],
  ] as const) {
    const directRuns: ScanRun[] = [];
    const weftRuns: ScanRun[] = [];
    let hwmResetBeforeScan = false;
    const measureWeft = weft !== null && weftUrl !== null && weftUsable && sampler !== null;
    if (measureWeft) {
      hwmResetBeforeScan = resetPeak(weft!.pid);
      sampler!.mark();
    }
    let weftFailure: Outcome<ScanRun> | null = null;
    for (let i = 1; i <= settings.scanRepeat; i++) {
      log(`scan (${label}, ${expected} rows) ${i}/${settings.scanRepeat}: direct`);
      const d = await runScan({ connectionString: db.url, table: "public.big" }, maxId);
      if (d.rows !== expected)
        throw new Error(`direct ${label} scan returned ${d.rows} rows, expected ${expected}`);
      directRuns.push(d);
      if (measureWeft && weftFailure === null && weftUsable) {
        log(`scan (${label}, ${expected} rows) ${i}/${settings.scanRepeat}: Weft`);
        const w = await attempt(`${label} scan through Weft`, async () => {
          const measured = await withCpuShare(weft!.pid, () =>
            runScan({ connectionString: weftUrl!, table: "pg.big" }, maxId),
          );
          const r = measured.value;
          if (r.rows !== expected) throw new Error(`returned ${r.rows} rows, expected ${expected}`);
          return { ...r, weftCpuPercent: measured.cpuPercent };
        });
        if (w.ok) weftRuns.push(w.value);
        else weftFailure = w;
        weftUsable = weftAlive(weft!);
      }
    }
    const direct = median(directRuns);
    const weftOutcome: Outcome<ScanRun> | null = measureWeft
      ? (weftFailure ?? { ok: true, value: median(weftRuns) })
      : null;
    results.scans.push({
      label,
      expectedRows: expected,
      direct,
      directRuns,
      weft: weftOutcome,
      weftRuns,
      ratio: weftOutcome?.ok ? weftOutcome.value.rowsPerSecond / direct.rowsPerSecond : null,
      weftPeakRssSampledMb: measureWeft ? toMb(sampler!.peakKb()) : null,
      weftPeakRssHwmMb: measureWeft ? toMb(sampler!.hwmKb()) : null,
      hwmResetBeforeScan,
    });
  }

  if (weft) {
    // VmHWM was reset per scan; the whole-run peak is the highest of what was seen.
    const seen = [
      results.weftStart?.ok ? results.weftStart.value.idleRssMb : null,
      ...results.scans.flatMap((s) => [s.weftPeakRssSampledMb, s.weftPeakRssHwmMb]),
      toMb(sampler!.peakKb()),
      toMb(readStatusKb(weft.pid, "VmHWM")),
    ].filter((x): x is number => x !== null);
    results.weftOverallPeakRssMb = seen.length ? Math.max(...seen) : null;
  }
  return results.errors.length === 0 ? 0 : 1;
}

/** The run with the median rows/s (the upper one of the middle two for an even count). */
function median(runs: ScanRun[]): ScanRun {
  const sorted = [...runs].sort((a, b) => a.rowsPerSecond - b.rowsPerSecond);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function startWeft(dbUrl: string): Promise<WeftChild | null> {
  const stateDir = mkdtempSync(join(os.tmpdir(), "weft-bench-state-"));
  cleanups.push(async () => rmSync(stateDir, { recursive: true, force: true }));
  const config = benchWeftConfig(dbUrl, stateDir, settings.auth as AuthMethod, settings.pool);
  log("starting Weft (child process)");
  const started = await attempt("starting Weft", () => startWeftChild(config));
  if (!started.ok) {
    results.weftStart = started;
    return null;
  }
  const weft = started.value;
  cleanups.push(async () => {
    log("stopping Weft");
    await weft.stop();
  });
  results.weftStart = {
    ok: true,
    value: { sqlPort: weft.sqlPort, idleRssMb: toMb(readStatusKb(weft.pid, "VmRSS")) },
  };
  log(`Weft pid ${weft.pid} listening on ${weft.sqlPort}`);
  return weft;
}

/** Before timing anything: Weft must return what PostgreSQL returns. */
async function sanityCheck(weftUrl: string, directUrl: string): Promise<boolean> {
  const check = await attempt("sanity check through Weft", async () => {
    const probe = async (url: string) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const table = url === weftUrl ? "pg.accounts" : "public.accounts";
        const count = await c.query(`SELECT count(*)::int AS n FROM ${table}`);
        const one = await c.query(`SELECT balance FROM ${table} WHERE id = $1`, [
          4242 % settings.accounts || 1,
        ]);
        return { n: count.rows[0]?.n, balance: one.rows[0]?.balance };
      } finally {
        await c.end();
      }
    };
    const [w, d] = [await probe(weftUrl), await probe(directUrl)];
    if (w.n !== d.n || w.balance !== d.balance) {
      throw new Error(`Weft returned ${JSON.stringify(w)}, PostgreSQL ${JSON.stringify(d)}`);
    }
  });
  return check.ok;
}

async function attempt<T>(what: string, fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    const msg = `${what}: ${errorText(err)}`;
    log(`FAILED ${msg}`);
    results.errors.push(msg);
    return { ok: false, error: msg };
  }
}

function weftAlive(weft: WeftChild): boolean {
  if (readStatusKb(weft.pid, "VmRSS") !== null) return true;
  const msg = `Weft (pid ${weft.pid}) is no longer running; output tail:\n${weft.output().slice(-4000)}`;
  log(msg);
  results.errors.push(msg);
  return false;
}

async function serverVersion(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query("SHOW server_version")).rows[0].server_version;
  } finally {
    await c.end();
  }
}

function machineInfo(): FoundationResults["machine"] {
  const cpus = os.cpus();
  let pgbench = "pgbench (unknown version)";
  try {
    pgbench = execFileSync(process.env.PGBENCH ?? "/usr/bin/pgbench", ["--version"], {
      encoding: "utf8",
    }).trim();
  } catch {}
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres: "",
    pgbench,
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
results.verdicts = judge(results);
process.stdout.write(`\n${textTable(results)}\n`);
if (results.errors.length > 0) process.stdout.write(`\nerrors:\n- ${results.errors.join("\n- ")}\n`);
const jsonPath = writeResultsJson(join(BENCH_DIR, "results"), results);
process.stdout.write(`\nresults: ${jsonPath}\n`);
const complete =
  !settings.directOnly &&
  results.errors.length === 0 &&
  results.pointLookups.length > 0 &&
  results.scans.length === 2;
if (complete && !opts["no-readme"]) {
  const readme = resolve(BENCH_DIR, "README.md");
  process.stdout.write(
    updateReadme(readme, results) ? `README updated: ${readme}\n` : "README markers missing\n",
  );
} else if (!opts["no-readme"]) {
  process.stdout.write("README not updated (direct-only or incomplete run)\n");
}
process.exit(code);
