import type { RowBatch } from "../common/row.ts";
import type { Value } from "../common/values.ts";
import type { CompileTarget, Connector, NativeQuery, QueryRunner } from "../connectors/spi.ts";
import type { RemoteStatement } from "../planner/plan.ts";

/** A running remote statement: batches of canonical rows, then the affected-row count. */
export interface RemoteExecution {
  readonly native: NativeQuery;
  readonly batches: AsyncIterator<RowBatch>;
  affectedRows(): number | null;
  close(): Promise<void>;
}

export function compileRemote(
  plan: RemoteStatement,
  connector: Connector,
  target: CompileTarget,
  params: Value[],
  paramTypes: number[],
): NativeQuery {
  return connector.compiler.compile(plan.statement, target, params, paramTypes);
}

export async function runRemote(
  plan: RemoteStatement,
  native: NativeQuery,
  runner: QueryRunner,
  signal: AbortSignal,
): Promise<RemoteExecution> {
  const result = await runner.run(native, { signal, resultTypes: [...plan.resultTypes] });
  return {
    native,
    batches: result.batches[Symbol.asyncIterator](),
    affectedRows: () => result.affectedRows(),
    close: () => result.close(),
  };
}
