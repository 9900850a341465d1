/**
 * Differential harness shared by the string, date/time and JSON function tests: runs a call
 * both through the registered overload's impl and through the real PostgreSQL, and compares
 * PostgreSQL's text output with encodeText of our result (or the errors by SQLSTATE + message).
 */
import pg from "pg";
import { PgError } from "../../../../src/common/pg-error.ts";
import { Oid, type TypeOid } from "../../../../src/common/pg-types.ts";
import { decodeText, encodeText } from "../../../../src/common/value-codec.ts";
import { defaultEncodeContext, type EncodeContext, type Value } from "../../../../src/common/values.ts";
import type { EvalContext } from "../../../../src/exec/row-source.ts";
import {
  type FunctionOverload,
  functionOverloads,
  operatorOverloads,
} from "../../../../src/exec/scalar/registry.ts";

export const TYPES: Record<string, TypeOid> = {
  text: Oid.text,
  bpchar: Oid.bpchar,
  int4: Oid.int4,
  int8: Oid.int8,
  float8: Oid.float8,
  numeric: Oid.numeric,
  bool: Oid.bool,
  bytea: Oid.bytea,
  date: Oid.date,
  time: Oid.time,
  timestamp: Oid.timestamp,
  timestamptz: Oid.timestamptz,
  interval: Oid.interval,
  json: Oid.json,
  jsonb: Oid.jsonb,
  uuid: Oid.uuid,
  "text[]": Oid._text,
  "int4[]": Oid._int4,
};

export interface Case {
  /** function name or operator symbol */
  name: string;
  operator?: boolean;
  /** SQL type names of the arguments (keys of TYPES) */
  types: string[];
  /** argument values in PostgreSQL text input form; null for NULL */
  args: (string | null)[];
  settings?: Partial<EncodeContext>;
  /** SQL to run instead of the generated call ($1… are the arguments) */
  sql?: string;
}

export function call(name: string, types: string[], ...args: (string | null)[]): Case {
  return { name, types, args };
}
export function oper(name: string, types: string[], ...args: (string | null)[]): Case {
  return { name, types, args, operator: true };
}
export function inZone(timeZone: string, c: Case): Case {
  return { ...c, settings: { ...c.settings, timeZone } };
}

export function pgUrl(): string {
  return process.env.WEFT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

export function evalContext(settings: EncodeContext): EvalContext {
  return {
    settings,
    transactionTimestamp: "2024-03-31 00:30:00.123456+00",
    statementTimestamp: "2024-03-31 00:30:01.5+00",
  };
}

function matches(declared: TypeOid, actual: TypeOid): boolean {
  return declared === actual || declared === 2276 || declared === 2283 || declared === 2776;
}

export function findOverload(c: Case): FunctionOverload {
  const oids = c.types.map((t) => {
    const oid = TYPES[t];
    if (oid === undefined) throw new Error(`unknown test type ${t}`);
    return oid;
  });
  const list = c.operator ? operatorOverloads(c.name) : functionOverloads(c.name);
  const exact = list.find(
    (o) => !o.variadic && o.args.length === oids.length && o.args.every((a, i) => a === oids[i]),
  );
  const loose =
    exact ??
    list.find(
      (o) => !o.variadic && o.args.length === oids.length && o.args.every((a, i) => matches(a, oids[i])),
    ) ??
    list.find(
      (o) =>
        o.variadic !== undefined &&
        oids.length >= o.args.length &&
        oids.every((t, i) => matches(i < o.args.length ? o.args[i] : (o.variadic as TypeOid), t)),
    );
  if (!loose) throw new Error(`no overload ${c.name}(${c.types.join(", ")})`);
  return loose;
}

export type Outcome = { ok: string | null } | { error: string };

export function runOurs(c: Case): Outcome {
  const settings = { ...defaultEncodeContext, ...c.settings };
  const ctx = evalContext(settings);
  const o = findOverload(c);
  const oids = c.types.map((t) => TYPES[t]);
  try {
    const values: Value[] = c.args.map((a, i) => (a === null ? null : decodeText(a, oids[i], settings)));
    if (o.strict && values.some((v) => v === null)) return { ok: null };
    const result = o.impl(values, ctx, oids);
    const ret = typeof o.returns === "function" ? o.returns(oids) : o.returns;
    return { ok: result === null ? null : encodeText(result, ret, settings) };
  } catch (e) {
    if (e instanceof PgError) return { error: `${e.code} ${e.message}` };
    throw e;
  }
}

function sqlFor(c: Case): string {
  if (c.sql) return c.sql;
  const params = c.args.map((_, i) => `$${i + 1}::${c.types[i]}`);
  if (c.operator) {
    if (params.length === 1) return `${c.name} ${params[0]}`;
    return `${params[0]} ${c.name} ${params[1]}`;
  }
  return `pg_catalog.${c.name}(${params.join(", ")})`;
}

export class Oracle {
  private client: pg.Client;
  constructor() {
    this.client = new pg.Client({ connectionString: pgUrl() });
  }
  async connect(): Promise<void> {
    await this.client.connect();
  }
  async close(): Promise<void> {
    await this.client.end();
  }
  async run(c: Case): Promise<Outcome> {
    const settings = { ...defaultEncodeContext, ...c.settings };
    await this.client.query(
      `SET TimeZone = '${settings.timeZone}'; SET DateStyle = '${settings.dateStyle}'; SET IntervalStyle = '${settings.intervalStyle}'; SET extra_float_digits = ${settings.extraFloatDigits}`,
    );
    try {
      const r = await this.client.query({
        text: `SELECT ${sqlFor(c)} AS v`,
        // every value as PostgreSQL's text output
        types: { getTypeParser: () => (v: string) => v },
        values: c.args,
        rowMode: "array",
      });
      return { ok: r.rows[0][0] as string | null };
    } catch (e) {
      const err = e as { code?: string; message: string };
      if (!err.code) throw e;
      return { error: `${err.code} ${err.message}` };
    }
  }
}

export function describeCase(c: Case): string {
  const zone = c.settings?.timeZone ? ` [${c.settings.timeZone}]` : "";
  return `${c.name}(${c.args.map((a) => (a === null ? "NULL" : JSON.stringify(a))).join(", ")}::${c.types.join(",")})${zone}`;
}
