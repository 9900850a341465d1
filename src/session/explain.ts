import type { Node } from "@pgsql/types";
import type { Value } from "../common/values.ts";
import { compileRemote } from "../exec/run-remote.ts";
import { planSingleService } from "../planner/plan-single-service.ts";
import { compileTarget } from "./remote.ts";
import type { Route } from "./route.ts";
import type { SessionDeps } from "./session-deps.ts";

/** EXPLAIN of a statement pushed whole to one service: the service and its native statement. */
export function explainService(
  deps: SessionDeps,
  route: Extract<Route, { kind: "service" }>,
  statement: Node,
  params: Value[],
  paramTypes: number[],
): string[] {
  const { connector } = deps.catalog.requireUp(route.service);
  const plan = planSingleService({
    service: route.service,
    statement,
    verb: route.verb,
    write: route.write,
    resultTypes: [],
  });
  const native = compileRemote(plan, connector, compileTarget(deps.catalog, connector), params, paramTypes);
  const lines = [
    `Remote Statement on service "${route.service}" (${connector.config.kind})`,
    "  Pushed down: the whole statement",
    `  Native SQL: ${native.text}`,
  ];
  if (native.params.length > 0) {
    lines.push(`  Parameters: ${native.params.map((p, i) => `$${i + 1} = ${formatParam(p)}`).join(", ")}`);
  }
  return lines;
}

function formatParam(v: Value): string {
  if (v === null) return "NULL";
  if (typeof v === "string") return `'${v.replace(/'/g, "''")}'`;
  if (v instanceof Uint8Array) return `'\\x${Buffer.from(v).toString("hex")}'`;
  if (Array.isArray(v)) return `{${v.map(formatParam).join(",")}}`;
  if (typeof v === "object") return JSON.stringify({ ...v, micros: String(v.micros) });
  return String(v);
}
