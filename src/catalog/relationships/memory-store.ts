/** A store that forgets on exit: for a Catalog built without one (tests, tools). */
import { Mutex } from "../mutex.ts";
import { staleVersion } from "./stale-version.ts";
import type { CatalogChange, RelationshipStore, StoredCatalog } from "./store.ts";

export class MemoryRelationshipStore implements RelationshipStore {
  readonly describe = "memory";
  #current: StoredCatalog = { version: 0, relationships: [] };
  readonly #lock = new Mutex();

  async load(): Promise<StoredCatalog> {
    return this.#current;
  }

  update<T>(
    ifMatch: number | undefined,
    change: CatalogChange<T>,
  ): Promise<{ stored: StoredCatalog; result: T }> {
    return this.#lock.run(async () => {
      const current = this.#current;
      if (ifMatch !== undefined && ifMatch !== current.version) throw staleVersion(ifMatch, current.version);
      const { relationships, result } = change(current);
      this.#current = { version: current.version + 1, relationships };
      return { stored: this.#current, result };
    });
  }

  watch(): void {}

  async close(): Promise<void> {}
}
