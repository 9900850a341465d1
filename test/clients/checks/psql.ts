/** psql, the way a person uses it: meta-commands, a query, an error, Ctrl-C. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { describeResult, type ProcessResult, runProcess } from "../../support/run-process.ts";
import type { GetTarget } from "./target.ts";

export const psqlCommand = process.env.WEFT_TEST_PSQL || "psql";

/** Runs `psql URL -X [args]` with an English, UTF-8 client and no ~/.psqlrc. */
export function psql(url: string, args: string[], timeoutMs = 30_000, onSpawn?: (pid: number) => void) {
  return runProcess(psqlCommand, [url, "-X", "--no-password", ...args], {
    env: {
      ...process.env,
      LC_ALL: "C.UTF-8",
      LANG: "C.UTF-8",
      PGCLIENTENCODING: "UTF8",
      PGCONNECT_TIMEOUT: "10",
    },
    timeoutMs,
    onSpawn: onSpawn ? (child) => child.pid !== undefined && onSpawn(child.pid) : undefined,
  });
}

function assertOk(r: ProcessResult, what: string): string {
  assert.equal(r.code, 0, describeResult(`psql ${what}`, r));
  assert.equal(r.stderr, "", describeResult(`psql ${what}`, r));
  return r.stdout;
}

/** The cells of psql's aligned table output: header and data rows (continuation rows included). */
export function alignedTable(output: string): { header: string[]; rows: string[][] } {
  const lines = output.split("\n");
  const sep = lines.findIndex((l) => /^-+(\+-+)*-*$/.test(l.trim()) && l.includes("-+-"));
  const sepAt = sep >= 0 ? sep : lines.findIndex((l) => /^-{3,}$/.test(l.trim()));
  if (sepAt < 1) throw new Error(`no aligned table in psql output:\n${output}`);
  const cells = (l: string) => l.split("|").map((c) => c.trim().replace(/\s*\+$/, ""));
  const header = cells(lines[sepAt - 1]!);
  const rows: string[][] = [];
  for (const line of lines.slice(sepAt + 1)) {
    // a footer ("(3 rows)", "Indexes:" …) or the blank line after the table ends it
    if (line.trim() === "" || (header.length > 1 && !line.includes("|"))) break;
    rows.push(cells(line));
  }
  return { header, rows };
}

export function psqlChecks(target: GetTarget): void {
  test("\\l lists the database", async () => {
    const { url, facts } = target();
    const out = assertOk(await psql(url, ["-c", "\\l"]), "\\l");
    assert.match(out, /List of databases/);
    const { header, rows } = alignedTable(out);
    assert.deepEqual(header.slice(0, 3), ["Name", "Owner", "Encoding"]);
    const row = rows.find((r) => r[0] === facts.database);
    assert.ok(row, `\\l has no row for ${facts.database}:\n${out}`);
    assert.equal(row[2], "UTF8");
  });

  test("\\dn lists the schemas hr and crm", async () => {
    const { url } = target();
    const out = assertOk(await psql(url, ["-c", "\\dn"]), "\\dn");
    assert.match(out, /List of schemas/);
    const names = alignedTable(out).rows.map((r) => r[0]);
    assert.ok(names.includes("hr"), out);
    assert.ok(names.includes("crm"), out);
    assert.ok(!names.some((n) => n?.startsWith("pg_")), `\\dn shows system schemas:\n${out}`);
    assert.ok(!names.includes("information_schema"), out);
  });

  test("\\dt hr.* lists the three hr tables", async () => {
    const { url } = target();
    const out = assertOk(await psql(url, ["-c", "\\dt hr.*"]), "\\dt hr.*");
    const { header, rows } = alignedTable(out);
    assert.deepEqual(header.slice(0, 3), ["Schema", "Name", "Type"]);
    assert.deepEqual(
      rows.map((r) => r.slice(0, 3)),
      [
        ["hr", "departments", "table"],
        ["hr", "employees", "table"],
        ["hr", "todo", "table"],
      ],
    );
    assert.match(out, /\(3 rows\)/);
  });

  test("\\d hr.employees shows columns, types, the primary key and the foreign key", async () => {
    const { url, facts } = target();
    const out = assertOk(await psql(url, ["-c", "\\d hr.employees"]), "\\d hr.employees");
    assert.match(out, /Table "hr\.employees"/);
    const { header, rows } = alignedTable(out);
    assert.deepEqual(header, ["Column", "Type", "Collation", "Nullable", "Default"]);
    const columns = rows.filter((r) => r[0] !== "");
    assert.deepEqual(
      columns.map((r) => r[0]),
      facts.employeeColumns,
    );
    const byName = new Map(columns.map((r) => [r[0], r]));
    assert.equal(byName.get("emp_no")?.[1], "bigint");
    assert.equal(byName.get("emp_no")?.[3], "not null");
    assert.equal(byName.get("birth_date")?.[1], "date");
    assert.equal(byName.get("hire_date")?.[1], "date");
    assert.equal(byName.get("salary")?.[1], "numeric(10,2)");
    assert.equal(byName.get("email")?.[3], "");
    assert.match(out, /\nIndexes:\n\s+"[^"]+" PRIMARY KEY, btree \(emp_no\)\n/);
    assert.match(
      out,
      /\nForeign-key constraints:\n(\s+.*\n)*\s+"[^"]+" FOREIGN KEY \(dept_no\) REFERENCES hr\.departments\(dept_no\)\n/,
    );
  });

  test("\\d+ hr.employees adds storage and description", async () => {
    const { url, facts } = target();
    const out = assertOk(await psql(url, ["-c", "\\d+ hr.employees"]), "\\d+ hr.employees");
    const { header, rows } = alignedTable(out);
    assert.deepEqual(header.slice(0, 5), ["Column", "Type", "Collation", "Nullable", "Default"]);
    assert.ok(header.includes("Storage"), `no Storage column: ${header.join(" | ")}`);
    assert.equal(header[header.length - 1], "Description");
    const storage = header.indexOf("Storage");
    const byName = new Map(rows.map((r) => [r[0], r]));
    assert.deepEqual([...byName.keys()], facts.employeeColumns);
    assert.equal(byName.get("emp_no")?.[storage], "plain");
    assert.equal(byName.get("first_name")?.[storage], "extended");
    assert.match(out, /PRIMARY KEY, btree \(emp_no\)/);
    assert.match(out, /FOREIGN KEY \(dept_no\) REFERENCES hr\.departments\(dept_no\)/);
  });

  test("a query returns the employee count", async () => {
    const { url, facts } = target();
    const out = assertOk(
      await psql(url, ["-A", "-t", "-c", "select count(*) from hr.employees"]),
      "select count(*)",
    );
    assert.equal(out, `${facts.employeeCount}\n`);
  });

  test("a bad query prints the error and psql exits 1", async () => {
    const { url } = target();
    const r = await psql(url, ["-v", "ON_ERROR_STOP=1", "-c", "select nope from hr.employees"]);
    assert.equal(r.code, 1, describeResult("psql", r));
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^ERROR: {2}column "nope" does not exist\n/m);
  });

  test("the error's position lets psql point at the column", async () => {
    const { url } = target();
    const r = await psql(url, ["-c", "select nope from hr.employees"]);
    assert.equal(r.code, 1, describeResult("psql", r));
    assert.match(r.stderr, /\nLINE 1: select nope from hr\.employees\n {15}\^\n/, describeResult("psql", r));
  });

  test("Ctrl-C cancels a running statement", { timeout: 30_000 }, async () => {
    const { url } = target();
    let sigint: NodeJS.Timeout | undefined;
    const r = await psql(url, ["-c", "select pg_sleep(30)"], 20_000, (pid) => {
      sigint = setTimeout(() => process.kill(pid, "SIGINT"), 1000);
    });
    clearTimeout(sigint);
    assert.equal(r.timedOut, false, describeResult("psql", r));
    assert.match(r.stderr, /ERROR: {2}canceling statement due to user request/, describeResult("psql", r));
    assert.equal(r.code, 1, describeResult("psql", r));
    assert.ok(r.elapsedMs < 10_000, `cancel took ${r.elapsedMs} ms`);
  });
}
