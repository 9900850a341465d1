import { PgError, SqlState } from "../common/pg-error.ts";
import type { TxStatus } from "../common/session-api.ts";
import type { Connector, QueryRunner, SourceTransaction } from "../connectors/spi.ts";

interface BackendTx {
  tx: SourceTransaction;
  wrote: boolean;
  /** savepoints set while this backend transaction was open, oldest first */
  savepoints: string[];
}

export type BlockState = "idle" | "implicit" | "block" | "failed";

/**
 * The transaction of one session. Each service touched inside a transaction gets
 * its own backend transaction on one pinned connection; at most one of them may
 * write, because Weft has no two-phase commit to make writes to two services atomic.
 */
export class Transactions {
  state: BlockState = "idle";
  readOnly = false;
  private backends = new Map<string, BackendTx>();
  private savepoints: string[] = [];

  constructor(private readonly defaultReadOnly: () => boolean) {}

  get status(): TxStatus {
    if (this.state === "block") return "T";
    if (this.state === "failed") return "E";
    return "I";
  }

  get inBlock(): boolean {
    return this.state === "block" || this.state === "failed";
  }

  get active(): boolean {
    return this.state !== "idle";
  }

  begin(kind: "implicit" | "block", readOnly?: boolean): void {
    if (this.state === "idle") {
      this.readOnly = readOnly ?? this.defaultReadOnly();
    } else if (readOnly !== undefined) {
      this.readOnly = readOnly;
    }
    this.state = kind === "block" || this.state === "block" ? "block" : "implicit";
  }

  fail(): void {
    if (this.state === "block") this.state = "failed";
  }

  /** Where a statement on `service` runs: the pool outside a transaction, else the service's backend transaction. */
  async runner(connector: Connector, write: boolean, statement: string): Promise<QueryRunner> {
    const service = connector.config.name;
    if (write && this.active && this.readOnly) {
      throw new PgError(
        SqlState.readOnlySqlTransaction,
        `cannot execute ${statement} in a read-only transaction`,
      );
    }
    if (write && connector.config.readOnly) {
      throw new PgError(SqlState.readOnlySqlTransaction, `service "${service}" is read-only`);
    }
    if (this.state === "idle") return connector;
    if (write) {
      for (const [other, b] of this.backends) {
        if (other !== service && b.wrote) {
          throw new PgError(
            SqlState.featureNotSupported,
            `a transaction can write to one service only: it already wrote to service "${other}", so it cannot also write to "${service}"`,
            {
              hint: "Commit the first service's changes, then write to the next service in a new transaction.",
            },
          );
        }
      }
    }
    let backend = this.backends.get(service);
    if (!backend) {
      if (!connector.capabilities.transactions) return connector;
      backend = { tx: await connector.begin(), wrote: false, savepoints: [] };
      this.backends.set(service, backend);
    }
    if (write) backend.wrote = true;
    return backend.tx;
  }

  async commit(): Promise<void> {
    const backends = [...this.backends.values()];
    this.reset();
    // Read-only backends first: their commit cannot lose data, the writer's can fail last.
    backends.sort((a, b) => Number(a.wrote) - Number(b.wrote));
    let failure: unknown = null;
    for (const b of backends) {
      try {
        if (failure) await b.tx.rollback();
        else await b.tx.commit();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure) throw failure;
  }

  async rollback(): Promise<void> {
    const backends = [...this.backends.values()];
    this.reset();
    await Promise.allSettled(backends.map((b) => b.tx.rollback()));
  }

  async savepoint(name: string): Promise<void> {
    this.savepoints.push(name);
    for (const b of this.backends.values()) {
      await b.tx.savepoint(name);
      b.savepoints.push(name);
    }
  }

  async release(name: string): Promise<void> {
    const at = this.findSavepoint(name);
    this.savepoints.length = at;
    for (const b of this.backends.values()) {
      const i = b.savepoints.lastIndexOf(name);
      if (i >= 0) {
        await b.tx.releaseSavepoint(name);
        b.savepoints.length = i;
      }
    }
  }

  async rollbackTo(name: string): Promise<void> {
    const at = this.findSavepoint(name);
    this.savepoints.length = at + 1;
    for (const [service, b] of [...this.backends]) {
      const i = b.savepoints.lastIndexOf(name);
      if (i >= 0) {
        await b.tx.rollbackToSavepoint(name);
        b.savepoints.length = i + 1;
      } else {
        // This backend transaction began after the savepoint: all of it is undone.
        this.backends.delete(service);
        await b.tx.rollback();
      }
    }
    if (this.state === "failed") this.state = "block";
  }

  private findSavepoint(name: string): number {
    const at = this.savepoints.lastIndexOf(name);
    if (at < 0) throw new PgError("3B001", `savepoint "${name}" does not exist`);
    return at;
  }

  private reset(): void {
    this.backends.clear();
    this.savepoints = [];
    this.state = "idle";
    this.readOnly = false;
  }
}
