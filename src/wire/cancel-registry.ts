import { randomBytes } from "node:crypto";

export interface CancelKey {
  processId: number;
  secretKey: number;
}

interface Entry {
  secretKey: number;
  target: { cancel(): void };
}

/**
 * BackendKeyData → running session, for CancelRequest packets that arrive on
 * a separate connection. One registry per server.
 */
export class CancelRegistry {
  private readonly entries = new Map<number, Entry>();

  register(target: { cancel(): void }): CancelKey {
    let processId: number;
    do {
      processId = randomBytes(4).readUInt32BE(0) & 0x7fffffff;
    } while (processId === 0 || this.entries.has(processId));
    const secretKey = randomBytes(4).readInt32BE(0);
    this.entries.set(processId, { secretKey, target });
    return { processId, secretKey };
  }

  unregister(processId: number): void {
    this.entries.delete(processId);
  }

  /** Returns whether the key matched; a wrong key does nothing. */
  cancel(processId: number, secretKey: number): boolean {
    const entry = this.entries.get(processId);
    if (!entry || entry.secretKey !== secretKey) return false;
    entry.target.cancel();
    return true;
  }

  get size(): number {
    return this.entries.size;
  }
}
