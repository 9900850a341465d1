/**
 * Rendering a federated run: a table for the terminal, the JSON file, and the figures block of the
 * "Federated queries" section in bench/README.md (between the federated-results markers).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FEDERATED_TARGETS, type FederatedResults, type QueryResult, type SideResult } from "./results.ts";

export const README_START = "<!-- federated-results:start (written by bench/federated/run.ts) -->";
export const README_END = "<!-- federated-results:end -->";

const ms = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));
const ratio = (r: number | null) => (r === null ? "—" : `${r.toFixed(2)}×`);

function sideCell(s: SideResult): string {
  switch (s.status) {
    case "ok":
      return s.matchesOracle ? ms(s.medianMs) : `${ms(s.medianMs)} (WRONG RESULT)`;
    case "not supported yet":
      return "not supported yet";
    case "error":
      return `error ${s.sqlstate ?? ""}`.trim();
    case "timeout":
      return `timeout (> ${Math.round(s.afterMs / 1000)} s)`;
  }
}

const HEADER = [
  "query",
  "kind",
  "rows",
  "oracle ms",
  "FDW ms",
  "Weft ms",
  "Weft/FDW",
  "Weft/oracle",
  "FDW/oracle",
  "Weft peak RSS",
];

function row(q: QueryResult): string[] {
  return [
    q.id,
    `${q.category}${q.selective ? " (selective)" : ""}`,
    q.oracle.status === "ok" ? q.oracle.rows.toLocaleString("en-US") : "—",
    sideCell(q.oracle),
    sideCell(q.fdw),
    sideCell(q.weft),
    ratio(q.weftVsFdw),
    ratio(q.weftVsOracle),
    ratio(q.fdwVsOracle),
    q.weftPeakRssMb === null ? "—" : `${Math.round(q.weftPeakRssMb)} MB`,
  ];
}

function summaryRows(r: FederatedResults): string[][] {
  const s = r.summary;
  const blank = (label: string, cells: Partial<Record<number, string>>) =>
    HEADER.map((_, i) => (i === 0 ? label : (cells[i] ?? "")));
  return [
    blank("geometric mean", { 6: ratio(s.geoMeanWeftVsFdw), 8: ratio(s.geoMeanFdwVsOracle) }),
    blank("Weft peak RSS, whole run", {
      9: r.weftPeakRssMb === null ? "—" : `${Math.round(r.weftPeakRssMb)} MB`,
    }),
  ];
}

export function verdictLines(r: FederatedResults): string[] {
  const T = FEDERATED_TARGETS;
  const v = r.verdicts;
  const word = (met: boolean) => (met ? "met" : "NOT met");
  return [
    `Weft answered ${r.summary.weftSupported} of ${r.summary.queries} queries (${r.summary.weftMatched} exactly as the oracle); the others are "not supported yet" (0A000) or failed, and have no time.`,
    `target: every query at least as fast as the FDW peer (Weft/FDW ≤ ${T.perQueryVsFdw}×) — ${word(v.everyQueryVsFdw.met)}: ${v.everyQueryVsFdw.detail}`,
    `target: geometric mean of Weft/FDW ≤ ${T.geoMeanVsFdw}× — ${word(v.geoMeanVsFdw.met)}: ${v.geoMeanVsFdw.detail}`,
    `target: selective cross-service joins within ${T.selectiveVsOracle}× of the oracle — ${word(v.selectiveVsOracle.met)}: ${v.selectiveVsOracle.detail}`,
    `target: Weft peak RSS < ${T.peakRssMb} MB — ${word(v.peakRss.met)}: ${v.peakRss.detail}`,
  ];
}

function mismatchLines(r: FederatedResults): string[] {
  const out: string[] = [];
  for (const q of r.queries) {
    if (q.fdw.status === "ok" && !q.fdw.matchesOracle)
      out.push(`${q.id}: the FDW peer's result differs from the oracle's`);
    if (q.weft.status === "ok" && !q.weft.matchesOracle)
      out.push(`${q.id}: Weft's result differs from the oracle's`);
    if (q.weft.status === "error") out.push(`${q.id}: Weft failed: ${q.weft.message}`);
    if (q.fdw.status === "error") out.push(`${q.id}: the FDW peer failed: ${q.fdw.message}`);
  }
  return out;
}

export function textTable(r: FederatedResults): string {
  const rows = [HEADER, ...r.queries.map(row), ...summaryRows(r)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((x) => x[i]!.length)));
  const line = (x: string[]) =>
    x.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const body = rows.slice(1).map(line);
  body.splice(r.queries.length, 0, widths.map((w) => "-".repeat(w)).join("  "));
  return [
    line(HEADER),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...body,
    "",
    ...mismatchLines(r),
    ...verdictLines(r),
  ].join("\n");
}

/** A table laid out the way Biome formats Markdown, so `biome check` stays clean after a run. */
function markdownTable(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(3, ...rows.map((x) => x[i]!.length)));
  const cell = (c: string, i: number) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!));
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(rows[0]!.map(cell)),
    line(widths.map((w, i) => (i < 2 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`))),
    ...rows.slice(1).map((x) => line(x.map(cell))),
  ];
}

export function markdownBlock(r: FederatedResults): string {
  const m = r.machine;
  const s = r.settings;
  const d = r.dataset;
  const counts = d
    ? Object.entries(d.rowCounts)
        .map(([t, n]) => `${t} ${n.toLocaleString("en-US")}`)
        .join(", ")
    : "not loaded";
  return [
    `Run of ${r.startedAt.slice(0, 16).replace("T", " ")} UTC: \`--scale ${s.scale} --repeat ${s.repeat}\`` +
      ` (seed ${s.seed}; median of ${s.repeat} runs per side after one checked warm-up run); ` +
      `${m.cpus} × ${m.cpuModel}, ${m.memGb} GB RAM, Node ${m.node}, PostgreSQL ${m.postgres}, ` +
      `MariaDB ${m.mariadb}, mysql_fdw ${m.mysqlFdw ?? "unknown"}.`,
    "",
    `Rows: ${counts}.`,
    "",
    ...markdownTable([HEADER, ...r.queries.map(row), ...summaryRows(r)]),
    "",
    ...[...mismatchLines(r), ...verdictLines(r)].map((l) => `- ${l}`),
  ].join("\n");
}

export function writeResultsJson(dir: string, r: FederatedResults): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `federated-${r.startedAt.slice(0, 10)}.json`);
  writeFileSync(path, `${JSON.stringify(r, null, 2)}\n`);
  return path;
}

/** Replaces the figures block in the README; false when the markers are missing. */
export function updateReadme(path: string, r: FederatedResults): boolean {
  const text = readFileSync(path, "utf8");
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return false;
  writeFileSync(
    path,
    `${text.slice(0, start + README_START.length)}\n${markdownBlock(r)}\n${text.slice(end)}`,
  );
  return true;
}
