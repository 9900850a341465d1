/**
 * Operator, function and aggregate resolution and the common type of UNION/CASE
 * branches, following PostgreSQL's "Type Conversion" rules (parse_func.c
 * func_select_candidate, parse_oper.c, parse_coerce.c select_common_type).
 */
import { PgError, SqlState } from "../../common/pg-error.ts";
import { arrayOf, elementOf, Oid, type TypeOid, typeFacts } from "../../common/pg-types.ts";
import { canCoerceImplicitly } from "./casts.ts";
import {
  type AggregateOverload,
  aggregateOverloads,
  type FunctionOverload,
  functionOverloads,
  operatorOverloads,
  type Volatility,
} from "./registry.ts";
import { typeName } from "./type-names.ts";

export interface ResolvedCall {
  name: string;
  /** what each argument must be cast to */
  argTypes: TypeOid[];
  returns: TypeOid;
  strict: boolean;
  volatility: Volatility;
  impl: FunctionOverload["impl"];
}

const ANYELEMENT = 2283;
const ANYARRAY = 2277;
const ANYNONARRAY = 2776;
/** "any" (count(x)): accepts every type without binding anything */
const ANY = 2276;
const UNKNOWN = Oid.unknown;

function isPolymorphic(oid: TypeOid): boolean {
  return oid === ANYELEMENT || oid === ANYARRAY || oid === ANYNONARRAY;
}

const PREFERRED = new Set<TypeOid>([Oid.bool, Oid.text, Oid.oid, Oid.float8, Oid.timestamptz, Oid.interval]);

export function typeCategory(oid: TypeOid): string {
  if (isPolymorphic(oid)) return "P";
  return typeFacts(oid)?.category ?? "U";
}

export function isPreferredType(oid: TypeOid): boolean {
  return PREFERRED.has(oid);
}

/** can_coerce_type for one argument in implicit context. */
function canCoerce(from: TypeOid, to: TypeOid): boolean {
  if (from === to) return true;
  if (from === UNKNOWN) return true;
  if (to === ANYELEMENT || to === ANY) return true;
  if (to === ANYNONARRAY) return elementOf(from) === 0;
  if (to === ANYARRAY) return elementOf(from) !== 0;
  return canCoerceImplicitly(from, to);
}

interface Candidate<T> {
  item: T;
  /** declared types expanded to the call's argument count (variadic spread) */
  args: TypeOid[];
}

/**
 * The polymorphic binding of a candidate: anyelement/anyarray resolved from the
 * actual argument types; null when they disagree (or only unknowns bind them).
 */
function bindPolymorphic(declared: TypeOid[], actual: TypeOid[]): { elem: TypeOid | null; ok: boolean } {
  let elem: TypeOid | null = null;
  for (let i = 0; i < declared.length; i++) {
    const d = declared[i];
    const a = actual[i];
    if (!isPolymorphic(d) || a === UNKNOWN) continue;
    const e = d === ANYARRAY ? elementOf(a) : a;
    if (d === ANYARRAY && e === 0) return { elem: null, ok: false };
    if (elem === null) elem = e;
    else if (elem !== e) return { elem: null, ok: false };
  }
  return { elem, ok: true };
}

function matchesArgs(c: Candidate<unknown>, actual: TypeOid[]): boolean {
  for (let i = 0; i < actual.length; i++) if (!canCoerce(actual[i], c.args[i])) return false;
  if (c.args.some(isPolymorphic)) return bindPolymorphic(c.args, actual).ok;
  return true;
}

function expand(args: TypeOid[], variadic: TypeOid | undefined, nargs: number): TypeOid[] | null {
  if (variadic === undefined) return args.length === nargs ? args : null;
  if (nargs < args.length) return null;
  return [...args, ...new Array<TypeOid>(nargs - args.length).fill(variadic)];
}

/** func_select_candidate: narrows several implicitly applicable candidates the way PostgreSQL does. */
function selectCandidate<T>(input: TypeOid[], candidates: Candidate<T>[]): Candidate<T>[] {
  const nargs = input.length;
  const keepMax = (list: Candidate<T>[], score: (c: Candidate<T>) => number): Candidate<T>[] => {
    let best = -1;
    let kept: Candidate<T>[] = [];
    for (const c of list) {
      const s = score(c);
      if (s > best) {
        best = s;
        kept = [c];
      } else if (s === best) kept.push(c);
    }
    return kept;
  };
  // most exact matches on known input types
  let list = keepMax(candidates, (c) => {
    let n = 0;
    for (let i = 0; i < nargs; i++) if (input[i] !== UNKNOWN && c.args[i] === input[i]) n++;
    return n;
  });
  if (list.length === 1) return list;
  // exact or preferred (of the input's own category) where coercion is needed
  list = keepMax(list, (c) => {
    let n = 0;
    for (let i = 0; i < nargs; i++) {
      if (input[i] === UNKNOWN) continue;
      const t = c.args[i];
      if (t === input[i] || (isPreferredType(t) && typeCategory(t) === typeCategory(input[i]))) n++;
    }
    return n;
  });
  if (list.length === 1) return list;
  // unknown inputs: pick a category per position (string wins), then preferred types
  if (input.includes(UNKNOWN)) {
    const slotCategory: (string | null)[] = new Array(nargs).fill(null);
    const slotPreferred: boolean[] = new Array(nargs).fill(false);
    let resolved = true;
    for (let i = 0; i < nargs && resolved; i++) {
      if (input[i] !== UNKNOWN) continue;
      let conflict = false;
      for (const c of list) {
        const cat = typeCategory(c.args[i]);
        const pref = isPreferredType(c.args[i]);
        if (slotCategory[i] === null) {
          slotCategory[i] = cat;
          slotPreferred[i] = pref;
        } else if (cat === slotCategory[i]) slotPreferred[i] ||= pref;
        else if (cat === "S") {
          slotCategory[i] = cat;
          slotPreferred[i] = pref;
        } else conflict = true;
      }
      if (conflict && slotCategory[i] !== "S") resolved = false;
    }
    if (resolved) {
      const kept = list.filter((c) => {
        for (let i = 0; i < nargs; i++) {
          if (input[i] !== UNKNOWN) continue;
          if (typeCategory(c.args[i]) !== slotCategory[i]) return false;
          if (slotPreferred[i] && !isPreferredType(c.args[i])) return false;
        }
        return true;
      });
      if (kept.length > 0) list = kept;
    }
    if (list.length === 1) return list;
    // all known inputs of one type: assume the unknowns are of that type too
    const known = input.filter((t) => t !== UNKNOWN);
    if (known.length > 0 && known.every((t) => t === known[0])) {
      const fits = list.filter((c) => {
        for (let i = 0; i < nargs; i++)
          if (input[i] === UNKNOWN && !canCoerce(known[0], c.args[i])) return false;
        return true;
      });
      if (fits.length === 1) return fits;
    }
  }
  return list;
}

type Outcome<T> = { kind: "found"; candidate: Candidate<T> } | { kind: "none" } | { kind: "ambiguous" };

function pick<T extends { args: TypeOid[]; variadic?: TypeOid }>(
  overloads: readonly T[],
  input: TypeOid[],
  isOperator: boolean,
): Outcome<T> {
  const candidates: Candidate<T>[] = [];
  for (const item of overloads) {
    const args = expand(item.args, item.variadic, input.length);
    if (args) candidates.push({ item, args });
  }
  // exact match; for a binary operator an unknown side first takes the other side's type
  let probe = input;
  if (isOperator && input.length === 2 && (input[0] === UNKNOWN) !== (input[1] === UNKNOWN)) {
    const known = input[0] === UNKNOWN ? input[1] : input[0];
    probe = [known, known];
  }
  for (const exactInput of probe === input ? [input] : [input, probe]) {
    const exact = candidates.find((c) => c.args.every((t, i) => t === exactInput[i]));
    if (exact) return { kind: "found", candidate: exact };
  }
  const applicable = candidates.filter((c) => matchesArgs(c, input));
  if (applicable.length === 0) return { kind: "none" };
  if (applicable.length === 1) return { kind: "found", candidate: applicable[0] };
  const narrowed = selectCandidate(input, applicable);
  if (narrowed.length === 1) return { kind: "found", candidate: narrowed[0] };
  return { kind: "ambiguous" };
}

/** The concrete argument types of a chosen candidate (polymorphics and unknowns bound). */
function concreteArgs(c: Candidate<unknown>, input: TypeOid[]): TypeOid[] {
  if (c.args.includes(ANY)) return c.args.map((t, i) => (t === ANY ? input[i] : t));
  if (!c.args.some(isPolymorphic)) return c.args;
  const { elem } = bindPolymorphic(c.args, input);
  if (elem === null)
    throw new PgError(
      SqlState.datatypeMismatch,
      "could not determine polymorphic type because input has type unknown",
    );
  return c.args.map((t) => {
    if (t === ANYELEMENT || t === ANYNONARRAY) return elem;
    if (t === ANYARRAY) return arrayOf(elem);
    return t;
  });
}

function returnType(returns: TypeOid | ((argTypes: TypeOid[]) => TypeOid), argTypes: TypeOid[]): TypeOid {
  return typeof returns === "function" ? returns(argTypes) : returns;
}

function toCall(name: string, c: Candidate<FunctionOverload>, input: TypeOid[]): ResolvedCall {
  const argTypes = concreteArgs(c, input);
  const o = c.item;
  return {
    name,
    argTypes,
    returns: returnType(o.returns, argTypes),
    strict: o.strict,
    volatility: o.volatility,
    impl: o.impl,
  };
}

/** Resolves `left op right` (left null: a prefix operator); 705 is an unknown-typed literal. */
export function resolveOperator(op: string, left: TypeOid | null, right: TypeOid): ResolvedCall {
  const input = left === null ? [right] : [left, right];
  const outcome = pick(operatorOverloads(op), input, true);
  const shown = left === null ? `${op} ${typeName(right)}` : `${typeName(left)} ${op} ${typeName(right)}`;
  if (outcome.kind === "none")
    throw new PgError(SqlState.undefinedFunction, `operator does not exist: ${shown}`, {
      hint: "No operator matches the given name and argument types. You might need to add explicit type casts.",
    });
  if (outcome.kind === "ambiguous")
    throw new PgError("42725", `operator is not unique: ${shown}`, {
      hint: "Could not choose a best candidate operator. You might need to add explicit type casts.",
    });
  return toCall(op, outcome.candidate, input);
}

function signature(name: string, argTypes: TypeOid[]): string {
  return `${name}(${argTypes.map(typeName).join(", ")})`;
}

export function resolveFunction(name: string, argTypes: TypeOid[]): ResolvedCall {
  const outcome = pick(functionOverloads(name), argTypes, false);
  if (outcome.kind === "none")
    throw new PgError(SqlState.undefinedFunction, `function ${signature(name, argTypes)} does not exist`, {
      hint: "No function matches the given name and argument types. You might need to add explicit type casts.",
    });
  if (outcome.kind === "ambiguous")
    throw new PgError("42725", `function ${signature(name, argTypes)} is not unique`, {
      hint: "Could not choose a best candidate function. You might need to add explicit type casts.",
    });
  return toCall(name, outcome.candidate, argTypes);
}

/**
 * Resolves an aggregate call; `star` is count(*) (argTypes empty). The result's
 * `args` are the types the arguments must be cast to.
 */
export function resolveAggregate(
  name: string,
  argTypes: TypeOid[],
  star: boolean,
): AggregateOverload & { resolvedReturns: TypeOid } {
  const input = star ? [] : argTypes;
  const outcome = pick(aggregateOverloads(name), input, false);
  const shown = star ? `${name}(*)` : signature(name, argTypes);
  if (outcome.kind === "none") {
    const isFunction = functionOverloads(name).length > 0;
    if (isFunction && !star)
      throw new PgError("42809", `${signature(name, argTypes)} is not an aggregate function`);
    throw new PgError(SqlState.undefinedFunction, `function ${shown} does not exist`, {
      hint: "No function matches the given name and argument types. You might need to add explicit type casts.",
    });
  }
  if (outcome.kind === "ambiguous")
    throw new PgError("42725", `function ${shown} is not unique`, {
      hint: "Could not choose a best candidate function. You might need to add explicit type casts.",
    });
  const args = concreteArgs(outcome.candidate, input);
  const template = outcome.candidate.item;
  const o = specializations.get(template)?.(args) ?? template;
  return { ...o, args, resolvedReturns: returnType(o.returns, args) };
}

const specializations = new WeakMap<AggregateOverload, (argTypes: TypeOid[]) => AggregateOverload>();

/**
 * A polymorphic aggregate whose state functions depend on the argument type
 * (json_agg renders by type, max(anyarray) compares by element type): the
 * resolver returns `specialize(resolved argTypes)` in place of `template`.
 */
export function specializeAggregate(
  template: AggregateOverload,
  specialize: (argTypes: TypeOid[]) => AggregateOverload,
): void {
  specializations.set(template, specialize);
}

/**
 * select_common_type: the type UNION/CASE/COALESCE … branches are converted to.
 * All unknown → text; categories must agree; a non-preferred type gives way to one
 * it converts to implicitly.
 */
export function commonType(types: TypeOid[], construct: string): TypeOid {
  if (types.length === 0) return Oid.text;
  let ptype = types[0];
  if (ptype !== UNKNOWN && types.every((t) => t === ptype)) return ptype;
  let pcategory = typeCategory(ptype);
  let ppreferred = isPreferredType(ptype);
  for (const ntype of types.slice(1)) {
    if (ntype === UNKNOWN || ntype === ptype) continue;
    const ncategory = typeCategory(ntype);
    if (ptype === UNKNOWN) {
      ptype = ntype;
      pcategory = ncategory;
      ppreferred = isPreferredType(ntype);
    } else if (ncategory !== pcategory) {
      throw new PgError(
        SqlState.datatypeMismatch,
        `${construct} types ${typeName(ptype)} and ${typeName(ntype)} cannot be matched`,
      );
    } else if (!ppreferred && canCoerce(ptype, ntype) && !canCoerce(ntype, ptype)) {
      ptype = ntype;
      pcategory = ncategory;
      ppreferred = isPreferredType(ntype);
    }
  }
  if (ptype === UNKNOWN) return Oid.text;
  for (const t of types) {
    if (!canCoerce(t, ptype))
      throw new PgError("42846", `${construct} could not convert type ${typeName(t)} to ${typeName(ptype)}`);
  }
  return ptype;
}
