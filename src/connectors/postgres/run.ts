/**
 * Runs one statement on one pg client: rows are fetched as text through a portal (PortalQuery)
 * batch by batch as the consumer pulls, then decoded to canonical values.
 */
import type pg from "pg";
import type { TypeOid } from "../../common/pg-types.ts";
import type { RowBatch } from "../../common/row.ts";
import { decodeText } from "../../common/value-codec.ts";
import { queryCanceled, throwIfAborted } from "../shared/source-errors.ts";
import type { NativeQuery, NativeResult, RunOptions } from "../spi.ts";
import { mapPgError } from "./errors.ts";
import { toPgParam } from "./params.ts";
import { PortalQuery, type TextRows } from "./portal-query.ts";
import { resultOid } from "./type-map.ts";

/** Every type arrives as the server's text; decodeText makes it canonical. */
export const rawTypes = { getTypeParser: () => (text: string) => text } as unknown as pg.CustomTypesConfig;

/** A client borrowed for one statement; `release(true)` closes it instead of returning it to the pool. */
export interface PgLease {
  client: pg.ClientBase & { processID?: number };
  release(destroy: boolean): void;
}

export interface PgRunContext {
  service: string;
  /** cancels whatever runs on the backend with this pid, from another connection */
  cancel(pid: number): Promise<void>;
}

interface FieldInfo {
  name: string;
  dataTypeID: number;
}

const rowCommands = new Set(["INSERT", "UPDATE", "DELETE", "MERGE", "COPY"]);

function decodeRows(rows: (string | null)[][], oids: TypeOid[]): RowBatch {
  return rows.map((row) => row.map((cell, i) => (cell === null ? null : decodeText(cell, oids[i]!))));
}

function oidsFor(fields: FieldInfo[], options: RunOptions): TypeOid[] {
  return fields.map((f, i) => options.resultTypes?.[i]?.oid ?? resultOid(f.dataTypeID));
}

export async function runOnLease(
  ctx: PgRunContext,
  lease: PgLease,
  query: NativeQuery,
  options: RunOptions = {},
): Promise<NativeResult> {
  try {
    throwIfAborted(options.signal);
  } catch (err) {
    lease.release(false);
    throw err;
  }
  const params = query.params.map(toPgParam);
  if (!query.returnsRows) return runCommand(ctx, lease, query.text, params, options);
  const result = new CursorResult(ctx, lease, query.text, params, options);
  await result.start();
  return result;
}

/** A statement without rows runs in one round trip; its row count is all there is to report. */
async function runCommand(
  ctx: PgRunContext,
  lease: PgLease,
  text: string,
  params: unknown[],
  options: RunOptions,
): Promise<NativeResult> {
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    const pid = lease.client.processID;
    if (pid !== undefined) void ctx.cancel(pid);
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let res: pg.QueryArrayResult;
  try {
    res = await lease.client.query({ text, values: params, rowMode: "array", types: rawTypes });
  } catch (err) {
    lease.release(aborted);
    throw aborted ? queryCanceled() : mapPgError(err, ctx.service);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  lease.release(aborted);
  if (aborted) throw queryCanceled();
  const fields = res.fields as FieldInfo[];
  const rows = decodeRows(res.rows as (string | null)[][], oidsFor(fields, options));
  const size = options.batchSize ?? 1000;
  return {
    columns: fields.map((f) => f.name),
    batches: {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
      },
    },
    affectedRows: () => (rowCommands.has(res.command) ? res.rowCount : null),
    close: async () => {},
  };
}

/** Without an explicit batch size, batches grow from this many rows … */
const FIRST_BATCH_ROWS = 1000;
/** … up to this many, */
const MAX_BATCH_ROWS = 4096;
/** … as long as a batch's text stays about this size (so wide rows keep batches small). */
const TARGET_BATCH_CHARS = 1024 * 1024;
/** Closing while a prefetched batch is on its way waits this long for it before cancelling the backend. */
const PREFETCH_GRACE_MS = 100;

/** One cursor read: the rows, and whether the portal is done (the statement completed). */
interface Fetched {
  rows: TextRows;
  done: boolean;
}

/** Average text length of a row, from a few rows spread over the batch. */
function sampleRowChars(rows: TextRows): number {
  const step = Math.max(1, Math.floor(rows.length / 8));
  let chars = 0;
  let seen = 0;
  for (let i = 0; i < rows.length; i += step, seen++) {
    const row = rows[i]!;
    chars += row.length * 4;
    for (const cell of row) if (cell !== null) chars += cell.length;
  }
  return seen === 0 ? 0 : chars / seen;
}

class CursorResult implements NativeResult {
  columns: string[] = [];
  readonly batches: AsyncIterable<RowBatch>;
  private readonly cursor: PortalQuery;
  private readonly fixedBatch: boolean;
  private batchSize: number;
  private oids: TypeOid[] = [];
  private first: Fetched = { rows: [], done: true };
  private pending: Promise<unknown> | null = null;
  /** the pending read is a prefetch nobody waits for yet */
  private prefetching = false;
  private exhausted = false;
  private failed = false;
  private aborted = false;
  private finishing: Promise<void> | null = null;
  private command: string | null = null;
  private rowCount: number | null = null;

  constructor(
    private readonly ctx: PgRunContext,
    private readonly lease: PgLease,
    text: string,
    params: unknown[],
    private readonly options: RunOptions,
  ) {
    this.fixedBatch = options.batchSize !== undefined;
    this.batchSize = options.batchSize ?? FIRST_BATCH_ROWS;
    this.cursor = new PortalQuery(text, params, this.batchSize);
    options.signal?.addEventListener("abort", this.onAbort, { once: true });
    this.batches = { [Symbol.asyncIterator]: () => this.iterate() };
  }

  async start(): Promise<void> {
    try {
      this.first = await this.read(true);
    } catch (err) {
      await this.finish();
      throw err;
    }
    const fields = this.cursor.fields as FieldInfo[];
    this.columns = fields.map((f) => f.name);
    this.oids = oidsFor(fields, this.options);
  }

  affectedRows(): number | null {
    return this.command !== null && rowCommands.has(this.command) ? this.rowCount : null;
  }

  close(): Promise<void> {
    return this.finish();
  }

  private readonly onAbort = () => {
    this.aborted = true;
    // between batches the backend is idle: the next pull rejects instead
    const pid = this.lease.client.processID;
    if (this.pending && pid !== undefined) void this.ctx.cancel(pid);
  };

  private async read(first = false): Promise<Fetched> {
    if (this.aborted) throw queryCanceled();
    const size = this.batchSize;
    const pending = first ? this.cursor.start(this.lease.client) : this.cursor.read(size);
    this.pending = pending;
    try {
      const rows = await pending;
      if (this.aborted) throw queryCanceled();
      const done = this.cursor.isComplete;
      if (done) {
        this.exhausted = true;
        this.command = this.cursor.command;
        this.rowCount = this.cursor.rowCount;
      } else if (!this.fixedBatch) {
        this.grow(rows);
      }
      return { rows, done };
    } catch (err) {
      this.failed = true;
      throw this.aborted ? queryCanceled() : mapPgError(err, this.ctx.service);
    } finally {
      this.pending = null;
      this.prefetching = false;
    }
  }

  /** A full batch came back: a long result, so ask for more at a time (fewer round trips). */
  private grow(rows: TextRows): void {
    const perRow = Math.max(1, sampleRowChars(rows));
    const fits = Math.floor(TARGET_BATCH_CHARS / perRow);
    this.batchSize = Math.max(this.batchSize, Math.min(MAX_BATCH_ROWS, this.batchSize * 4, fits));
  }

  private async *iterate(): AsyncGenerator<RowBatch> {
    try {
      let batch = this.first;
      this.first = { rows: [], done: true };
      while (true) {
        // ask for the next batch before handing this one on, so the backend works while the consumer does
        let next: Promise<Fetched> | null = null;
        if (!batch.done && !this.finishing) {
          next = this.read();
          this.prefetching = this.pending !== null;
          next.catch(() => {});
        }
        if (batch.rows.length > 0) yield decodeRows(batch.rows, this.oids);
        if (next === null || this.finishing) return;
        batch = await next;
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
    let destroy = this.aborted;
    // a prefetched batch usually arrives at once: take it and close the portal normally
    if (this.pending && this.prefetching && !this.aborted)
      await settledWithin(this.pending, PREFETCH_GRACE_MS);
    // closed while a fetch runs: stop the backend rather than wait for it
    if (this.pending) {
      const pid = this.lease.client.processID;
      if (pid !== undefined) await this.ctx.cancel(pid).catch(() => {});
      destroy = true;
      await this.pending.catch(() => {});
    }
    if (!this.exhausted && !this.failed) {
      try {
        await this.cursor.close();
      } catch {
        destroy = true;
      }
    }
    this.lease.release(destroy);
  }
}

/** Waits for `promise` to settle, but no longer than `ms`. */
function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise.then(noop, noop), timeout]).finally(() => clearTimeout(timer));
}

function noop(): void {}
