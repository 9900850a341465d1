import type { EncodedRow, FieldDescription } from "../common/row.ts";
import type { ExecuteResult, Portal, RowSink } from "../common/session-api.ts";

/**
 * A started statement: its fields, a pull-based source of encoded row batches,
 * and the command tag once finished (given the number of rows it returned).
 */
export interface Execution {
  readonly fields: FieldDescription[] | null;
  nextBatch(): Promise<EncodedRow[] | null>;
  tag(rows: number): string;
  close(): Promise<void>;
}

/** An execution that returns no rows, only a tag. */
export function tagOnly(tag: string): Execution {
  return { fields: null, nextBatch: async () => null, tag: () => tag, close: async () => {} };
}

/** An execution over rows already in memory (mirror results, EXPLAIN text). */
export function inMemory(
  fields: FieldDescription[] | null,
  rows: EncodedRow[],
  tag: (n: number) => string,
): Execution {
  let done = false;
  return {
    fields,
    nextBatch: async () => {
      if (done) return null;
      done = true;
      return rows;
    },
    tag,
    close: async () => {},
  };
}

/**
 * The portal over an execution: started lazily, resumable after a row limit
 * (PortalSuspended), closed when exhausted or when the transaction ends.
 */
export class ExecutionPortal implements Portal {
  private execution: Execution | null = null;
  private pending: EncodedRow[] = [];
  /** rows of `pending` already sent (a row limit can stop in the middle of a batch) */
  private sentOfPending = 0;
  private finished = false;
  private closed = false;
  private finalTag: string | null = null;

  constructor(
    readonly fields: FieldDescription[] | null,
    private readonly start: () => Promise<Execution>,
    private readonly onClose: (portal: ExecutionPortal) => void = () => {},
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  async execute(maxRows: number, out: RowSink): Promise<ExecuteResult> {
    if (this.closed) throw portalGone();
    if (this.finished) return { kind: "complete", tag: this.finalTag ?? "SELECT 0" };
    if (!this.execution) this.execution = await this.start();
    const execution = this.execution;
    let sent = 0;
    for (;;) {
      const pending = this.pending;
      const from = this.sentOfPending;
      if (from >= pending.length) {
        const batch = await execution.nextBatch();
        if (batch === null) break;
        this.pending = batch;
        this.sentOfPending = 0;
        continue;
      }
      const take = maxRows > 0 ? Math.min(pending.length - from, maxRows - sent) : pending.length - from;
      const end = from + take;
      // rows go out synchronously until the socket asks for a pause
      for (let i = from; i < end; i++) {
        const wait = out.write(pending[i]!);
        if (wait) {
          this.sentOfPending = i + 1;
          await wait;
        }
      }
      sent += take;
      if (end === pending.length) {
        this.pending = [];
        this.sentOfPending = 0;
      } else {
        this.sentOfPending = end;
      }
      if (maxRows > 0 && sent >= maxRows) return { kind: "suspended" };
    }
    this.finished = true;
    this.finalTag = execution.tag(sent);
    await execution.close();
    return { kind: "complete", tag: this.finalTag };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    await this.execution?.close();
  }
}

function portalGone(): Error {
  return Object.assign(new Error("portal is closed"), { portalClosed: true });
}
