import type { Duplex } from "node:stream";
import { PgError, SqlState } from "../common/pg-error.ts";
import type { EncodedRow } from "../common/row.ts";
import { BackendWriter } from "./codec/backend-writer.ts";

/** Rows are written to the socket once this many bytes are buffered. */
export const flushThresholdBytes = 64 * 1024;

function connectionGone(): PgError {
  return new PgError(SqlState.connectionFailure, "connection to client lost");
}

/**
 * Buffered output of one connection. Messages accumulate in `writer`;
 * `flush()` hands them to the socket. Row writes apply backpressure: when the
 * socket's buffer is full they return a promise that settles on 'drain'.
 */
export class ConnectionOutput {
  readonly writer = new BackendWriter(flushThresholdBytes + 8 * 1024);
  private closed = false;
  private drain: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } | null = null;

  constructor(private socket: Duplex) {}

  setSocket(socket: Duplex): void {
    this.socket = socket;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Returns false when the socket asked us to wait for 'drain'. */
  flush(): boolean {
    if (this.writer.length === 0) return true;
    const bytes = this.writer.take();
    if (this.closed) return true;
    return this.socket.write(bytes);
  }

  /** Bytes that must go out before anything buffered (the 'S'/'N' answers). */
  writeRaw(bytes: Buffer): void {
    this.flush();
    if (!this.closed) this.socket.write(bytes);
  }

  writeRow(row: EncodedRow): void | Promise<void> {
    if (this.closed) return Promise.reject(connectionGone());
    this.writer.dataRow(row);
    if (this.writer.length >= flushThresholdBytes && !this.flush()) return this.waitDrain();
  }

  private waitDrain(): Promise<void> {
    if (this.drain) return this.drain.promise;
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {});
    this.drain = { promise, resolve, reject };
    this.socket.once("drain", () => {
      const d = this.drain;
      this.drain = null;
      d?.resolve();
    });
    return promise;
  }

  /** The socket is gone: producers waiting for 'drain' stop with 08006. */
  markClosed(): void {
    this.closed = true;
    const d = this.drain;
    this.drain = null;
    d?.reject(connectionGone());
  }
}
