/**
 * Runs Weft alone in this process so the benchmark can measure its memory without the load generator's.
 * Usage: node --import tsx bench/run-weft.ts <config.json>
 * Prints one JSON line `{"weftBench":"ready","sqlPort":…,"httpPort":…,"pid":…}` on stdout once listening. Stops on
 * SIGTERM/SIGINT or when stdin closes (so a parent that dies hard does not leave Weft running).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { WeftConfig } from "../src/config.ts";

const configPath = process.argv[2];
if (!configPath) {
  process.stderr.write("usage: run-weft.ts <config.json>\n");
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, "utf8")) as WeftConfig;

// Loaded by URL so WEFT_BENCH_MAIN can point at another module exporting startWeft (used to check the
// harness itself against a stand-in).
const mainPath = process.env.WEFT_BENCH_MAIN ?? resolve(import.meta.dirname, "../src/main.ts");
const mainUrl = pathToFileURL(resolve(mainPath)).href;
const { startWeft } = (await import(mainUrl)) as typeof import("../src/main.ts");

// WEFT_BENCH_VERBOSE=1 keeps Weft's own logs (they go to stdout too, hence the marker on our line).
const weft = await startWeft(config, { quiet: !process.env.WEFT_BENCH_VERBOSE });
process.stdout.write(
  `${JSON.stringify({ weftBench: "ready", sqlPort: weft.sqlPort, httpPort: weft.httpPort, pid: process.pid })}\n`,
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await weft.close();
  } finally {
    process.exit(0);
  }
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
