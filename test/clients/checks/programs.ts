/**
 * The client programs in other languages (pgjdbc, psycopg2, SQLAlchemy), each run as a child process
 * against a target with the facts it must find there. .ci/run installs their runtimes.
 */
import assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { writeFactsFiles } from "../../support/demo-facts.ts";
import { describeResult, type ProcessResult, runProcess } from "../../support/run-process.ts";
import type { ClientTarget, GetTarget } from "./target.ts";

const clientsDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const pgjdbcJar = process.env.WEFT_PGJDBC_JAR || "/usr/share/java/postgresql.jar";
/** Debian's python3 has python3-psycopg2 and python3-sqlalchemy; a pyenv python3 on PATH has not. */
export const systemPython = process.env.WEFT_TEST_PYTHON || "/usr/bin/python3";

let compiled: Promise<string> | undefined;

/** Compiles WeftJdbcCheck.java once per process into a temp dir (removed at exit). */
export function compileJdbcCheck(): Promise<string> {
  compiled ??= (async () => {
    const out = await mkdtemp(join(tmpdir(), "weft-jdbc-"));
    process.once("exit", () => rmSync(out, { recursive: true, force: true }));
    const source = join(clientsDir, "jdbc", "WeftJdbcCheck.java");
    const r = await runProcess("javac", ["-encoding", "UTF-8", "-d", out, "-cp", pgjdbcJar, source]);
    assert.equal(r.code, 0, describeResult("javac WeftJdbcCheck.java", r));
    return out;
  })();
  return compiled;
}

function requireFile(path: string, what: string): void {
  assert.ok(existsSync(path), `${what} not found at ${path}; .ci/run installs it`);
}

async function withFacts<T>(
  target: ClientTarget,
  run: (files: { json: string; properties: string }) => Promise<T>,
) {
  const files = await writeFactsFiles(target.facts);
  try {
    return await run(files);
  } finally {
    await rm(files.dir, { recursive: true, force: true });
  }
}

export function assertPassed(name: string, r: ProcessResult): void {
  assert.equal(r.code, 0, describeResult(name, r));
  assert.match(r.stdout, /: \d+ checks passed\n$/, describeResult(name, r));
}

/** `extraArgs`: e.g. a virtual foreign key to find ("name|child(col) -> parent(col)") */
export async function runJdbcCheck(target: ClientTarget, extraArgs: string[] = []): Promise<ProcessResult> {
  requireFile(pgjdbcJar, "pgjdbc (libpostgresql-jdbc-java)");
  const classes = await compileJdbcCheck();
  return withFacts(target, (files) =>
    runProcess("java", [
      "-cp",
      `${pgjdbcJar}:${classes}`,
      "WeftJdbcCheck",
      target.url,
      files.properties,
      ...extraArgs,
    ]),
  );
}

export async function runPythonCheck(
  script: "psycopg2_check.py" | "sqlalchemy_check.py",
  target: ClientTarget,
): Promise<ProcessResult> {
  requireFile(systemPython, "Debian's python3");
  return withFacts(target, (files) =>
    runProcess(systemPython, [join(clientsDir, "python", script), target.url, files.json], {
      env: { ...process.env, PYTHONIOENCODING: "utf-8", PYTHONDONTWRITEBYTECODE: "1" },
    }),
  );
}

export function jdbcChecks(target: GetTarget): void {
  test("pgjdbc: metadata, server-prepared statements, cursor fetch, SQLSTATE", async () => {
    assertPassed("WeftJdbcCheck", await runJdbcCheck(target()));
  });
}

export function psycopg2Checks(target: GetTarget): void {
  test("psycopg2: parameters, types, named cursor, errors, transaction status", async () => {
    assertPassed("psycopg2_check.py", await runPythonCheck("psycopg2_check.py", target()));
  });
}

export function sqlalchemyChecks(target: GetTarget): void {
  test("SQLAlchemy: inspector reflection and Core selects", async () => {
    assertPassed("sqlalchemy_check.py", await runPythonCheck("sqlalchemy_check.py", target()));
  });
}
