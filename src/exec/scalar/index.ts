/**
 * The scalar library: importing this module registers every family of functions,
 * operators, casts and aggregates, and exposes the resolver the planner calls.
 */
import "./compare.ts";
import "./numeric-ops.ts";
import "./functions-math.ts";
import "./functions-string.ts";
import "./functions-datetime.ts";
import "./number-format.ts";
import "./functions-json.ts";
import "./aggregates.ts";

export { jsonAggregate } from "./aggregates.ts";
export { valueToJson } from "./aggregates-json.ts";
export type { CastContext, CastFn } from "./casts.ts";
export { canCoerceImplicitly, castLevel, resolveCast } from "./casts.ts";
export { compareText, compareValues, equalityKey, isDistinctFrom } from "./compare.ts";
export type { AggregateOverload, FunctionOverload, Volatility } from "./registry.ts";
export type { ResolvedCall } from "./resolve.ts";
export {
  commonType,
  isPreferredType,
  resolveAggregate,
  resolveFunction,
  resolveOperator,
  specializeAggregate,
  typeCategory,
} from "./resolve.ts";
export { typeName } from "./type-names.ts";
