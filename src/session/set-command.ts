import type { VariableSetStmt } from "@pgsql/types";
import type { Mirror, MirrorContext } from "../catalog/mirror.ts";
import { PgError, SqlState } from "../common/pg-error.ts";
import { reportedName, type SessionSettings } from "./settings.ts";

const sessionCharacteristics = [
  "default_transaction_isolation",
  "default_transaction_read_only",
  "default_transaction_deferrable",
];

/**
 * SET / RESET: the mirror validates the value and returns its canonical form
 * (e.g. "iso, dmy" → "ISO, DMY"); the session keeps it and replays it on every
 * later mirror call. Returns the ParameterStatus changes to report.
 */
export async function applySet(
  stmt: VariableSetStmt,
  sql: string,
  mirror: Mirror,
  ctx: MirrorContext,
  settings: SessionSettings,
  inTransaction: boolean,
): Promise<[string, string][]> {
  const before = settings.reportedValues();
  const name = (stmt.name ?? "").toLowerCase();
  if (name === "client_encoding" && stmt.kind === "VAR_SET_VALUE") {
    const value = JSON.stringify(stmt.args ?? []);
    if (!/utf-?8|unicode/i.test(value)) {
      throw new PgError(
        SqlState.featureNotSupported,
        "Weft speaks UTF8 only: client_encoding cannot be changed",
      );
    }
    return [];
  }
  const isLocal = Boolean(stmt.is_local);
  let readBack: string[];
  if (stmt.kind === "VAR_RESET_ALL") readBack = settings.touchedNames();
  else if (stmt.kind === "VAR_SET_MULTI")
    readBack = name === "session characteristics" ? sessionCharacteristics : [];
  else readBack = [name];

  const result = await mirror.execute(sql, [], [], [], [], ctx, readBack);
  if (isLocal && !inTransaction) return [];
  for (const [key, value] of Object.entries(result.settings ?? {})) {
    if (stmt.kind === "VAR_RESET" || stmt.kind === "VAR_RESET_ALL") settings.reset(key, value);
    else settings.set(key, value, isLocal);
  }
  const after = settings.reportedValues();
  return Object.entries(after).filter(
    ([k, v]) => before[k] !== v && reportedName(k.toLowerCase()) !== undefined,
  );
}
