import type { Value } from "../../common/values.ts";
import type { Dialect } from "./dialect.ts";
import { pgTypeName } from "./types.ts";

interface Slot {
  value: Value;
  /** client parameter number, or 0 for a literal */
  client: number;
  /** Postgres type to cast the placeholder to (postgres dialect only) */
  pgType: string | null;
  /** an integer: SQLite must get a BigInt, or better-sqlite3 binds a REAL */
  int: boolean;
}

const MARK = "\u0000";

/**
 * Collects bound values while text is built in any order: each value becomes a marker,
 * and `finish` numbers the placeholders in the order they appear in the final text
 * (so `?` dialects get their params in textual order, duplicates included).
 */
export class Binder {
  private readonly slots: Slot[] = [];
  private readonly clientSlots = new Map<number, number>();

  constructor(private readonly dialect: Dialect) {}

  literal(value: Value, pgType: string | null, int = false): string {
    this.slots.push({ value, client: 0, pgType, int });
    return `${MARK}${this.slots.length - 1}${MARK}`;
  }

  client(n: number, value: Value, typeOid: number, int = false): string {
    let index = this.clientSlots.get(n);
    if (index === undefined) {
      this.slots.push({ value, client: n, pgType: pgTypeName(typeOid), int });
      index = this.slots.length - 1;
      this.clientSlots.set(n, index);
    }
    return `${MARK}${index}${MARK}`;
  }

  finish(text: string): { text: string; params: Value[] } {
    const params: Value[] = [];
    const numbered = new Map<number, number>();
    const out = text.replace(/\u0000(\d+)\u0000/g, (_m, idx: string) => {
      const slot = this.slots[Number(idx)];
      if (this.dialect.kind !== "postgres") {
        params.push(nativeValue(slot.value, this.dialect.kind === "sqlite" && slot.int));
        return "?";
      }
      // client $n keep one placeholder however often they appear; literals are distinct
      const key = slot.client ? -slot.client : Number(idx);
      let n = numbered.get(key);
      if (n === undefined) {
        params.push(slot.value);
        n = params.length;
        numbered.set(key, n);
      }
      return slot.pgType ? `$${n}::${slot.pgType}` : `$${n}`;
    });
    return { text: out, params };
  }
}

/** MySQL and SQLite have no boolean type: bind 1/0 (still a canonical Value). */
function nativeValue(v: Value, asBigInt: boolean): Value {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (asBigInt && typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  return v;
}
