/**
 * Services created over the HTTP API, kept in `<stateDir>/services.json` so they come back after a
 * restart. Written atomically (temp file, fsync, rename): a crash leaves the old or the new list.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { ServiceConfig } from "../connectors/spi.ts";

export class ServiceStore {
  readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, "services.json");
  }

  /** The stored services; none when the file does not exist yet. */
  load(): ServiceConfig[] {
    if (!existsSync(this.path)) return [];
    const parsed = JSON.parse(readFileSync(this.path, "utf8")) as { services?: ServiceConfig[] };
    if (!Array.isArray(parsed.services)) throw new Error(`${this.path}: expected { "services": [ … ] }`);
    return parsed.services;
  }

  save(services: ServiceConfig[]): void {
    const temp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temp, "w", 0o600);
    try {
      writeSync(fd, `${JSON.stringify({ services }, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
  }
}
