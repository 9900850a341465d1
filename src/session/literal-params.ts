import type { Node } from "@pgsql/types";
import { Oid } from "../common/pg-types.ts";

/** A statement text with some numeric literals replaced by `$n` of the literal's own type. */
export interface LiteralParams {
  text: string;
  paramTypes: number[];
}

/**
 * The form under which a simple-protocol SELECT is described, so that `… WHERE id = 42` and
 * `… WHERE id = 43` share one description (pgbench -M simple and most ORMs send a new literal with
 * every query, and each description is a round trip to the serialised mirror).
 *
 * Exact by construction: only integer and decimal literals that are a direct operand of an
 * operator, IN list or BETWEEN in the top-level WHERE clause are replaced, each by a parameter
 * declared with the type PostgreSQL gives that literal (make_const: int4 when it fits, else int8,
 * else numeric; a decimal is numeric). A Param and a Const of the same known type resolve operators
 * alike, and the WHERE clause of a plain SELECT does not take part in its result types. Anything
 * else (select list, function arguments, casts, subqueries, strings) stays literal text. Returns
 * null when there is nothing to replace or the text does not read as expected.
 *
 * `textStart` is where `text` begins in the input the AST locations refer to.
 */
export function literalParams(ast: Node, text: string, textStart: number): LiteralParams | null {
  const select = (ast as { SelectStmt?: any }).SelectStmt;
  if (!select || (select.op && select.op !== "SETOP_NONE") || !select.whereClause) return null;
  // a simple query has no parameters; a `$` could be one (an error the plain describe reports)
  if (text.includes("$")) return null;
  const consts: any[] = [];
  collect(select.whereClause, consts);
  if (consts.length === 0) return null;
  consts.sort((a, b) => a.location - b.location);
  let out = "";
  let at = 0;
  const paramTypes: number[] = [];
  for (const c of consts) {
    const start = c.location - textStart;
    if (start < at || start >= text.length) return null;
    numberToken.lastIndex = start;
    const m = numberToken.exec(text);
    if (!m) return null;
    const type = constType(c, m[0]);
    if (type === null) return null;
    paramTypes.push(type);
    out += `${text.slice(at, start)}$${paramTypes.length}`;
    at = start + m[0].length;
  }
  return { text: out + text.slice(at), paramTypes };
}

/** A decimal number, possibly negated (the grammar folds `- 5` into the constant -5). */
const numberToken = /-?\s*(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?![\w.$])/y;

const int32Min = -(2n ** 31n);
const int32Max = 2n ** 31n - 1n;
const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** The literal's type as make_const gives it, or null when the token is not the node's value. */
function constType(c: any, token: string): number | null {
  const written = token.replace(/\s+/g, "");
  if (c.ival !== undefined) {
    const value = c.ival.ival ?? 0;
    return /^-?\d+$/.test(written) && BigInt(written) === BigInt(value) ? Oid.int4 : null;
  }
  const fval = c.fval?.fval;
  if (typeof fval !== "string" || fval !== written) return null;
  if (/^-?\d+$/.test(fval)) {
    const v = BigInt(fval);
    if (v >= int32Min && v <= int32Max) return Oid.int4;
    if (v >= int64Min && v <= int64Max) return Oid.int8;
  }
  return Oid.numeric;
}

function isNumericConst(n: any): any | null {
  const c = n?.A_Const;
  return c && (c.ival !== undefined || c.fval !== undefined) && c.location !== undefined ? c : null;
}

const operandKinds = new Set(["AEXPR_OP", "AEXPR_IN", "AEXPR_BETWEEN", "AEXPR_NOT_BETWEEN"]);

function collect(node: any, out: any[]): void {
  if (node?.BoolExpr) {
    for (const arg of node.BoolExpr.args ?? []) collect(arg, out);
    return;
  }
  const expr = node?.A_Expr;
  if (!expr || !operandKinds.has(expr.kind)) return;
  for (const side of [expr.lexpr, expr.rexpr]) {
    if (side?.List) {
      for (const item of side.List.items ?? []) {
        const c = isNumericConst(item);
        if (c) out.push(c);
      }
      continue;
    }
    const c = isNumericConst(side);
    if (c) out.push(c);
    else collect(side, out);
  }
}
