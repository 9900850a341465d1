import type { Node } from "@pgsql/types";
import type { Catalog } from "../catalog/catalog.ts";
import type { EncodedRow, FieldDescription } from "../common/row.ts";
import { encodeWireCell } from "../common/value-codec.ts";
import type { EncodeContext, FormatCode, Value } from "../common/values.ts";
import type { CompileTarget, Connector } from "../connectors/spi.ts";
import { compileRemote, runRemote } from "../exec/run-remote.ts";
import { planSingleService } from "../planner/plan-single-service.ts";
import type { Execution } from "./execution.ts";
import type { Route } from "./route.ts";
import type { SessionDeps } from "./session-deps.ts";
import type { Transactions } from "./transactions.ts";

export interface RemoteContext {
  deps: SessionDeps;
  tx: Transactions;
  encode: EncodeContext;
  signal: AbortSignal;
}

type ServiceRoute = Extract<Route, { kind: "service" }>;

export function compileTarget(catalog: Catalog, connector: Connector): CompileTarget {
  const service = connector.config.name;
  return {
    service,
    nativeSchema: connector.nativeSchema,
    columnsOf: (table) => catalog.table(service, table)?.columns,
  };
}

/** Pushes a single-service statement down whole and streams its rows encoded for the client. */
export async function startRemote(
  ctx: RemoteContext,
  statement: Node,
  route: ServiceRoute,
  fields: FieldDescription[] | null,
  formats: FormatCode[],
  params: Value[],
  paramTypes: number[],
): Promise<Execution> {
  const { connector } = ctx.deps.catalog.requireUp(route.service);
  const plan = planSingleService({
    service: route.service,
    statement,
    verb: route.verb,
    write: route.write,
    resultTypes: (fields ?? []).map((f) => ({ oid: f.typeOid, typmod: f.typeModifier, sql: "" })),
  });
  const native = compileRemote(
    plan,
    connector,
    compileTarget(ctx.deps.catalog, connector),
    params,
    paramTypes,
  );
  const runner = await ctx.tx.runner(connector, route.write, route.verb);
  const running = await runRemote(plan, native, runner, ctx.signal);
  const oids = (fields ?? []).map((f) => f.typeOid);
  const withFormats = fields?.map((f, i) => ({ ...f, format: formats[i] ?? 0 })) ?? null;
  return {
    fields: withFormats,
    nextBatch: async () => {
      const next = await running.batches.next();
      if (next.done) return null;
      const rows = next.value;
      const out: EncodedRow[] = new Array(rows.length);
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        const cells: EncodedRow = new Array(row.length);
        for (let i = 0; i < row.length; i++)
          cells[i] = encodeWireCell(row[i]!, oids[i]!, formats[i] ?? 0, ctx.encode);
        out[r] = cells;
      }
      return out;
    },
    tag: (rows) => {
      const affected = running.affectedRows();
      switch (route.verb) {
        case "SELECT":
          return `SELECT ${rows}`;
        case "INSERT":
          return `INSERT 0 ${affected ?? rows}`;
        default:
          return `${route.verb} ${affected ?? rows}`;
      }
    },
    close: () => running.close(),
  };
}
