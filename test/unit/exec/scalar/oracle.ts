/**
 * The differential oracle for scalar tests: evaluates the same expression in the real
 * PostgreSQL and with src/exec/scalar, both reduced to PostgreSQL's text output or
 * the error's SQLSTATE and message.
 */
import pg from "pg";
import { PgError } from "../../../../src/common/pg-error.ts";
import type { TypeOid } from "../../../../src/common/pg-types.ts";
import { decodeText, encodeText } from "../../../../src/common/value-codec.ts";
import { defaultEncodeContext, type Value } from "../../../../src/common/values.ts";
import type { EvalContext } from "../../../../src/exec/row-source.ts";
import { resolveCast, resolveOperator, typeName } from "../../../../src/exec/scalar/index.ts";
import { adminPgUrl } from "../../../support/databases.ts";

export type Outcome = { text: string | null; type?: string } | { error: string; message: string };

export const ctx: EvalContext = {
  settings: defaultEncodeContext,
  transactionTimestamp: "2024-01-01 00:00:00+00",
  statementTimestamp: "2024-01-01 00:00:00+00",
};

export async function connect(): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: adminPgUrl(),
    types: { getTypeParser: () => (v: string) => v },
  });
  await client.connect();
  await client.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET extra_float_digits = 1");
  return client;
}

/** One SELECT of a single column, as text (or the error). */
export async function pgValue(client: pg.Client, sql: string): Promise<Outcome> {
  try {
    const r = await client.query(sql);
    const row = r.rows[0] as Record<string, string | null>;
    const values = Object.values(row);
    return values.length > 1 ? { text: values[0], type: values[1] ?? undefined } : { text: values[0] };
  } catch (err) {
    const e = err as { code: string; message: string };
    return { error: e.code, message: e.message };
  }
}

/** Runs `fn` and reduces its result or PgError the same way. */
export function ours(fn: () => { value: Value; type: TypeOid }, withType = false): Outcome {
  try {
    const { value, type } = fn();
    const text = value === null ? null : encodeText(value, type, ctx.settings);
    return withType ? { text, type: pgTypeofName(type) } : { text };
  } catch (err) {
    if (err instanceof PgError) return { error: err.code, message: err.message };
    throw err;
  }
}

/** pg_typeof prints format_type's name. */
export function pgTypeofName(oid: TypeOid): string {
  return typeName(oid);
}

/** A typed literal: `'text'::type` in SQL, decodeText in memory; type 705 is an untyped literal. */
export interface Lit {
  text: string;
  type: TypeOid;
  /** SQL spelling of the type for the cast */
  sql?: string;
}

export function litSql(l: Lit): string {
  const quoted = `'${l.text.replaceAll("'", "''")}'`;
  return l.type === 705 ? quoted : `${quoted}::${l.sql ?? typeName(l.type)}`;
}

export function litValue(l: Lit): Value {
  return l.type === 705 ? l.text : decodeText(l.text, l.type, ctx.settings);
}

/** Evaluates `left op right` (left undefined: prefix) with the resolver, casts and the operator's impl. */
export function evalOperator(op: string, left: Lit | undefined, right: Lit): { value: Value; type: TypeOid } {
  const call = resolveOperator(op, left ? left.type : null, right.type);
  const inputs = left ? [left, right] : [right];
  const args = inputs.map((l, i) => {
    const cast = resolveCast(l.type, call.argTypes[i], -1, "implicit");
    if (!cast) throw new Error(`no implicit cast ${l.type} → ${call.argTypes[i]}`);
    return cast(litValue(l), ctx);
  });
  if (call.strict && args.some((a) => a === null)) return { value: null, type: call.returns };
  return { value: call.impl(args, ctx, call.argTypes), type: call.returns };
}
