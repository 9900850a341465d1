import assert from "node:assert/strict";
import type pg from "pg";

/**
 * Runs one statement on Weft and on the oracle (one PostgreSQL holding the same rows) and asserts
 * the same column names, the same type OIDs and the same rows in the same order (cells as text when
 * the clients were made with text type parsers). Returns the row count.
 */
export async function assertSameAsOracle(
  weft: pg.Client,
  oracle: pg.Client,
  sql: string,
  values: unknown[] = [],
): Promise<number> {
  const expected = await oracle.query({ text: sql, values, rowMode: "array" });
  const actual = await weft.query({ text: sql, values, rowMode: "array" });
  assert.deepEqual(
    actual.fields.map((f) => [f.name, f.dataTypeID]),
    expected.fields.map((f) => [f.name, f.dataTypeID]),
    `columns of: ${sql}`,
  );
  assert.deepEqual(actual.rows, expected.rows, sql);
  return actual.rows.length;
}

/** The text of `EXPLAIN [options] sql`, one line per plan line. */
export async function explainText(
  client: pg.Client,
  sql: string,
  values: unknown[] = [],
  options = "",
): Promise<string> {
  const r = await client.query({
    text: `explain ${options}${options ? " " : ""}${sql}`,
    values,
    rowMode: "array",
  });
  return r.rows.map((row) => String(row[0])).join("\n");
}

/** The SQLSTATE and message a statement fails with (fails the test when it succeeds). */
export async function failureOf(client: pg.Client, sql: string): Promise<{ code: string; message: string }> {
  try {
    await client.query(sql);
  } catch (err) {
    const e = err as { code: string; message: string };
    return { code: e.code, message: e.message };
  }
  return assert.fail(`expected an error from: ${sql}`);
}
