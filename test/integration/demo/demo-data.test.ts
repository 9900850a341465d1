import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Value } from "../../../src/common/values.ts";
import { createConnector } from "../../../src/connectors/registry.ts";
import type {
  Connector,
  NativeQuery,
  ServiceConfig,
  SourceTransaction,
} from "../../../src/connectors/spi.ts";
import {
  type DemoPaths,
  demoCounts,
  demoGeneratorVersion,
  demoSeed,
  ensureDemoData,
  ensureDemoDataWith,
  generateDemoData,
} from "../../../src/demo/index.ts";

const tables = {
  hr: { departments: "dept_no", employees: "emp_no", todo: "id" },
  crm: { contact: "id", employee_status: "emp_no" },
} as const;

async function withConnector<T>(
  service: "hr" | "crm",
  path: string,
  fn: (c: Connector) => Promise<T>,
): Promise<T> {
  const connector = createConnector({ name: service, kind: "sqlite", path });
  await connector.connect();
  try {
    return await fn(connector);
  } finally {
    await connector.close();
  }
}

async function query(connector: Connector, text: string, params: Value[] = []): Promise<Value[][]> {
  const q: NativeQuery = { text, params, returnsRows: true };
  const result = await connector.run(q);
  const rows: Value[][] = [];
  try {
    for await (const batch of result.batches) rows.push(...batch);
  } finally {
    await result.close();
  }
  return rows;
}

async function scalar(connector: Connector, text: string, params: Value[] = []): Promise<number> {
  const rows = await query(connector, text, params);
  return Number(rows[0]![0]);
}

function stable(value: Value): unknown {
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (Array.isArray(value)) return value.map(stable);
  return value;
}

/** SHA-256 over every row of every demo table, read through the connector in key order. */
async function hashDemo(paths: DemoPaths): Promise<string> {
  const hash = createHash("sha256");
  for (const [service, path] of [
    ["hr", paths.hrPath],
    ["crm", paths.crmPath],
  ] as const) {
    await withConnector(service, path, async (c) => {
      for (const [table, key] of Object.entries(tables[service])) {
        const rows = await query(c, `SELECT * FROM "${table}" ORDER BY "${key}"`);
        hash.update(`${service}.${table}:${rows.length}\n`);
        for (const row of rows) hash.update(`${JSON.stringify(row.map(stable))}\n`);
      }
    });
  }
  return hash.digest("hex");
}

describe("embedded demo data", () => {
  const root = mkdtempSync(join(tmpdir(), "weft-demo-"));
  const dirA = join(root, "a");
  let paths: DemoPaths;
  const progress: string[] = [];

  before(async () => {
    paths = await ensureDemoData(dirA, (msg) => progress.push(msg));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test("builds hr.db and crm.db with a version marker, reporting progress", () => {
    assert.deepEqual(paths, { hrPath: join(dirA, "hr.db"), crmPath: join(dirA, "crm.db") });
    assert.deepEqual(readdirSync(dirA).sort(), ["crm.db", "demo-version.json", "hr.db"]);
    assert.match(progress[0]!, /^building demo data in .* \(generator version \d+\)$/);
    assert.ok(progress.includes("hr.employees: 5000 rows"));
    assert.ok(progress.includes("crm.employee_status: 5000 rows"));
    assert.match(progress.at(-1)!, /^demo data ready in \d+ ms$/);
  });

  test("row counts", async () => {
    await withConnector("hr", paths.hrPath, async (c) => {
      assert.equal(await scalar(c, "SELECT count(*) FROM departments"), demoCounts.departments);
      assert.equal(await scalar(c, "SELECT count(*) FROM employees"), demoCounts.employees);
      assert.equal(await scalar(c, "SELECT count(*) FROM todo"), demoCounts.todo);
    });
    await withConnector("crm", paths.crmPath, async (c) => {
      assert.equal(await scalar(c, "SELECT count(*) FROM contact"), demoCounts.contact);
      assert.equal(await scalar(c, "SELECT count(*) FROM employee_status"), demoCounts.employeeStatus);
    });
    assert.deepEqual(demoCounts, {
      departments: 9,
      employees: 5000,
      todo: 3000,
      contact: 2000,
      employeeStatus: 5000,
    });
  });

  test("the same seed gives identical rows; another directory gets the same data", async () => {
    const again = await ensureDemoData(join(root, "b"));
    assert.equal(await hashDemo(again), await hashDemo(paths));
    assert.deepEqual(generateDemoData(demoSeed), generateDemoData(demoSeed));
    assert.notDeepEqual(
      generateDemoData(demoSeed + 1).hr.tables[1]!.rows,
      generateDemoData(demoSeed).hr.tables[1]!.rows,
    );
  });

  test("NULLs in every nullable column", async () => {
    await withConnector("hr", paths.hrPath, async (c) => {
      assert.ok((await scalar(c, "SELECT count(*) FROM employees WHERE email IS NULL")) > 100);
      assert.ok((await scalar(c, "SELECT count(*) FROM todo WHERE assigned_to IS NULL")) > 100);
      assert.ok((await scalar(c, "SELECT count(*) FROM todo WHERE due_date IS NULL")) > 100);
      assert.equal(
        await scalar(c, "SELECT count(*) FROM employees WHERE email IS NOT NULL"),
        5000 - (await scalar(c, "SELECT count(*) FROM employees WHERE email IS NULL")),
      );
    });
    await withConnector("crm", paths.crmPath, async (c) => {
      assert.ok((await scalar(c, "SELECT count(*) FROM contact WHERE phone IS NULL")) > 100);
    });
  });

  test("non-ASCII names, emoji, apostrophes, double quotes and backslashes", async () => {
    await withConnector("hr", paths.hrPath, async (c) => {
      for (const first of ["José", "Zoë", "Łukasz", "Ðorđe"]) {
        assert.ok(
          (await scalar(c, "SELECT count(*) FROM employees WHERE first_name = ?", [first])) > 0,
          first,
        );
      }
      assert.ok(
        (await scalar(c, "SELECT count(*) FROM employees WHERE last_name = ? AND first_name = ?", [
          "王",
          "芳",
        ])) > 0,
      );
      assert.ok((await scalar(c, "SELECT count(*) FROM employees WHERE last_name = ?", ["O'Brien"])) > 0);
      const emoji = await query(c, "SELECT title FROM todo WHERE title LIKE ? ORDER BY id", ["%🚀%"]);
      assert.ok(emoji.length > 0 && emoji.length < 100, `${emoji.length} rocket titles`);
      assert.match(String(emoji[0]![0]), /^🚀 Launch campaign \d+$/);
      const backslash = await query(c, "SELECT title FROM todo WHERE instr(title, ?) > 0 LIMIT 1", ["\\"]);
      assert.match(String(backslash[0]![0]), /\\/);
      assert.ok((await scalar(c, "SELECT count(*) FROM todo WHERE instr(title, ?) > 0", ['"urgent"'])) > 0);
      assert.deepEqual(
        (await query(c, "SELECT gender, count(*) > 1000 FROM employees GROUP BY gender ORDER BY gender")).map(
          (r) => r[0],
        ),
        ["F", "M"],
      );
    });
    await withConnector("crm", paths.crmPath, async (c) => {
      assert.ok(
        (await scalar(c, "SELECT count(*) FROM contact WHERE instr(display_name, ?) > 0", ['"Bob"'])) > 0,
      );
      assert.ok(
        (await scalar(c, "SELECT count(*) FROM contact WHERE company = ?", ['Smith & "Sons" Ltd'])) > 0,
      );
      assert.ok(
        (await scalar(c, "SELECT count(*) FROM contact WHERE company = ?", ["Back\\Slash Systems"])) > 0,
      );
      assert.ok((await scalar(c, "SELECT count(*) FROM contact WHERE country = ?", ["Côte d'Ivoire"])) > 0);
      assert.ok((await scalar(c, "SELECT count(*) FROM contact WHERE display_name LIKE ?", ["王%"])) > 0);
      const statuses = await query(c, "SELECT DISTINCT status FROM employee_status ORDER BY status");
      assert.deepEqual(
        statuses.map((r) => r[0]),
        ["active", "leave", "terminated"],
      );
    });
  });

  test("orphan keys across services: todo.assigned_to and employee_status.emp_no", async () => {
    const contactNames = new Set(
      (await withConnector("crm", paths.crmPath, (c) => query(c, "SELECT display_name FROM contact"))).map(
        (r) => String(r[0]),
      ),
    );
    const statusEmpNos = (
      await withConnector("crm", paths.crmPath, (c) => query(c, "SELECT emp_no FROM employee_status"))
    ).map((r) => Number(r[0]));
    await withConnector("hr", paths.hrPath, async (c) => {
      const assigned = (await query(c, "SELECT assigned_to FROM todo WHERE assigned_to IS NOT NULL")).map(
        (r) => String(r[0]),
      );
      const matched = assigned.filter((name) => contactNames.has(name)).length;
      const orphans = assigned.length - matched;
      assert.ok(matched > 2000, `${matched} todo rows point at a contact`);
      assert.ok(orphans > 50 && orphans < 300, `${orphans} todo rows point at no contact`);

      const empNos = new Set((await query(c, "SELECT emp_no FROM employees")).map((r) => Number(r[0])));
      const orphanStatuses = statusEmpNos.filter((n) => !empNos.has(n)).length;
      assert.ok(orphanStatuses > 20 && orphanStatuses < 300, `${orphanStatuses} statuses without employee`);
    });
  });

  test("declared keys: FK employees.dept_no → departments, UNIQUE names, indexes", async () => {
    await withConnector("hr", paths.hrPath, async (c) => {
      assert.deepEqual(
        await query(c, 'SELECT "table", "from", "to" FROM pragma_foreign_key_list(?)', ["employees"]),
        [["departments", "dept_no", "dept_no"]],
      );
      const uniqueDept = await query(
        c,
        'SELECT count(*) FROM pragma_index_list(?) WHERE "unique" = 1 AND origin = ?',
        ["departments", "u"],
      );
      assert.equal(Number(uniqueDept[0]![0]), 1);
      const indexes = (
        await query(
          c,
          "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
        )
      ).map((r) => r[0]);
      assert.deepEqual(indexes, ["employees_dept_no_idx", "employees_name_idx", "todo_assigned_to_idx"]);

      const schema = await c.introspect();
      const employees = schema.tables.find((t) => t.name === "employees")!;
      assert.deepEqual(
        employees.foreignKeys.map((fk) => [fk.columns, fk.refTable, fk.refColumns]),
        [[["dept_no"], "departments", ["dept_no"]]],
      );
      assert.deepEqual(employees.primaryKey?.columns, ["emp_no"]);
      const departments = schema.tables.find((t) => t.name === "departments")!;
      assert.deepEqual(
        departments.uniqueKeys.map((k) => k.columns),
        [["dept_name"]],
      );
    });
    await withConnector("crm", paths.crmPath, async (c) => {
      const schema = await c.introspect();
      const contact = schema.tables.find((t) => t.name === "contact")!;
      assert.deepEqual(
        contact.uniqueKeys.map((k) => k.columns),
        [["display_name"]],
      );
      assert.deepEqual(schema.tables.map((t) => t.name).sort(), ["contact", "employee_status"]);
    });
  });

  test("a second call leaves current files alone; a version change or missing file rebuilds", async () => {
    const dir = join(root, "c");
    await ensureDemoData(dir);
    const before = statSync(join(dir, "hr.db"));
    const messages: string[] = [];
    const same = await ensureDemoData(dir, (m) => messages.push(m));
    assert.equal(messages.length, 0, messages.join("; "));
    assert.equal(statSync(same.hrPath).ino, before.ino);
    assert.equal(statSync(same.hrPath).mtimeMs, before.mtimeMs);

    writeFileSync(
      join(dir, "demo-version.json"),
      JSON.stringify({ version: demoGeneratorVersion - 1, seed: demoSeed }),
    );
    const rebuilt = await ensureDemoData(dir, (m) => messages.push(m));
    assert.match(messages[0]!, /^building demo data/);
    assert.notEqual(statSync(rebuilt.hrPath).ino, before.ino, "hr.db was replaced");
    assert.equal(await hashDemo(rebuilt), await hashDemo(paths));

    messages.length = 0;
    rmSync(rebuilt.crmPath);
    await ensureDemoData(dir, (m) => messages.push(m));
    assert.match(messages[0]!, /^building demo data/);
    assert.ok(existsSync(rebuilt.crmPath));
  });

  test("an interrupted build leaves no half-written database behind", async () => {
    const dir = join(root, "d");
    let inserts = 0;
    // Delegates to the real sqlite connector but fails the fifth INSERT, mid-build.
    const failing = (config: ServiceConfig): Connector => {
      const real = createConnector(config);
      return {
        config: real.config,
        capabilities: real.capabilities,
        compiler: real.compiler,
        nativeSchema: real.nativeSchema,
        connect: () => real.connect(),
        introspect: (onProgress) => real.introspect(onProgress),
        run: (q, options) => real.run(q, options),
        close: () => real.close(),
        async begin(): Promise<SourceTransaction> {
          const tx = await real.begin();
          return {
            async run(q, options) {
              if (q.text.startsWith("INSERT") && ++inserts === 5) throw new Error("disk on fire");
              return tx.run(q, options);
            },
            commit: () => tx.commit(),
            rollback: () => tx.rollback(),
            savepoint: (name) => tx.savepoint(name),
            releaseSavepoint: (name) => tx.releaseSavepoint(name),
            rollbackToSavepoint: (name) => tx.rollbackToSavepoint(name),
          };
        },
      };
    };
    await assert.rejects(ensureDemoDataWith(dir, failing), /disk on fire/);
    assert.deepEqual(readdirSync(dir), []);
    const built = await ensureDemoData(dir);
    assert.equal(await hashDemo(built), await hashDemo(paths));
  });
});
