/**
 * Runs one statement on one mysql2 connection, streaming rows: the socket is paused while a
 * batch waits for the consumer (backpressure) and resumed when it is pulled.
 */
import type { PoolConnection } from "mysql2";
import type { TypeOid } from "../../common/pg-types.ts";
import type { RowBatch } from "../../common/row.ts";
import { queryCanceled, throwIfAborted } from "../shared/source-errors.ts";
import type { NativeQuery, NativeResult, RunOptions } from "../spi.ts";
import { mapMysqlError } from "./errors.ts";
import { toMysqlParam } from "./params.ts";
import { coerceMysqlValue, fieldOid, type MysqlField } from "./values.ts";

/** A connection borrowed for one statement; `release(true)` closes it instead of pooling it again. */
export interface MysqlLease {
  conn: PoolConnection;
  /** pinned to a transaction: it cannot be thrown away, so an interrupted stream is drained instead */
  pinned: boolean;
  release(destroy: boolean): void;
}

export interface MysqlRunContext {
  service: string;
  /** KILL QUERY from another connection */
  kill(threadId: number): Promise<void>;
}

type RawRow = unknown[];

export async function runOnLease(
  ctx: MysqlRunContext,
  lease: MysqlLease,
  query: NativeQuery,
  options: RunOptions = {},
): Promise<NativeResult> {
  let values: unknown[];
  try {
    throwIfAborted(options.signal);
    values = query.params.map(toMysqlParam);
  } catch (err) {
    lease.release(false);
    throw err;
  }
  const result = new MysqlResult(ctx, lease, query.text, values, options);
  await result.start();
  return result;
}

class MysqlResult implements NativeResult {
  columns: string[] = [];
  readonly batches: AsyncIterable<RowBatch>;
  private oids: TypeOid[] = [];
  private typmods: number[] = [];
  private fields: MysqlField[] = [];
  private readonly batchSize: number;
  private readonly full: RawRow[][] = [];
  private current: RawRow[] = [];
  private affected: number | null = null;
  private started = false;
  private ended = false;
  private error: unknown = null;
  private paused = false;
  private aborted = false;
  private killed: Promise<void> | null = null;
  private discard = false;
  private waiters: (() => void)[] = [];
  private finishing: Promise<void> | null = null;

  constructor(
    private readonly ctx: MysqlRunContext,
    private readonly lease: MysqlLease,
    sql: string,
    values: unknown[],
    private readonly options: RunOptions,
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.batches = { [Symbol.asyncIterator]: () => this.iterate() };
    options.signal?.addEventListener("abort", this.onAbort, { once: true });
    const q = lease.conn.query({ sql, values, rowsAsArray: true }) as any;
    q.on("fields", (fields: MysqlField[]) => this.onFields(fields));
    q.on("result", (row: unknown) => this.onRow(row));
    q.on("error", (err: unknown) => {
      this.error ??= err;
      this.ended = true;
      this.notify();
    });
    q.on("end", () => {
      this.ended = true;
      this.notify();
    });
  }

  private onFields(fields: MysqlField[] | undefined): void {
    if (this.started || !fields) return;
    this.fields = fields;
    this.columns = fields.map((f) => f.name);
    this.oids = fields.map((f, i) => this.options.resultTypes?.[i]?.oid ?? fieldOid(f));
    this.typmods = fields.map((_f, i) => this.options.resultTypes?.[i]?.typmod ?? -1);
    this.started = true;
    this.notify();
  }

  private onRow(row: unknown): void {
    if (!Array.isArray(row)) {
      // the OK packet of a statement without a result set
      const header = row as { affectedRows?: number };
      this.affected = (this.affected ?? 0) + (header.affectedRows ?? 0);
      return;
    }
    if (this.discard) return;
    this.current.push(row);
    if (this.current.length >= this.batchSize) {
      this.full.push(this.current);
      this.current = [];
      // one batch ready and one filling is all we hold: the rest waits in the server's socket
      if (this.full.length >= 2 && !this.paused) {
        this.paused = true;
        this.lease.conn.pause();
      }
      this.notify();
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private waitForEvent(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
    });
  }

  private readonly onAbort = () => {
    this.aborted = true;
    if (!this.ended) this.kill();
    this.notify();
  };

  private kill(): Promise<void> {
    this.killed ??= this.ctx.kill(this.lease.conn.threadId).catch(() => {});
    return this.killed;
  }

  async start(): Promise<void> {
    while (!this.started && !this.ended && !this.aborted) await this.waitForEvent();
    if (this.aborted || this.error) {
      const err = this.aborted ? queryCanceled() : mapMysqlError(this.error, this.ctx.service);
      await this.finish();
      throw err;
    }
  }

  affectedRows(): number | null {
    return this.ended && !this.started ? this.affected : null;
  }

  close(): Promise<void> {
    return this.finish();
  }

  private coerce(rows: RawRow[]): RowBatch {
    const { oids, typmods, fields, ctx } = this;
    return rows.map((row) =>
      row.map((raw, i) => coerceMysqlValue(raw, oids[i]!, typmods[i]!, ctx.service, fields[i]!.name)),
    );
  }

  private async nextRaw(): Promise<RawRow[] | null> {
    while (true) {
      if (this.aborted) throw queryCanceled();
      if (this.finishing) return null;
      const batch = this.full.shift();
      if (batch) {
        if (this.paused && this.full.length === 0) {
          this.paused = false;
          this.lease.conn.resume();
        }
        return batch;
      }
      if (this.error) throw mapMysqlError(this.error, this.ctx.service);
      if (this.ended) {
        if (this.current.length === 0) return null;
        const rest = this.current;
        this.current = [];
        return rest;
      }
      await this.waitForEvent();
    }
  }

  private async *iterate(): AsyncGenerator<RowBatch> {
    try {
      while (!this.finishing) {
        const raw = await this.nextRaw();
        if (raw === null) return;
        yield this.coerce(raw);
      }
    } finally {
      await this.finish();
    }
  }

  private finish(): Promise<void> {
    this.finishing ??= this.doFinish();
    return this.finishing;
  }

  private async doFinish(): Promise<void> {
    this.options.signal?.removeEventListener("abort", this.onAbort);
    this.notify();
    this.full.length = 0;
    this.current = [];
    const fatal = (this.error as { fatal?: boolean } | null)?.fatal === true;
    if (this.ended) {
      // a KILL that raced the end of the statement could hit the next one: never reuse that connection
      this.lease.release(fatal || (this.killed !== null && !this.lease.pinned));
      return;
    }
    await this.kill();
    if (this.lease.pinned) {
      this.discard = true;
      if (this.paused) {
        this.paused = false;
        this.lease.conn.resume();
      }
      while (!this.ended) await this.waitForEvent();
      this.lease.release(false);
    } else {
      this.lease.release(true);
    }
  }
}
