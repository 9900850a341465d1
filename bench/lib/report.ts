/**
 * Rendering results: a plain table for the terminal, the JSON file, and the figures block in
 * bench/README.md (between the foundation-results markers, replaced on every complete run).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type FoundationResults, type Outcome, peakOf, TARGETS } from "./results.ts";

export const README_START = "<!-- foundation-results:start (written by bench/foundation.ts) -->";
export const README_END = "<!-- foundation-results:end -->";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ratio = (r: number | null) => (r === null ? "—" : `${r.toFixed(2)}×`);
const mb = (n: number | null) => (n === null ? "—" : `${Math.round(n)} MB`);
const verdict = (v: boolean | null) => (v === null ? "n/a" : v ? "met" : "NOT met");

function weftCell<T>(o: Outcome<T> | null, show: (v: T) => string): string {
  if (o === null) return "—";
  return o.ok ? show(o.value) : "failed";
}

const cpu = (p: number | null | undefined) => (p == null ? "" : `${Math.round(p)}%`);

/** Rows of [measure, direct, Weft, Weft/direct, target, Weft CPU]. */
export function figureRows(r: FoundationResults): string[][] {
  const rows: string[][] = [];
  for (const l of r.pointLookups) {
    rows.push([
      `point lookup, -M ${l.mode}, ${l.clients} client${l.clients === 1 ? "" : "s"} (tps)`,
      int(l.direct.tps),
      weftCell(l.weft, (v) => int(v.tps)),
      ratio(l.ratio),
      l.clients === 16 ? `≥ ${TARGETS.pointLookup16}×` : "",
      cpu(l.weftCpuPercent),
    ]);
  }
  for (const s of r.scans) {
    rows.push([
      `${s.label === "full" ? "full" : "1/4"} scan of big, ${int(s.expectedRows)} rows (rows/s)`,
      int(s.direct.rowsPerSecond),
      weftCell(s.weft, (v) => int(v.rowsPerSecond)),
      ratio(s.ratio),
      s.label === "full" ? `≥ ${TARGETS.scan}×` : "",
      s.weft?.ok ? cpu(s.weft.value.weftCpuPercent) : "",
    ]);
  }
  for (const s of r.scans) {
    rows.push([
      `Weft peak RSS during the ${s.label === "full" ? "full" : "1/4"} scan`,
      "",
      mb(peakOf(s)),
      "",
      `< ${TARGETS.peakRssMb} MB${s.label === "full" ? ", ≈ the 1/4 scan's" : ""}`,
      "",
    ]);
  }
  if (r.weftStart?.ok)
    rows.push(["Weft RSS idle after start", "", mb(r.weftStart.value.idleRssMb), "", "", ""]);
  if (r.weftOverallPeakRssMb !== null)
    rows.push(["Weft peak RSS, whole run", "", mb(r.weftOverallPeakRssMb), "", "", ""]);
  return rows;
}

const HEADER = ["measure", "direct", "Weft", "Weft/direct", "target", "Weft CPU"];

export function textTable(r: FoundationResults): string {
  const rows = [HEADER, ...figureRows(r)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const out = [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)];
  out.push("", verdictLines(r).join("\n"));
  return out.join("\n");
}

function verdictLines(r: FoundationResults): string[] {
  const v = r.verdicts;
  return [
    `target: point lookups at 16 clients ≥ ${TARGETS.pointLookup16}× direct — ${verdict(v.pointLookup16)}`,
    `target: full scan ≥ ${TARGETS.scan}× direct — ${verdict(v.scan)}`,
    `target: Weft peak RSS < ${TARGETS.peakRssMb} MB — ${verdict(v.peakRss)}`,
    `target: memory does not grow with the result (full-scan peak ≤ ${TARGETS.flatFactor}× the 1/4-scan peak + ${TARGETS.flatSlackMb} MB) — ${verdict(v.memoryFlat)}`,
  ];
}

export function markdownBlock(r: FoundationResults): string {
  const m = r.machine;
  const s = r.settings;
  const rows = figureRows(r);
  const md = [
    `Run of ${r.startedAt.slice(0, 16).replace("T", " ")} UTC: \`--rows ${s.rows} --duration ${s.durationS}\`, ` +
      `${s.accounts.toLocaleString("en-US")} accounts, auth ${s.auth}, Weft pool ${s.pool}; ` +
      `${m.cpus} × ${m.cpuModel}, ${m.memGb} GB RAM, Node ${m.node}, PostgreSQL ${m.postgres}, ${m.pgbench}.`,
    "",
    ...markdownTable([HEADER, ...rows]),
    "",
    ...verdictLines(r).map((l) => `- ${l}`),
  ];
  return md.join("\n");
}

/** A table laid out the way Biome formats Markdown, so `biome check` stays clean after a run. */
function markdownTable(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(3, ...rows.map((row) => row[i]!.length)));
  const cell = (c: string, i: number) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!));
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(rows[0]!.map(cell)),
    line(widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`))),
    ...rows.slice(1).map((row) => line(row.map(cell))),
  ];
}

export function writeResultsJson(dir: string, r: FoundationResults): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `foundation-${r.startedAt.slice(0, 10)}.json`);
  writeFileSync(path, `${JSON.stringify(r, null, 2)}\n`);
  return path;
}

/** Replaces the figures block in the README; false when the markers are missing. */
export function updateReadme(path: string, r: FoundationResults): boolean {
  const text = readFileSync(path, "utf8");
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return false;
  const next = `${text.slice(0, start + README_START.length)}\n${markdownBlock(r)}\n${text.slice(end)}`;
  writeFileSync(path, next);
  return true;
}
