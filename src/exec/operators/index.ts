/** The in-memory operators: each builds a RowSource from RowSources and compiled Evaluators. */
export type { BatchGenerator } from "./batch-generator.ts";
export { BatchBuilder, closeAll, forEachRow, fromBatchGenerator } from "./batch-generator.ts";
export { distinct, distinctOn } from "./distinct.ts";
export { DEFAULT_BATCH_SIZE, type OperatorEnv } from "./env.ts";
export { filter } from "./filter.ts";
export { type AggregateCall, type HashAggregateSpec, hashAggregate } from "./hash-aggregate.ts";
export { type HashJoinSpec, hashJoin } from "./hash-join.ts";
export type { JoinType } from "./join-types.ts";
export { groupKey, type HashKey, type KeyExpr, type SortKey } from "./keys.ts";
export { limit } from "./limit.ts";
export { type NestedLoopJoinSpec, nestedLoopJoin } from "./nested-loop-join.ts";
export { project } from "./project.ts";
export { type SetOperationSpec, setOperation } from "./set-operation.ts";
export { sort } from "./sort.ts";
export { topN } from "./top-n.ts";
export { emptySource, values } from "./values.ts";
export { type WindowFunctionCall, type WindowFunctionKind, type WindowSpec, window } from "./window.ts";
export { DEFAULT_FRAME, type Frame, type FrameBound } from "./window-frame.ts";
