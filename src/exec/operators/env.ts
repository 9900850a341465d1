/** What every operator needs besides its inputs: the evaluation context and the query's memory budget. */
import type { EvalContext, MemoryBudget } from "../row-source.ts";

export interface OperatorEnv {
  ctx: EvalContext;
  budget: MemoryBudget;
  /** rows per output batch of operators that build their own batches (default 1024) */
  batchSize?: number;
}

export const DEFAULT_BATCH_SIZE = 1024;

export function batchSizeOf(env: OperatorEnv): number {
  return env.batchSize ?? DEFAULT_BATCH_SIZE;
}
