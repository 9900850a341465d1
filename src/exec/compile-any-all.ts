import { PgError, SqlState } from "../common/pg-error.ts";
import type { Value } from "../common/values.ts";
import type { BoundExpr } from "../planner/bound-expr.ts";
import type { EvalContext, Evaluator } from "./row-source.ts";
import { equalityKey, type ResolvedCall, resolveCast } from "./scalar/index.ts";

type AnyAll = Extract<BoundExpr, { kind: "any-all" }>;
type Compile = (e: BoundExpr) => Evaluator;

/** Arrays at least this long that are known before the rows arrive are probed through a hash set. */
const HASHED_FROM = 16;

/**
 * `x op ANY (array)` / `x op ALL (array)` with PostgreSQL's semantics: a NULL array gives
 * NULL; an empty one gives false (ANY) or true (ALL) whatever x is; otherwise ANY is true
 * when some comparison is true, else NULL when some was NULL, else false (ALL the dual).
 * That is also IN / NOT IN (subquery), which Weft evaluates as `= ANY` / `<> ALL` over the
 * subquery's rows. `= ANY` and `<> ALL` over an array fixed for the whole query (an init
 * plan's result, a constant) probe a hash set built once instead of scanning the array.
 */
export function compileAnyAll(expr: AnyAll, compile: Compile, params: readonly Value[]): Evaluator {
  const op = expr.op as ResolvedCall;
  const arg = compile(expr.arg);
  const toElement =
    expr.elementType === op.argTypes[1]
      ? null
      : resolveCast(expr.elementType, op.argTypes[1], -1, "implicit");
  if (expr.elementType !== op.argTypes[1] && !toElement) {
    throw new PgError(
      SqlState.featureNotSupported,
      `a cast from type ${expr.elementType} to ${op.argTypes[1]} cannot be evaluated by Weft yet`,
    );
  }
  const fixed = fixedArray(expr.array, params);
  const hashed =
    fixed !== undefined &&
    fixed !== null &&
    fixed.length >= HASHED_FROM &&
    op.argTypes[0] === op.argTypes[1] &&
    ((op.name === "=" && !expr.all) || (op.name === "<>" && expr.all));
  if (hashed) return hashedMembership(fixed, arg, toElement, op, expr.all);

  const array = compile(expr.array);
  const all = expr.all;
  return (row, ctx) => {
    const items = array(row, ctx) as Value[] | null;
    if (items === null) return null;
    if (items.length === 0) return all;
    const x = arg(row, ctx);
    let sawNull = false;
    for (const item of items) {
      const y = item === null || toElement === null ? item : toElement(item, ctx);
      const r = (x === null || y === null) && op.strict ? null : op.impl([x, y], ctx, op.argTypes);
      if (r === null) sawNull = true;
      else if (r === !all) return !all;
    }
    return sawNull ? null : all;
  };
}

function fixedArray(e: BoundExpr, params: readonly Value[]): Value[] | null | undefined {
  if (e.kind === "param") return (params[e.index] ?? null) as Value[] | null;
  if (e.kind === "const") return e.value as Value[] | null;
  return undefined;
}

function hashedMembership(
  items: Value[],
  arg: Evaluator,
  toElement: ((v: Value, ctx: EvalContext) => Value) | null,
  op: ResolvedCall,
  all: boolean,
): Evaluator {
  const type = op.argTypes[0];
  let keys: Set<unknown> | null = null;
  let hasNull = false;
  const build = (ctx: EvalContext): Set<unknown> => {
    const out = new Set<unknown>();
    for (const item of items) {
      const y = item === null || toElement === null ? item : toElement(item, ctx);
      if (y === null) hasNull = true;
      else out.add(equalityKey(y, type));
    }
    return out;
  };
  return (row, ctx) => {
    keys ??= build(ctx);
    const x = arg(row, ctx);
    if (x === null) return null;
    if (keys.has(equalityKey(x, type))) return !all;
    return hasNull ? null : all;
  };
}

/** The value of a decorrelated scalar subquery from the array of its rows' values. */
export function compileSubqueryValue(arg: Evaluator, first: boolean): Evaluator {
  return (row, ctx) => {
    const items = arg(row, ctx) as Value[] | null;
    if (items === null || items.length === 0) return null;
    if (items.length > 1 && !first)
      throw new PgError("21000", "more than one row returned by a subquery used as an expression");
    return items[0];
  };
}
