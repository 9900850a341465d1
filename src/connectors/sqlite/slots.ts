import type { Database } from "better-sqlite3";

/**
 * better-sqlite3 connections are synchronous and busy while a statement iterates, so each
 * statement holds one connection until its rows are read or it is closed. Waiters queue FIFO.
 */
export class SlotPool {
  private readonly free: Database[];
  private readonly waiters: ((db: Database) => void)[] = [];

  constructor(readonly all: Database[]) {
    this.free = [...all];
  }

  acquire(): Promise<Database> {
    const db = this.free.pop();
    if (db) return Promise.resolve(db);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(db: Database): void {
    const next = this.waiters.shift();
    if (next) next(db);
    else this.free.push(db);
  }
}
