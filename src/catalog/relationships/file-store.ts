/**
 * The default store: `<stateDir>/catalog.json`, `{ "version": n, "relationships": [...] }`.
 * Written atomically (temp file in the same folder, fsync, rename, fsync the folder), so a crash
 * at any moment leaves the old or the new document; a hand edit is picked up while running.
 */
import { randomBytes } from "node:crypto";
import { type FSWatcher, watch } from "node:fs";
import { open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Mutex } from "../mutex.ts";
import type { RelationshipLogger } from "./relationship-catalog.ts";
import { staleVersion } from "./stale-version.ts";
import type { CatalogChange, CatalogListener, RelationshipStore, StoredCatalog } from "./store.ts";
import { parseStoredCatalog } from "./stored-schema.ts";

export const catalogFileName = "catalog.json";
const tempPrefix = `.${basename(catalogFileName)}.`;

/** How often the file is checked besides fs.watch (which can miss events on some file systems). */
const pollMs = 1000;
/** fs.watch reports a rename as several events; one read after they settle. */
const settleMs = 25;

export class FileRelationshipStore implements RelationshipStore {
  readonly path: string;
  readonly describe: string;
  readonly #dir: string;
  readonly #logger: RelationshipLogger;
  readonly #lock = new Mutex();
  #last: StoredCatalog = { version: 0, relationships: [] };
  /** the text last read or written: an event that finds the same text is our own write */
  #lastText: string | null = null;
  #lastStat = "";
  #watcher: FSWatcher | null = null;
  #poll: NodeJS.Timeout | null = null;
  #settle: NodeJS.Timeout | null = null;
  #listener: CatalogListener | null = null;
  /**
   * The highest version the file ever showed, a refused edit's included: the next write goes
   * above it, so a version number never names two documents.
   */
  #highest = 0;
  #closed = false;

  constructor(path: string, logger: RelationshipLogger) {
    this.path = path;
    this.#dir = dirname(path);
    this.describe = `file ${path}`;
    this.#logger = logger;
  }

  /** A document that does not parse stops the start: serving an empty catalog would lose it at the next write. */
  load(): Promise<StoredCatalog> {
    return this.#lock.run(async () => {
      await this.#removeTempFiles();
      const text = await this.#readText();
      if (text === null) return this.#last;
      this.#last = this.#parse(text);
      this.#highest = this.#last.version;
      this.#lastText = text;
      this.#lastStat = await this.#statKey();
      return this.#last;
    });
  }

  update<T>(
    ifMatch: number | undefined,
    change: CatalogChange<T>,
  ): Promise<{ stored: StoredCatalog; result: T }> {
    return this.#lock.run(async () => {
      // the file, not our memory, is the truth: a hand edit may not have been noticed yet
      await this.#check();
      const current = this.#last;
      if (ifMatch !== undefined && ifMatch !== current.version) throw staleVersion(ifMatch, current.version);
      const { relationships, result } = change(current);
      const next: StoredCatalog = { version: Math.max(current.version, this.#highest) + 1, relationships };
      const text = `${JSON.stringify(next, null, 2)}\n`;
      await this.#writeAtomically(text);
      this.#last = next;
      this.#highest = next.version;
      this.#lastText = text;
      this.#lastStat = await this.#statKey();
      return { stored: next, result };
    });
  }

  watch(listener: CatalogListener): void {
    this.#listener = listener;
    try {
      this.#watcher = watch(this.#dir, { persistent: false }, (_event, file) => {
        if (file === null || file === catalogFileName) this.#scheduleCheck();
      });
      this.#watcher.on("error", (err) => {
        this.#logger.warn({ store: this.describe, err: err.message }, "watching the catalog folder failed");
      });
    } catch (err) {
      this.#logger.warn(
        { store: this.describe, err: (err as Error).message },
        "cannot watch the catalog folder",
      );
    }
    this.#poll = setInterval(() => this.#scheduleCheck(), pollMs);
    this.#poll.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watcher?.close();
    if (this.#poll) clearInterval(this.#poll);
    if (this.#settle) clearTimeout(this.#settle);
    await this.#lock.run(async () => {});
  }

  #scheduleCheck(): void {
    if (this.#closed || this.#settle) return;
    this.#settle = setTimeout(() => {
      this.#settle = null;
      void this.#lock.run(() => this.#check());
    }, settleMs);
    this.#settle.unref();
  }

  /** Reads the file when it changed; a new document goes to the listener, a broken one is logged and ignored. */
  async #check(): Promise<void> {
    if (this.#closed) return;
    const statKey = await this.#statKey();
    if (statKey === this.#lastStat && this.#lastText !== null) return;
    const text = await this.#readText();
    this.#lastStat = statKey;
    if (text === null || text === this.#lastText) return;
    let parsed: StoredCatalog;
    try {
      parsed = this.#parse(text);
    } catch (err) {
      // remember the text so one broken edit is reported once, and keep the last good catalog
      this.#lastText = text;
      this.#logger.error(
        { store: this.describe, err: (err as Error).message },
        "the catalog file does not parse; the previous catalog stays",
      );
      return;
    }
    this.#lastText = text;
    this.#highest = Math.max(this.#highest, parsed.version);
    if (this.#listener?.(parsed, "hand-edit") ?? true) this.#last = parsed;
  }

  #parse(text: string): StoredCatalog {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new Error(`${this.path}: not JSON (${(err as Error).message})`);
    }
    try {
      return parseStoredCatalog(json);
    } catch (err) {
      throw new Error(`${this.path}: ${(err as Error).message}`);
    }
  }

  async #readText(): Promise<string | null> {
    try {
      return await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async #statKey(): Promise<string> {
    try {
      const s = await stat(this.path);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return "missing";
    }
  }

  async #writeAtomically(text: string): Promise<void> {
    const temp = join(this.#dir, `${tempPrefix}${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      const file = await open(temp, "wx", 0o644);
      try {
        await file.writeFile(text, "utf8");
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, this.path);
    } catch (err) {
      await unlink(temp).catch(() => {});
      throw err;
    }
    const dir = await open(this.#dir, "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /** Temp files of a write that crashed before its rename: never read, removed at start. */
  async #removeTempFiles(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.#dir);
    } catch {
      return;
    }
    await Promise.all(
      names
        .filter((n) => n.startsWith(tempPrefix) && n.endsWith(".tmp"))
        .map((n) => unlink(join(this.#dir, n)).catch(() => {})),
    );
  }
}
