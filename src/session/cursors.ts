import type { FetchStmt } from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import type { EncodedRow, FieldDescription } from "../common/row.ts";
import type { ExecutionPortal } from "./execution.ts";

const CURSOR_OPT_BINARY = 0x0001;
const CURSOR_OPT_SCROLL = 0x0002;
const CURSOR_OPT_HOLD = 0x0020;

export interface Cursor {
  name: string;
  portal: ExecutionPortal;
  hold: boolean;
}

export function cursorOptions(options: number | undefined): {
  binary: boolean;
  hold: boolean;
  scroll: boolean;
} {
  const o = options ?? 0;
  return {
    binary: (o & CURSOR_OPT_BINARY) !== 0,
    hold: (o & CURSOR_OPT_HOLD) !== 0,
    scroll: (o & CURSOR_OPT_SCROLL) !== 0,
  };
}

/** SQL-level cursors (DECLARE / FETCH / MOVE / CLOSE), as psycopg2's named cursors use them. */
export class Cursors {
  private cursors = new Map<string, Cursor>();

  add(cursor: Cursor): void {
    if (this.cursors.has(cursor.name)) {
      throw new PgError(SqlState.duplicateCursor, `cursor "${cursor.name}" already exists`);
    }
    this.cursors.set(cursor.name, cursor);
  }

  get(name: string): Cursor {
    const c = this.cursors.get(name);
    if (!c) throw new PgError(SqlState.invalidCursorName, `cursor "${name}" does not exist`);
    return c;
  }

  async close(name: string | null): Promise<void> {
    if (name === null) {
      const all = [...this.cursors.values()];
      this.cursors.clear();
      await Promise.all(all.map((c) => c.portal.close()));
      return;
    }
    const c = this.get(name);
    this.cursors.delete(name);
    await c.portal.close();
  }

  /** At transaction end every cursor without HOLD is closed. */
  async endTransaction(): Promise<void> {
    const closing = [...this.cursors.values()].filter((c) => !c.hold);
    for (const c of closing) this.cursors.delete(c.name);
    await Promise.all(closing.map((c) => c.portal.close()));
  }

  /** FETCH/MOVE forward: returns the rows (empty for MOVE) and the count. */
  async fetch(
    stmt: FetchStmt,
  ): Promise<{ fields: FieldDescription[] | null; rows: EncodedRow[]; count: number }> {
    const cursor = this.get(stmt.portalname ?? "");
    const direction = stmt.direction ?? "FETCH_FORWARD";
    const howMany = Number(stmt.howMany ?? 1);
    if (direction !== "FETCH_FORWARD" && !(direction === "FETCH_RELATIVE" && howMany === 1)) {
      throw new PgError(SqlState.featureNotSupported, "only forward fetching is supported by Weft cursors", {
        hint: "Use FETCH [FORWARD] n, FETCH NEXT or FETCH ALL.",
      });
    }
    const limit = howMany <= 0 || howMany >= 2 ** 31 - 1 ? 0 : howMany;
    const rows: EncodedRow[] = [];
    await cursor.portal.execute(limit, { write: (row) => void rows.push(row) });
    return { fields: cursor.portal.fields, rows: stmt.ismove ? [] : rows, count: rows.length };
  }
}
