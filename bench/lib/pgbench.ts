/**
 * Point lookups with pgbench and a custom script; returns the tps pgbench reports.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type PgbenchMode = "simple" | "extended" | "prepared";

export interface PgbenchTarget {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
  /** the accounts table as this target names it: public.accounts or pg.accounts */
  table: string;
}

export interface PgbenchRun {
  mode: PgbenchMode;
  clients: number;
  threads: number;
  durationS: number;
  tps: number;
  latencyMs: number | null;
  transactions: number | null;
  failed: number | null;
}

const PGBENCH = process.env.PGBENCH ?? "/usr/bin/pgbench";

/** Running pgbench processes, so an interrupted benchmark can stop them. */
export const runningPgbench = new Set<ChildProcess>();

export async function runPgbench(
  target: PgbenchTarget,
  opts: { mode: PgbenchMode; clients: number; durationS: number; accounts: number },
): Promise<PgbenchRun> {
  const dir = mkdtempSync(join(tmpdir(), "weft-bench-pgbench-"));
  const script = join(dir, "lookup.sql");
  writeFileSync(
    script,
    `\\set aid random(1, ${opts.accounts})\nSELECT balance FROM ${target.table} WHERE id = :aid;\n`,
  );
  const threads = Math.min(2, opts.clients);
  const args = [
    "-n",
    "-M",
    opts.mode,
    "-c",
    String(opts.clients),
    "-j",
    String(threads),
    "-T",
    String(opts.durationS),
    "-f",
    script,
    "-h",
    target.host,
    "-p",
    String(target.port),
    "-U",
    target.user,
    target.database,
  ];
  try {
    const { code, stdout, stderr } = await run(PGBENCH, args, {
      ...process.env,
      PGPASSWORD: target.password ?? "",
      PGSSLMODE: "disable",
    });
    const output = `${stdout}\n${stderr}`;
    const tps = /^tps = ([\d.]+)/m.exec(stdout);
    if (code !== 0 || !tps) {
      throw new Error(
        `pgbench ${args.join(" ")} failed (exit ${code}) against ${target.table}:\n${output.trim().slice(-3000)}`,
      );
    }
    const failed = num(/number of failed transactions: (\d+)/.exec(stdout));
    if (failed !== null && failed > 0) {
      throw new Error(`pgbench reported ${failed} failed transactions against ${target.table}:\n${output}`);
    }
    return {
      mode: opts.mode,
      clients: opts.clients,
      threads,
      durationS: opts.durationS,
      tps: Number(tps[1]),
      latencyMs: num(/latency average = ([\d.]+) ms/.exec(stdout)),
      transactions: num(/number of transactions actually processed: (\d+)/.exec(stdout)),
      failed,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function num(m: RegExpExecArray | null): number | null {
  return m ? Number(m[1]) : null;
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    runningPgbench.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", (err) => {
      runningPgbench.delete(child);
      reject(err);
    });
    child.on("close", (code) => {
      runningPgbench.delete(child);
      resolveRun({ code, stdout, stderr });
    });
  });
}
