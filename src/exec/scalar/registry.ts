/**
 * The catalogue of scalar functions, operators and aggregates the executor can
 * evaluate in memory with PostgreSQL semantics. Families of functions register
 * themselves here (one file per family); the resolver picks an overload the way
 * PostgreSQL does (exact match, then implicit casts and preferred types, unknown
 * literals taking their type from context) — see resolve.ts.
 */
import type { TypeOid } from "../../common/pg-types.ts";
import type { Value } from "../../common/values.ts";
import type { EvalContext } from "../row-source.ts";

export type Volatility = "immutable" | "stable" | "volatile";

export interface FunctionOverload {
  /** lower-case name, e.g. "lower", "date_trunc"; operators use their symbol, e.g. "+", "||", "~~" */
  name: string;
  /** declared argument types; 2283 (anyelement), 2277 (anyarray), 2776 (anynonarray) allowed */
  args: TypeOid[];
  /** element type of a trailing VARIADIC argument, if any */
  variadic?: TypeOid;
  /** result type; a function of the resolved argument types for polymorphic ones */
  returns: TypeOid | ((argTypes: TypeOid[]) => TypeOid);
  /** strict: any NULL argument gives NULL without calling impl */
  strict: boolean;
  volatility: Volatility;
  impl(args: Value[], ctx: EvalContext, argTypes: TypeOid[]): Value;
}

export interface AggregateOverload {
  name: string;
  args: TypeOid[];
  /** element type of a trailing VARIADIC argument (rank(VARIADIC "any" ORDER BY VARIADIC "any")) */
  variadic?: TypeOid;
  returns: TypeOid | ((argTypes: TypeOid[]) => TypeOid);
  /** a fresh transition state */
  init(): unknown;
  /** folds one input row's (non-filtered) argument values into the state; strict aggregates skip NULL inputs */
  step(state: unknown, args: Value[], ctx: EvalContext): unknown;
  /** the result; called once per group (also for empty groups: count → 0, sum → NULL) */
  final(state: unknown, ctx: EvalContext): Value;
  /** merges two partial states (partial aggregation below a join), when the aggregate allows it */
  combine?(a: unknown, b: unknown): unknown;
  /** strict: NULL inputs are skipped (count(x), sum, min …) */
  strict: boolean;
  /** rough bytes held per state, for memory accounting */
  stateBytes?(state: unknown): number;
}

const functions = new Map<string, FunctionOverload[]>();
const operators = new Map<string, FunctionOverload[]>();
const aggregates = new Map<string, AggregateOverload[]>();

function add<T>(map: Map<string, T[]>, name: string, item: T): void {
  const list = map.get(name);
  if (list) list.push(item);
  else map.set(name, [item]);
}

export function registerFunction(overload: FunctionOverload): void {
  add(functions, overload.name, overload);
}

/** One operand: a prefix operator (e.g. unary "-", "NOT" is not an operator here). */
export function registerOperator(overload: FunctionOverload): void {
  add(operators, overload.name, overload);
}

export function registerAggregate(overload: AggregateOverload): void {
  add(aggregates, overload.name, overload);
}

export function functionOverloads(name: string): readonly FunctionOverload[] {
  return functions.get(name) ?? [];
}

export function operatorOverloads(name: string): readonly FunctionOverload[] {
  return operators.get(name) ?? [];
}

export function aggregateOverloads(name: string): readonly AggregateOverload[] {
  return aggregates.get(name) ?? [];
}
