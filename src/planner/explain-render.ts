/**
 * EXPLAIN output in PostgreSQL's two main formats: indented text lines ("->  " per child)
 * and FORMAT JSON (an array with one object holding "Plan", "Plans" nested in each node).
 */
import type { ExplainNode, ExplainValue } from "./explain.ts";

/** Run-level figures printed after the tree (EXPLAIN ANALYZE). */
export interface ExplainTotals {
  planningMs?: number;
  executionMs?: number;
  /** the most memory operators held at once */
  peakMemoryBytes?: number;
}

/** Properties shown as detail lines in text; the others are in the title's summary or JSON only. */
const textLabels: Record<string, string> = {
  "Native SQL": "Native SQL",
  "Null Key Probe": "Null key probe",
  "Empty Probe": "Empty probe",
  Parameters: "Parameters",
  "Pushed Down": "Pushed down",
  "Kept In Memory": "Kept in memory",
  "Join Filter": "Join Filter",
  "Affected Rows": "Affected rows",
  Evaluations: "Evaluations",
  "Cache Hits": "Cache hits",
  "Cached Lookup": "Lookup in cached rows",
  "Key Comparison": "Key comparison",
  "Key Filter Kept In Memory": "Key filter kept in memory",
};

export function renderExplainText(root: ExplainNode, totals: ExplainTotals = {}): string[] {
  const lines: string[] = [];
  const walk = (node: ExplainNode, depth: number) => {
    const head = depth === 0 ? "" : `${" ".repeat(6 * (depth - 1) + 2)}->  `;
    const detail = " ".repeat(depth === 0 ? 2 : 6 * depth + 2);
    let line = `${head}${node.title}`;
    if (node.summary) line += `  (${node.summary})`;
    if (node.actual) line += ` (${actualText(node)})`;
    else if (node.neverExecuted) line += " (never executed)";
    lines.push(line);
    for (const [key, value] of node.props) {
      const label = textLabels[key];
      if (!label) continue;
      if (Array.isArray(value)) {
        if (key === "Parameters") {
          if (value.length > 0) lines.push(`${detail}${label}: ${value.join(", ")}`);
        } else for (const v of value) lines.push(`${detail}${label}: ${v}`);
      } else lines.push(`${detail}${label}: ${String(value)}`);
    }
    if (node.remote) {
      const r = node.remote;
      lines.push(
        `${detail}Source: queries=${r.queries} rows=${r.rows} batches=${r.batches} bytes=${r.bytes} time=${ms(r.timeMs)} ms`,
      );
    }
    for (const child of node.children) {
      const name = child.props.find(([k]) => k === "Subplan Name")?.[1];
      if (name !== undefined) {
        lines.push(`${" ".repeat(6 * depth + 2)}${String(name)}`);
        walk(child, depth + 2);
      } else walk(child, depth + 1);
    }
  };
  walk(root, 0);
  if (totals.peakMemoryBytes !== undefined) lines.push(`Peak Memory: ${totals.peakMemoryBytes} bytes`);
  if (totals.planningMs !== undefined) lines.push(`Planning Time: ${ms(totals.planningMs)} ms`);
  if (totals.executionMs !== undefined) lines.push(`Execution Time: ${ms(totals.executionMs)} ms`);
  return lines;
}

function actualText(node: ExplainNode): string {
  const a = node.actual!;
  const loops = a.loops > 1 ? ` loops=${a.loops}` : "";
  return `actual rows=${a.rows} batches=${a.batches} time=${ms(a.timeMs)} ms${loops}`;
}

/** FORMAT JSON: the text of the one json value EXPLAIN returns, indented like PostgreSQL's. */
export function renderExplainJson(root: ExplainNode, totals: ExplainTotals = {}): string {
  const top: Record<string, unknown> = { Plan: jsonNode(root) };
  if (totals.planningMs !== undefined) top["Planning Time"] = round(totals.planningMs);
  if (totals.peakMemoryBytes !== undefined) top["Peak Memory Bytes"] = totals.peakMemoryBytes;
  if (totals.executionMs !== undefined) top["Execution Time"] = round(totals.executionMs);
  return JSON.stringify([top], null, 2);
}

function jsonNode(node: ExplainNode): Record<string, unknown> {
  const out: Record<string, unknown> = { "Node Type": node.nodeType };
  if (node.relationship) out["Parent Relationship"] = node.relationship;
  for (const [key, value] of node.props) out[key] = jsonValue(value);
  if (node.actual) {
    out["Actual Rows"] = node.actual.rows;
    out["Actual Batches"] = node.actual.batches;
    out["Actual Total Time"] = round(node.actual.timeMs);
    out["Actual Loops"] = node.actual.loops;
  } else if (node.neverExecuted) out["Actual Loops"] = 0;
  if (node.remote) {
    out["Remote Queries"] = node.remote.queries;
    out["Remote Rows"] = node.remote.rows;
    out["Remote Batches"] = node.remote.batches;
    out["Remote Bytes"] = node.remote.bytes;
    out["Remote Time"] = round(node.remote.timeMs);
  }
  if (node.children.length > 0) out.Plans = node.children.map(jsonNode);
  return out;
}

function jsonValue(v: ExplainValue): unknown {
  return Array.isArray(v) ? [...v] : v;
}

function ms(t: number): string {
  return t.toFixed(3);
}

function round(t: number): number {
  return Math.round(t * 1000) / 1000;
}
