/**
 * Weft in a child process (bench/run-weft.ts), so its memory can be read from /proc on its own.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { WeftConfig } from "../../src/config.ts";

export interface WeftChild {
  pid: number;
  sqlPort: number;
  httpPort: number;
  /** the tail of what the child wrote (stderr, and its logs on stdout), for error reports */
  output(): string;
  stop(): Promise<void>;
}

interface Ready {
  sqlPort: number;
  httpPort: number;
}

const STARTUP_TIMEOUT_MS = 120_000;
const verbose = Boolean(process.env.WEFT_BENCH_VERBOSE);

export async function startWeftChild(config: WeftConfig): Promise<WeftChild> {
  const dir = mkdtempSync(join(tmpdir(), "weft-bench-cfg-"));
  const configPath = join(dir, "weft.json");
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const runner = resolve(import.meta.dirname, "../run-weft.ts");
  const child = spawn(process.execPath, ["--import", "tsx", runner, configPath], {
    stdio: ["pipe", "pipe", "pipe"],
    cwd: resolve(import.meta.dirname, "../.."),
  });
  let output = "";
  const keep = (text: string) => {
    output += text;
    if (output.length > 200_000) output = output.slice(-100_000);
    if (verbose) process.stderr.write(text.replace(/^(?=.)/gm, "[weft] "));
  };
  child.stderr!.setEncoding("utf8").on("data", keep);
  const cleanupDir = () => rmSync(dir, { recursive: true, force: true });
  try {
    const ready = await waitForReady(child, keep, () => output);
    return {
      pid: child.pid!,
      sqlPort: ready.sqlPort,
      httpPort: ready.httpPort,
      output: () => output,
      stop: async () => {
        await stopChild(child);
        cleanupDir();
      },
    };
  } catch (err) {
    await stopChild(child);
    cleanupDir();
    throw err;
  }
}

function parseReady(line: string): Ready | null {
  try {
    const parsed = JSON.parse(line);
    return parsed?.weftBench === "ready" ? parsed : null;
  } catch {
    return null;
  }
}

/** Reads stdout until the runner's ready line; every other line (Weft's logs when verbose) is kept. */
function waitForReady(
  child: ChildProcess,
  keep: (text: string) => void,
  output: () => string,
): Promise<Ready> {
  return new Promise((resolveReady, reject) => {
    let pending = "";
    const timer = setTimeout(
      () => fail(new Error(`Weft did not report its ports within ${STARTUP_TIMEOUT_MS / 1000}s`)),
      STARTUP_TIMEOUT_MS,
    );
    const onData = (d: string) => {
      pending += d;
      for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const ready = parseReady(line);
        if (ready) {
          done();
          if (pending) keep(pending);
          resolveReady(ready);
          return;
        }
        keep(`${line}\n`);
      }
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(new Error(`Weft child exited during startup (code ${code}, signal ${signal})`));
    function done() {
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      child.off("exit", onExit);
      // Keep draining stdout so a chatty Weft never blocks on a full pipe.
      child.stdout!.on("data", keep);
    }
    function fail(err: Error) {
      done();
      const tail = output().trim().split("\n").slice(-40).join("\n");
      reject(new Error(`${err.message}${tail ? `\n--- Weft output (tail) ---\n${tail}` : ""}`));
    }
    child.stdout!.setEncoding("utf8").on("data", onData);
    child.once("exit", onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 10_000).unref());
  if ((await Promise.race([exited, timeout])) === "timeout") {
    child.kill("SIGKILL");
    await exited;
  }
}
