import { PgError, SqlState } from "../common/pg-error.ts";
import type { Value } from "../common/values.ts";
import type { BoundExpr } from "../planner/bound-expr.ts";
import { ApplyFailure } from "./apply-failure.ts";
import { compileAnyAll, compileSubqueryValue } from "./compile-any-all.ts";
import type { Evaluator } from "./row-source.ts";
import { compareValues, type ResolvedCall, resolveCast } from "./scalar/index.ts";

/**
 * Turns a bound expression into a closure over one row, with PostgreSQL's
 * three-valued logic: AND/OR stop at a deciding operand, strict functions give
 * NULL for a NULL argument, CASE/COALESCE evaluate lazily.
 */
export function compileExpr(expr: BoundExpr, params: readonly Value[]): Evaluator {
  switch (expr.kind) {
    case "column": {
      const i = expr.index;
      return (row) => row[i] ?? null;
    }
    case "const": {
      const v = expr.value;
      return () => v;
    }
    case "param": {
      const v = params[expr.index] ?? null;
      return () => v;
    }
    case "call": {
      const fn = expr.fn as ResolvedCall;
      const args = expr.args.map((a) => compileExpr(a, params));
      const argTypes = fn.argTypes;
      if (args.length === 1) {
        const [a] = args;
        return (row, ctx) => {
          const x = a(row, ctx);
          if (x === null && fn.strict) return null;
          return fn.impl([x], ctx, argTypes);
        };
      }
      if (args.length === 2) {
        const [a, b] = args;
        return (row, ctx) => {
          const x = a(row, ctx);
          if (x === null && fn.strict) return null;
          const y = b(row, ctx);
          if (y === null && fn.strict) return null;
          return fn.impl([x, y], ctx, argTypes);
        };
      }
      return (row, ctx) => {
        const values = args.map((a) => a(row, ctx));
        if (fn.strict && values.some((v) => v === null)) return null;
        return fn.impl(values, ctx, argTypes);
      };
    }
    case "cast": {
      const arg = compileExpr(expr.arg, params);
      const cast = resolveCast(
        expr.arg.type,
        expr.type,
        expr.typmod,
        expr.context === "explicit" ? "explicit" : "implicit",
      );
      if (!cast) {
        throw new PgError(
          SqlState.featureNotSupported,
          `a cast from type ${expr.arg.type} to ${expr.type} cannot be evaluated by Weft yet`,
        );
      }
      return (row, ctx) => {
        const v = arg(row, ctx);
        return v === null ? null : cast(v, ctx);
      };
    }
    case "and": {
      const args = expr.args.map((a) => compileExpr(a, params));
      return (row, ctx) => {
        let sawNull = false;
        for (const a of args) {
          const v = a(row, ctx);
          if (v === false) return false;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : true;
      };
    }
    case "or": {
      const args = expr.args.map((a) => compileExpr(a, params));
      return (row, ctx) => {
        let sawNull = false;
        for (const a of args) {
          const v = a(row, ctx);
          if (v === true) return true;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : false;
      };
    }
    case "not": {
      const arg = compileExpr(expr.arg, params);
      return (row, ctx) => {
        const v = arg(row, ctx);
        return v === null ? null : !v;
      };
    }
    case "is-null": {
      const arg = compileExpr(expr.arg, params);
      const negated = expr.negated;
      return (row, ctx) => (arg(row, ctx) === null) !== negated;
    }
    case "is-bool": {
      const arg = compileExpr(expr.arg, params);
      const want = expr.test === "true" ? true : expr.test === "false" ? false : null;
      const negated = expr.negated;
      return (row, ctx) => (arg(row, ctx) === want) !== negated;
    }
    case "distinct-from": {
      const left = compileExpr(expr.left, params);
      const right = compileExpr(expr.right, params);
      const eq = expr.eq as ResolvedCall;
      const negated = expr.negated;
      return (row, ctx) => {
        const a = left(row, ctx);
        const b = right(row, ctx);
        let distinct: boolean;
        if (a === null || b === null) distinct = !(a === null && b === null);
        else distinct = eq.impl([a, b], ctx, eq.argTypes) !== true;
        return distinct !== negated;
      };
    }
    case "case": {
      const whens = expr.whens.map((w) => ({
        condition: compileExpr(w.condition, params),
        result: compileExpr(w.result, params),
      }));
      const otherwise = expr.otherwise ? compileExpr(expr.otherwise, params) : null;
      return (row, ctx) => {
        for (const w of whens) if (w.condition(row, ctx) === true) return w.result(row, ctx);
        return otherwise ? otherwise(row, ctx) : null;
      };
    }
    case "coalesce": {
      const args = expr.args.map((a) => compileExpr(a, params));
      return (row, ctx) => {
        for (const a of args) {
          const v = a(row, ctx);
          if (v !== null) return v;
        }
        return null;
      };
    }
    case "nullif": {
      const left = compileExpr(expr.left, params);
      const right = compileExpr(expr.right, params);
      const eq = expr.eq as ResolvedCall;
      return (row, ctx) => {
        const a = left(row, ctx);
        if (a === null) return null;
        const b = right(row, ctx);
        if (b !== null && eq.impl([a, b], ctx, eq.argTypes) === true) return null;
        return a;
      };
    }
    case "greatest":
    case "least": {
      const args = expr.args.map((a) => compileExpr(a, params));
      const sign = expr.kind === "greatest" ? 1 : -1;
      const type = expr.type;
      return (row, ctx) => {
        let best: Value = null;
        for (const a of args) {
          const v = a(row, ctx);
          if (v === null) continue;
          if (best === null || sign * compareValues(v, best, type) > 0) best = v;
        }
        return best;
      };
    }
    case "in-list": {
      const arg = compileExpr(expr.arg, params);
      const list = expr.list.map((a) => compileExpr(a, params));
      const eqs = expr.eq as ResolvedCall[];
      const negated = expr.negated;
      return (row, ctx) => {
        const x = arg(row, ctx);
        if (x === null) return null;
        let sawNull = false;
        for (let i = 0; i < list.length; i++) {
          const y = list[i](row, ctx);
          if (y === null) {
            sawNull = true;
            continue;
          }
          if (eqs[i].impl([x, y], ctx, eqs[i].argTypes) === true) return !negated;
        }
        return sawNull ? null : negated;
      };
    }
    case "any-all":
      return compileAnyAll(expr, (e) => compileExpr(e, params), params);
    case "subquery-value":
      return compileSubqueryValue(compileExpr(expr.arg, params), expr.first);
    case "apply-value": {
      const arg = compileExpr(expr.arg, params);
      return (row, ctx) => {
        const v = arg(row, ctx);
        if (v instanceof ApplyFailure) throw v.error;
        return v;
      };
    }
  }
}
