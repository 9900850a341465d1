import type { Node } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import { arrayOf, elementOf, Oid, type TypeOid } from "../common/pg-types.ts";
import { decodeText } from "../common/value-codec.ts";
import { type BoundExpr, boolOid } from "./bound-expr.ts";
import type { ScalarCatalog } from "./scalar-catalog.ts";
import { applyValueNode, subqueryValueNode } from "./subquery-nodes.ts";
import { typeFromTypeName } from "./type-names.ts";

/** Resolves a column reference (the ColumnRef's name parts) to a bound expression, or throws. */
export type ColumnResolver = (fields: string[], location: number | undefined) => BoundExpr;

/**
 * Intercepts a node before the generic binding: grouped queries use it to turn
 * GROUP BY expressions and aggregate calls into references to the aggregate's output.
 */
export type NodeHook = (node: Node) => BoundExpr | undefined;

export interface BindContext {
  scalars: ScalarCatalog;
  columns: ColumnResolver;
  paramTypes: number[];
  hook?: NodeHook;
}

const unknownOid = Oid.unknown;

export function bindExpr(node: Node, ctx: BindContext): BoundExpr {
  const hooked = ctx.hook?.(node);
  if (hooked) return hooked;
  const [kind, body] = Object.entries(node)[0] as [string, any];
  switch (kind) {
    case "ColumnRef": {
      const fields = (body.fields ?? []).map((f: any) => (f.String ? f.String.sval : "*"));
      return ctx.columns(fields, body.location);
    }
    case "A_Const":
      return bindConst(body);
    case "ParamRef": {
      const index = body.number - 1;
      const type = ctx.paramTypes[index] ?? unknownOid;
      return { kind: "param", index, type, typmod: -1 };
    }
    case "TypeCast": {
      const target = typeFromTypeName(body.typeName);
      return castTo(bindExpr(body.arg, ctx), target.oid, target.typmod, "explicit", ctx);
    }
    case "BoolExpr": {
      const args = (body.args as Node[]).map((a) => castTo(bindExpr(a, ctx), boolOid, -1, "implicit", ctx));
      if (body.boolop === "NOT_EXPR") return { kind: "not", arg: args[0], type: boolOid, typmod: -1 };
      return { kind: body.boolop === "AND_EXPR" ? "and" : "or", args, type: boolOid, typmod: -1 };
    }
    case "NullTest":
      return {
        kind: "is-null",
        arg: bindExpr(body.arg, ctx),
        negated: body.nulltesttype === "IS_NOT_NULL",
        type: boolOid,
        typmod: -1,
      };
    case "BooleanTest": {
      const t = String(body.booltesttype);
      const test = t.includes("TRUE") ? "true" : t.includes("FALSE") ? "false" : "unknown";
      return {
        kind: "is-bool",
        arg: castTo(bindExpr(body.arg, ctx), boolOid, -1, "implicit", ctx),
        test,
        negated: t.includes("NOT"),
        type: boolOid,
        typmod: -1,
      };
    }
    case "A_Expr":
      return bindAExpr(body, ctx);
    case "FuncCall":
      return bindFuncCall(body, ctx);
    case "CoalesceExpr": {
      const args = (body.args as Node[]).map((a) => bindExpr(a, ctx));
      const type = ctx.scalars.commonType(
        args.map((a) => a.type),
        "COALESCE",
      );
      return {
        kind: "coalesce",
        args: args.map((a) => castTo(a, type, -1, "implicit", ctx)),
        type,
        typmod: -1,
      };
    }
    case "MinMaxExpr": {
      const args = (body.args as Node[]).map((a) => bindExpr(a, ctx));
      const isGreatest = body.op === "IS_GREATEST";
      const type = ctx.scalars.commonType(
        args.map((a) => a.type),
        isGreatest ? "GREATEST" : "LEAST",
      );
      return {
        kind: isGreatest ? "greatest" : "least",
        args: args.map((a) => castTo(a, type, -1, "implicit", ctx)),
        type,
        typmod: -1,
      };
    }
    case "CaseExpr":
      return bindCase(body, ctx);
    case "SQLValueFunction":
      return bindSqlValueFunction(body, ctx);
    case subqueryValueNode:
      return bindSubqueryValue(body, ctx);
    case applyValueNode: {
      const arg = bindExpr(body.arg, ctx);
      return { kind: "apply-value", arg, type: arg.type, typmod: arg.typmod };
    }
    default:
      throw new PgError(
        SqlState.featureNotSupported,
        `${describeNode(kind)} cannot be evaluated by Weft yet`,
      );
  }
}

function bindConst(body: any): BoundExpr {
  if (body.isnull) return { kind: "const", value: null, type: unknownOid, typmod: -1 };
  if (body.ival !== undefined)
    return { kind: "const", value: Number(body.ival.ival ?? 0), type: Oid.int4, typmod: -1 };
  if (body.fval !== undefined) {
    const text = String(body.fval.fval);
    if (/^-?\d+$/.test(text)) {
      const n = BigInt(text);
      if (n >= -(2n ** 63n) && n < 2n ** 63n) return { kind: "const", value: n, type: Oid.int8, typmod: -1 };
    }
    return { kind: "const", value: decodeText(text, Oid.numeric), type: Oid.numeric, typmod: -1 };
  }
  if (body.boolval !== undefined)
    return { kind: "const", value: Boolean(body.boolval.boolval), type: boolOid, typmod: -1 };
  if (body.sval !== undefined)
    return { kind: "const", value: String(body.sval.sval ?? ""), type: unknownOid, typmod: -1 };
  if (body.bsval !== undefined) {
    throw new PgError(SqlState.featureNotSupported, "bit-string literals cannot be evaluated by Weft yet");
  }
  return { kind: "const", value: null, type: unknownOid, typmod: -1 };
}

/** Coerces an expression to a type: unknown literals are parsed now, others get a cast node. */
export function castTo(
  expr: BoundExpr,
  type: TypeOid,
  typmod: number,
  context: "explicit" | "implicit",
  ctx: BindContext,
): BoundExpr {
  if (expr.type === type && (typmod === -1 || expr.typmod === typmod)) return expr;
  if (expr.kind === "const" && expr.type === unknownOid) {
    const literal =
      expr.value === null ? null : decodeText(String(expr.value), type === unknownOid ? Oid.text : type);
    const typed: BoundExpr = { kind: "const", value: literal, type, typmod: -1 };
    return typmod === -1 ? typed : { kind: "cast", arg: typed, type, typmod, context };
  }
  if (expr.type === unknownOid && expr.kind === "param") return { ...expr, type, typmod };
  if (!ctx.scalars.canCast(expr.type, type, typmod, context === "explicit" ? "explicit" : "implicit")) {
    throw new PgError(SqlState.datatypeMismatch, `cannot cast type ${expr.type} to ${type}`);
  }
  return { kind: "cast", arg: expr, type, typmod, context };
}

function operatorName(name: Node[]): string {
  const last = name[name.length - 1] as any;
  return String(last?.String?.sval ?? "");
}

function call(op: string, args: BoundExpr[], ctx: BindContext, prefix = false): BoundExpr {
  const fn = prefix
    ? ctx.scalars.resolveOperator(op, null, args[0].type)
    : ctx.scalars.resolveOperator(op, args[0].type, args[1].type);
  const cast = args.map((a, i) => castTo(a, fn.argTypes[i], -1, "implicit", ctx));
  return { kind: "call", fn, args: cast, type: fn.returns, typmod: -1 };
}

function bindAExpr(body: any, ctx: BindContext): BoundExpr {
  const op = operatorName(body.name ?? []);
  switch (body.kind) {
    case "AEXPR_OP": {
      if (!body.lexpr) return call(op, [bindExpr(body.rexpr, ctx)], ctx, true);
      return call(op, [bindExpr(body.lexpr, ctx), bindExpr(body.rexpr, ctx)], ctx);
    }
    case "AEXPR_LIKE":
    case "AEXPR_ILIKE":
      return call(op, [bindExpr(body.lexpr, ctx), bindExpr(body.rexpr, ctx)], ctx);
    case "AEXPR_DISTINCT":
    case "AEXPR_NOT_DISTINCT": {
      const left = bindExpr(body.lexpr, ctx);
      const right = bindExpr(body.rexpr, ctx);
      const eq = ctx.scalars.resolveOperator("=", left.type, right.type);
      return {
        kind: "distinct-from",
        left: castTo(left, eq.argTypes[0], -1, "implicit", ctx),
        right: castTo(right, eq.argTypes[1], -1, "implicit", ctx),
        eq,
        negated: body.kind === "AEXPR_NOT_DISTINCT",
        type: boolOid,
        typmod: -1,
      };
    }
    case "AEXPR_NULLIF": {
      const left = bindExpr(body.lexpr, ctx);
      const right = bindExpr(body.rexpr, ctx);
      const eq = ctx.scalars.resolveOperator("=", left.type, right.type);
      return {
        kind: "nullif",
        left: castTo(left, eq.argTypes[0], -1, "implicit", ctx),
        right: castTo(right, eq.argTypes[1], -1, "implicit", ctx),
        eq,
        type: left.type === unknownOid ? Oid.text : left.type,
        typmod: -1,
      };
    }
    case "AEXPR_IN": {
      const arg = bindExpr(body.lexpr, ctx);
      const items = (body.rexpr.List?.items ?? []) as Node[];
      const list = items.map((i) => bindExpr(i, ctx));
      const type = ctx.scalars.commonType([arg.type, ...list.map((l) => l.type)], "IN");
      const eqOp = ctx.scalars.resolveOperator("=", type, type);
      return {
        kind: "in-list",
        arg: castTo(arg, type, -1, "implicit", ctx),
        list: list.map((l) => castTo(l, type, -1, "implicit", ctx)),
        eq: list.map(() => eqOp),
        negated: op === "<>",
        type: boolOid,
        typmod: -1,
      };
    }
    case "AEXPR_BETWEEN":
    case "AEXPR_NOT_BETWEEN": {
      const items = (body.rexpr.List?.items ?? []) as Node[];
      const x = bindExpr(body.lexpr, ctx);
      const low = bindExpr(items[0], ctx);
      const high = bindExpr(items[1], ctx);
      const range: BoundExpr = {
        kind: "and",
        args: [call(">=", [x, low], ctx), call("<=", [x, high], ctx)],
        type: boolOid,
        typmod: -1,
      };
      return body.kind === "AEXPR_BETWEEN" ? range : { kind: "not", arg: range, type: boolOid, typmod: -1 };
    }
    case "AEXPR_OP_ANY":
    case "AEXPR_OP_ALL":
      return bindAnyAll(op, body.kind === "AEXPR_OP_ALL", body.lexpr, body.rexpr, ctx);
    default:
      throw new PgError(
        SqlState.featureNotSupported,
        `${String(body.kind).replace("AEXPR_", "")} expressions cannot be evaluated by Weft yet`,
      );
  }
}

/** `x op ANY/ALL (array)`: the operator resolves over x's type and the array's element type. */
function bindAnyAll(op: string, all: boolean, lexpr: Node, rexpr: Node, ctx: BindContext): BoundExpr {
  const x = bindExpr(lexpr, ctx);
  let array = bindExpr(rexpr, ctx);
  // an untyped '{…}' literal or parameter takes the array type of the other side
  if (array.type === unknownOid && arrayOf(x.type) !== 0)
    array = castTo(array, arrayOf(x.type), -1, "implicit", ctx);
  const elementType = elementOf(array.type);
  if (elementType === 0) throw new PgError("42809", "op ANY/ALL (array) requires array on right side");
  const fn = ctx.scalars.resolveOperator(op, x.type, elementType);
  if (fn.returns !== boolOid)
    throw new PgError("42809", "op ANY/ALL (array) requires operator to yield boolean");
  return {
    kind: "any-all",
    all,
    arg: castTo(x, fn.argTypes[0], -1, "implicit", ctx),
    array,
    op: fn,
    elementType,
    type: boolOid,
    typmod: -1,
  };
}

/** The value of a decorrelated scalar subquery (subquery-nodes.ts) from its rows' values. */
function bindSubqueryValue(body: any, ctx: BindContext): BoundExpr {
  const arg = bindExpr(body.arg, ctx);
  const type = elementOf(arg.type);
  if (type === 0) throw new PgError(SqlState.internalError, "a subquery value over a non-array");
  return { kind: "subquery-value", arg, first: Boolean(body.first), type, typmod: -1 };
}

function bindFuncCall(body: any, ctx: BindContext): BoundExpr {
  if (body.over)
    throw new PgError(SqlState.featureNotSupported, "window functions across services are not supported yet");
  const parts: string[] = (body.funcname ?? []).map((n: any) => String(n.String?.sval ?? ""));
  const name = parts[parts.length - 1];
  // the select list and HAVING bind WITHIN GROUP aggregates as aggregates (plan-ordered-set.ts):
  // one that gets here names no aggregate
  if (body.agg_within_group)
    throw new PgError("42809", `WITHIN GROUP specified, but ${name} is not an aggregate function`);
  const args = ((body.args ?? []) as Node[]).map((a) => bindExpr(a, ctx));
  const fn = ctx.scalars.resolveFunction(
    name,
    args.map((a) => a.type),
  );
  return {
    kind: "call",
    fn,
    args: args.map((a, i) => castTo(a, fn.argTypes[i] ?? a.type, -1, "implicit", ctx)),
    type: fn.returns,
    typmod: -1,
  };
}

function bindCase(body: any, ctx: BindContext): BoundExpr {
  const operand = body.arg ? bindExpr(body.arg, ctx) : null;
  const whens = (body.args as Node[]).map((w: any) => w.CaseWhen);
  const thens = whens.map((w: any) => bindExpr(w.result, ctx));
  const otherwise = body.defresult ? bindExpr(body.defresult, ctx) : null;
  const type = ctx.scalars.commonType(
    [...thens, ...(otherwise ? [otherwise] : [])].map((e) => e.type),
    "CASE",
  );
  return {
    kind: "case",
    whens: whens.map((w: any, i: number) => {
      const cond = operand ? call("=", [operand, bindExpr(w.expr, ctx)], ctx) : bindExpr(w.expr, ctx);
      return {
        condition: castTo(cond, boolOid, -1, "implicit", ctx),
        result: castTo(thens[i], type, -1, "implicit", ctx),
      };
    }),
    otherwise: otherwise ? castTo(otherwise, type, -1, "implicit", ctx) : null,
    type,
    typmod: -1,
  };
}

function bindSqlValueFunction(body: any, ctx: BindContext): BoundExpr {
  const names: Record<string, string> = {
    SVFOP_CURRENT_DATE: "current_date",
    SVFOP_CURRENT_TIMESTAMP: "now",
    SVFOP_LOCALTIMESTAMP: "localtimestamp",
  };
  const name = names[String(body.op)];
  if (!name)
    throw new PgError(
      SqlState.featureNotSupported,
      `${String(body.op).replace("SVFOP_", "")} cannot be evaluated by Weft yet`,
    );
  const fn = ctx.scalars.resolveFunction(name, []);
  return { kind: "call", fn, args: [], type: fn.returns, typmod: -1 };
}

function describeNode(kind: string): string {
  const names: Record<string, string> = {
    SubLink: "subqueries",
    A_ArrayExpr: "ARRAY constructors",
    RowExpr: "row constructors",
    CollateClause: "COLLATE",
    A_Indirection: "subscripts",
    GroupingFunc: "GROUPING()",
  };
  return names[kind] ?? kind;
}
