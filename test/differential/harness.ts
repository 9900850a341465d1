/**
 * Differential harness: runs one SQL text on Weft and on the oracle (one PostgreSQL database holding
 * the same rows in schemas hr/crm/ops) and compares what a client sees, exactly: column names, type
 * OIDs, and the text of every cell (both sides are read with node-postgres returning raw text, so
 * numerics, timestamps and floats are compared as the server printed them). Rows are compared in
 * order when the statement's top-level ORDER BY fixes the order (corpus ORDER BYs are total), as
 * multisets otherwise. Errors are compared by SQLSTATE.
 */
import { loadModule, parseSync } from "libpg-query";
import pg from "pg";

export interface DifferentialQuery {
  id: string;
  /** the construct this query exercises */
  covers: string;
  sql: string;
  /** what the oracle runs instead of `sql`, when Weft's statement has no plain-PostgreSQL spelling
   * (relationship columns); the order is decided from `sql` */
  oracleSql?: string;
}

export type Outcome =
  | { kind: "rows"; columns: { name: string; typeOid: number }[]; rows: (string | null)[][] }
  | { kind: "error"; code: string; message: string };

export type Verdict =
  /** Weft answered and matched the oracle (rows, or the same SQLSTATE) */
  | { kind: "match"; rows: number }
  /** Weft refused with 0A000 where the oracle answered (or failed differently) */
  | { kind: "unsupported"; message: string }
  | { kind: "mismatch"; report: string };

export interface DifferentialResult {
  query: DifferentialQuery;
  ordered: boolean;
  weft: Outcome;
  oracle: Outcome;
  verdict: Verdict;
}

const rawText: pg.CustomTypesConfig = {
  getTypeParser: () => (value: string) => value,
} as pg.CustomTypesConfig;

export async function runRaw(client: pg.Client, sql: string): Promise<Outcome> {
  try {
    const result = await client.query({ text: sql, rowMode: "array", types: rawText });
    return {
      kind: "rows",
      columns: result.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID })),
      rows: result.rows as (string | null)[][],
    };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (typeof e.code !== "string") throw err;
    return { kind: "error", code: e.code, message: e.message ?? "" };
  }
}

let parserReady: Promise<void> | null = null;

/** Whether the statement's outermost query has an ORDER BY (the corpus makes every such ORDER BY total). */
export async function hasTopLevelOrderBy(sql: string): Promise<boolean> {
  parserReady ??= loadModule();
  await parserReady;
  const tree = parseSync(sql) as { stmts: { stmt: Record<string, any> }[] };
  const stmt = tree.stmts[0]?.stmt;
  const select = stmt?.SelectStmt;
  return Array.isArray(select?.sortClause) && select.sortClause.length > 0;
}

function showCell(v: string | null): string {
  return v === null ? "NULL" : JSON.stringify(v);
}

function showRow(row: (string | null)[]): string {
  return `(${row.map(showCell).join(", ")})`;
}

function rowKey(row: (string | null)[]): string {
  // JSON keeps NULL apart from the text 'null' and is unambiguous for any text
  return JSON.stringify(row);
}

const maxShown = 8;

/** Compares two outcomes; returns null when equal, else a readable report. */
export function diffOutcomes(weft: Outcome, oracle: Outcome, ordered: boolean): string | null {
  if (weft.kind === "error" || oracle.kind === "error") {
    if (weft.kind === "error" && oracle.kind === "error") {
      return weft.code === oracle.code
        ? null
        : `SQLSTATE differs: weft ${weft.code} (${weft.message}) vs oracle ${oracle.code} (${oracle.message})`;
    }
    if (weft.kind === "error")
      return `weft failed with ${weft.code} (${weft.message}); the oracle returned rows`;
    return `the oracle failed with ${(oracle as { code: string }).code} (${(oracle as { message: string }).message}); weft returned rows`;
  }
  const problems: string[] = [];
  const wc = weft.columns.map((c) => `${c.name}:${c.typeOid}`).join(", ");
  const oc = oracle.columns.map((c) => `${c.name}:${c.typeOid}`).join(", ");
  if (wc !== oc) problems.push(`columns differ:\n    weft   ${wc}\n    oracle ${oc}`);
  if (weft.rows.length !== oracle.rows.length) {
    problems.push(`row count differs: weft ${weft.rows.length}, oracle ${oracle.rows.length}`);
  }
  if (ordered) {
    const n = Math.min(weft.rows.length, oracle.rows.length);
    const diffs: string[] = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      if (rowKey(weft.rows[i]!) === rowKey(oracle.rows[i]!)) continue;
      total++;
      if (diffs.length < maxShown) {
        diffs.push(
          `    row ${i + 1}:\n      weft   ${showRow(weft.rows[i]!)}\n      oracle ${showRow(oracle.rows[i]!)}`,
        );
      }
    }
    if (total) problems.push(`${total} row(s) differ in order:\n${diffs.join("\n")}`);
  } else {
    const counts = new Map<string, number>();
    for (const r of oracle.rows) counts.set(rowKey(r), (counts.get(rowKey(r)) ?? 0) + 1);
    const extra: string[] = [];
    for (const r of weft.rows) {
      const k = rowKey(r);
      const c = counts.get(k) ?? 0;
      if (c > 0) counts.set(k, c - 1);
      else extra.push(showRow(r));
    }
    const missing: string[] = [];
    for (const [k, c] of counts) for (let i = 0; i < c; i++) missing.push(showRow(JSON.parse(k)));
    if (extra.length || missing.length) {
      const list = (rows: string[]) =>
        rows
          .slice(0, maxShown)
          .map((r) => `      ${r}`)
          .join("\n");
      problems.push(
        `as multisets: ${extra.length} row(s) only in weft, ${missing.length} only in the oracle` +
          (extra.length ? `\n    only in weft:\n${list(extra)}` : "") +
          (missing.length ? `\n    only in the oracle:\n${list(missing)}` : ""),
      );
    }
  }
  return problems.length ? problems.join("\n  ") : null;
}

export function judge(weft: Outcome, oracle: Outcome, ordered: boolean): Verdict {
  if (
    weft.kind === "error" &&
    weft.code === "0A000" &&
    !(oracle.kind === "error" && oracle.code === "0A000")
  ) {
    return { kind: "unsupported", message: weft.message };
  }
  const report = diffOutcomes(weft, oracle, ordered);
  if (report) return { kind: "mismatch", report };
  return { kind: "match", rows: weft.kind === "rows" ? weft.rows.length : 0 };
}

/** Two connections, one to Weft and one to the oracle, reused for every query. */
export class DifferentialHarness {
  private constructor(
    private readonly weft: pg.Client,
    private readonly oracle: pg.Client,
  ) {}

  static async connect(weftUrl: string, oracleUrl: string): Promise<DifferentialHarness> {
    const weft = new pg.Client({ connectionString: weftUrl });
    // the oracle session uses the settings Weft reports (UTC, ISO dates) so printed values agree
    const oracle = new pg.Client({
      connectionString: oracleUrl,
      options: "-c TimeZone=UTC -c DateStyle=ISO,MDY",
    });
    await weft.connect();
    try {
      await oracle.connect();
    } catch (error) {
      await weft.end().catch(() => {});
      throw error;
    }
    return new DifferentialHarness(weft, oracle);
  }

  async run(query: DifferentialQuery): Promise<DifferentialResult> {
    const ordered = await hasTopLevelOrderBy(query.sql);
    const oracle = await runRaw(this.oracle, query.oracleSql ?? query.sql);
    const weft = await runRaw(this.weft, query.sql);
    return { query, ordered, weft, oracle, verdict: judge(weft, oracle, ordered) };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.weft.end(), this.oracle.end()]);
  }
}

/** One line per result plus totals, for the test log. */
export function summarize(results: DifferentialResult[], listed: ReadonlySet<string>): string {
  const matched = results.filter((r) => r.verdict.kind === "match").length;
  const unsupported = results.filter((r) => r.verdict.kind === "unsupported");
  const mismatched = results.filter((r) => r.verdict.kind === "mismatch");
  const lines = [
    `differential: ${results.length} queries; Weft answered ${results.length - unsupported.length}/${results.length}, ` +
      `matched ${matched}, mismatched ${mismatched.length}, 0A000 ${unsupported.length} ` +
      `(listed as not yet supported: ${listed.size})`,
  ];
  for (const r of results) {
    const v = r.verdict;
    const tag = v.kind === "match" ? "ok" : v.kind === "unsupported" ? "0A000" : "MISMATCH";
    lines.push(`  ${tag.padEnd(8)} ${r.query.id.padEnd(28)} ${r.query.covers}`);
  }
  return lines.join("\n");
}
