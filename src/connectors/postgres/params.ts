import type { PgInterval, Value } from "../../common/values.ts";

function isInterval(v: object): v is PgInterval {
  return "months" in v && "days" in v && "micros" in v;
}

/** Canonical values → what `pg` sends as text parameters (it turns arrays into array literals itself). */
export function toPgParam(v: Value): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return v.map(toPgParam);
  if (isInterval(v)) return `${v.months} mons ${v.days} days ${v.micros} microseconds`;
  return v;
}
