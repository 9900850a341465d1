import type { TypeOid } from "../common/pg-types.ts";

/**
 * What the planner needs to know about functions: which overload a call
 * resolves to and its types. The executor's scalar library implements it and
 * the session hands it in, so the planner never imports the executor; the
 * handles it stores are the executor's own objects, evaluated there.
 */
export interface ResolvedCallRef {
  readonly name: string;
  /** the types the arguments must be cast to */
  readonly argTypes: TypeOid[];
  readonly returns: TypeOid;
  readonly strict: boolean;
}

export interface ResolvedAggregateRef {
  readonly name: string;
  readonly resolvedReturns: TypeOid;
  readonly strict: boolean;
}

export interface ScalarCatalog {
  resolveOperator(op: string, left: TypeOid | null, right: TypeOid): ResolvedCallRef;
  resolveFunction(name: string, argTypes: TypeOid[]): ResolvedCallRef;
  resolveAggregate(name: string, argTypes: TypeOid[], star: boolean): ResolvedAggregateRef;
  /** whether a cast exists (explicit or implicit as asked) */
  canCast(
    from: TypeOid,
    to: TypeOid,
    typmod: number,
    context: "explicit" | "assignment" | "implicit",
  ): boolean;
  commonType(types: TypeOid[], construct: string): TypeOid;
}
