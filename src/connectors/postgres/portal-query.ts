/**
 * A streaming read of one statement through the unnamed portal, submitted to a pg client like any
 * query (so the client's queue keeps statements in order). It replaces pg-cursor for two reasons:
 * the first batch goes out with the statement (Parse/Bind/Describe/Execute(n)/Flush in one write,
 * where pg-cursor writes each message separately and asks for rows in a second round trip), and a
 * SELECT whose rows fit in that batch hands them over at CommandComplete — the Sync that ends it
 * travels while the caller is already using the rows (the client holds its next query until the
 * ReadyForQuery).
 */
import { createRequire } from "node:module";
import type pg from "pg";

export type TextRows = (string | null)[][];

export interface PortalField {
  name: string;
  dataTypeID: number;
}

/** The part of pg's Connection this query drives (pg's own Query uses the same methods). */
interface PgConnection {
  stream: { cork?: () => void; uncork?: () => void };
  parse(query: { text: string; name?: string; types?: number[] }): void;
  bind(config: { portal: string; statement: string; values: unknown[]; valueMapper?: unknown }): void;
  describe(msg: { type: "P" | "S"; name: string }): void;
  execute(config: { portal: string; rows: number }): void;
  close(msg: { type: "P" | "S"; name: string }): void;
  flush(): void;
  sync(): void;
}

type State = "initialized" | "busy" | "idle" | "complete" | "closing" | "error" | "done";

interface Waiter {
  resolve(rows: TextRows): void;
  reject(err: unknown): void;
}

// pg's text-parameter preparation (arrays, dates, Buffers …), as its own Query applies it
const { prepareValue } = createRequire(import.meta.url)("pg/lib/utils.js") as {
  prepareValue: (v: unknown) => unknown;
};

export class PortalQuery {
  fields: PortalField[] = [];
  command: string | null = null;
  rowCount: number | null = null;
  private state: State = "initialized";
  private connection: PgConnection | null = null;
  private rows: TextRows = [];
  private waiter: Waiter | null = null;
  private closeWaiters: (() => void)[] = [];
  private error: unknown = null;

  constructor(
    private readonly text: string,
    private readonly values: unknown[],
    private readonly firstRows: number,
  ) {}

  /** The statement ran to its end (CommandComplete or EmptyQueryResponse). */
  get isComplete(): boolean {
    return this.state === "complete" || this.state === "done";
  }

  /** Resolves with the first batch (fewer rows than asked for means the statement is complete). */
  start(client: pg.ClientBase): Promise<TextRows> {
    const first = this.wait();
    this.state = "busy";
    client.query(this as unknown as pg.QueryConfig);
    return first;
  }

  /** The next `rows` rows of a suspended portal. */
  read(rows: number): Promise<TextRows> {
    if (this.state === "error") return Promise.reject(this.error);
    if (this.state !== "idle") return Promise.resolve([]);
    const next = this.wait();
    this.state = "busy";
    const con = this.connection!;
    cork(con, () => {
      con.execute({ portal: "", rows });
      con.flush();
    });
    return next;
  }

  /** Closes a suspended portal and waits for the connection to be ready again. */
  close(): Promise<void> {
    if (this.state === "done" || this.state === "error" || this.state === "initialized") {
      return Promise.resolve();
    }
    const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (this.state === "idle") {
      this.state = "closing";
      const con = this.connection!;
      cork(con, () => {
        con.close({ type: "P", name: "" });
        con.sync();
      });
    }
    return closed;
  }

  private wait(): Promise<TextRows> {
    return new Promise<TextRows>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private deliver(): void {
    const waiter = this.waiter;
    const rows = this.rows;
    this.waiter = null;
    this.rows = [];
    waiter?.resolve(rows);
  }

  // ---------------------------------------------------------------- pg Client's submittable protocol

  submit(connection: PgConnection): null {
    this.connection = connection;
    cork(connection, () => {
      connection.parse({ text: this.text });
      connection.bind({ portal: "", statement: "", values: this.values, valueMapper: prepareValue });
      connection.describe({ type: "P", name: "" });
      connection.execute({ portal: "", rows: this.firstRows });
      connection.flush();
    });
    return null;
  }

  handleRowDescription(msg: { fields: PortalField[] }): void {
    this.fields = msg.fields;
  }

  handleDataRow(msg: { fields: (string | null)[] }): void {
    this.rows.push(msg.fields);
  }

  handlePortalSuspended(): void {
    this.state = "idle";
    this.deliver();
  }

  handleCommandComplete(msg: { text: string }): void {
    const words = msg.text.split(" ");
    this.command = words[0] ?? null;
    const last = Number(words[words.length - 1]);
    this.rowCount = words.length > 1 && Number.isInteger(last) ? last : null;
    this.complete();
  }

  handleEmptyQuery(): void {
    this.complete();
  }

  private complete(): void {
    this.state = "complete";
    this.connection!.sync();
    // A read's rows are final now. Anything else waits for the Sync: outside a transaction block it
    // commits, and a commit can still fail (deferred constraints) after the rows came back.
    if (this.command === "SELECT") this.deliver();
  }

  handleError(err: unknown): void {
    if (this.state === "done" || this.state === "error") return;
    // the server skips to the Sync; a complete or closing portal has sent its Sync already
    const synced = this.state === "complete" || this.state === "closing";
    if (this.connection && !synced) this.connection.sync();
    this.state = "error";
    this.error = err;
    const waiter = this.waiter;
    this.waiter = null;
    this.rows = [];
    waiter?.reject(err);
    this.releaseCloseWaiters();
  }

  handleReadyForQuery(): void {
    if (this.state !== "error") this.state = "done";
    this.deliver();
    this.releaseCloseWaiters();
  }

  private releaseCloseWaiters(): void {
    const waiters = this.closeWaiters;
    this.closeWaiters = [];
    for (const w of waiters) w();
  }
}

function cork(con: PgConnection, write: () => void): void {
  con.stream.cork?.();
  try {
    write();
  } finally {
    con.stream.uncork?.();
  }
}
