import type { Value } from "../common/values.ts";

/** A bound parameter as EXPLAIN shows it: a SQL literal, never part of the native SQL text. */
export function formatParam(v: Value): string {
  if (v === null) return "NULL";
  if (typeof v === "string") return `'${v.replace(/'/g, "''")}'`;
  if (v instanceof Uint8Array) return `'\\x${Buffer.from(v).toString("hex")}'`;
  if (Array.isArray(v)) return `{${v.map(formatParam).join(",")}}`;
  if (typeof v === "object") return JSON.stringify({ ...v, micros: String(v.micros) });
  return String(v);
}
