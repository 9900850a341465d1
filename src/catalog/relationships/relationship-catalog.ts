/**
 * The relationship catalog: virtual relationships from the store and the config file, plus the
 * foreign keys introspection found. Every write is validated against the tables as they are now
 * and stored all or nothing under an optimistic version.
 */

import { type BuildContext, buildRelationship, type TableLookup } from "./build.ts";
import { discoverRelationships } from "./discovered.ts";
import { parseRelationshipInput, parseRelationshipPatch } from "./input-schema.ts";
import type { ComparableTypes } from "./key-comparison.ts";
import { generateLabel } from "./names.ts";
import type { RelationshipStore, StoredCatalog } from "./store.ts";
import { inputOf } from "./stored-schema.ts";
import {
  CatalogError,
  type Relationship,
  type RelationshipCatalog,
  type RelationshipInput,
  type RelationshipSnapshot,
} from "./types.ts";
import { checkUnique } from "./uniqueness.ts";

/** A relationship the config file declares: read-only, `at` is its config path (`relationships[2]`). */
export interface DeclaredRelationship {
  service: string;
  table: string;
  input: RelationshipInput;
  at: string;
}

export interface RelationshipLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RelationshipCatalogOptions {
  store: RelationshipStore;
  declared: readonly DeclaredRelationship[];
  lookup: TableLookup;
  comparable: ComparableTypes;
  logger: RelationshipLogger;
}

/** Fields that decide which rows match: changing one re-infers the key comparison. */
const keyFields = [
  "field",
  "ref_service",
  "ref_table",
  "ref_field",
  "junction_service",
  "junction_table",
  "junction_field",
  "junction_ref_field",
  "type",
] as const;

export class CatalogRelationships implements RelationshipCatalog {
  readonly #store: RelationshipStore;
  readonly #declaredInputs: readonly DeclaredRelationship[];
  readonly #ctx: BuildContext;
  readonly #logger: RelationshipLogger;
  #stored: StoredCatalog = { version: 0, relationships: [] };
  /** built config relationships; null while a service they name is unavailable or after a refresh broke them */
  #declared: (Relationship | null)[] = [];
  /** by service */
  readonly #discovered = new Map<string, Relationship[]>();
  #snapshot: RelationshipSnapshot = { version: 0, relationships: [] };
  readonly #listeners = new Set<(snapshot: RelationshipSnapshot) => void>();
  #started = false;

  constructor(options: RelationshipCatalogOptions) {
    this.#store = options.store;
    this.#declaredInputs = options.declared;
    this.#ctx = { lookup: options.lookup, comparable: options.comparable };
    this.#logger = options.logger;
    this.#declared = options.declared.map(() => null);
  }

  /**
   * Loads the store and builds the config's relationships against the services that are up. A
   * config relationship that is wrong while its services are up throws (the config is at fault);
   * one naming an unavailable service waits for it.
   */
  async start(): Promise<void> {
    const stored = await this.#store.load();
    this.#stored = stored;
    this.#warnAboutStored(stored);
    this.#declared = this.#declaredInputs.map((d) => this.#buildDeclared(d, true));
    this.#checkDeclaredNames();
    for (const service of this.#readyServices()) this.#discover(service);
    this.#store.watch((catalog, origin) => this.#external(catalog, origin));
    this.#started = true;
    this.#publish();
  }

  /** After a service was (re)introspected: its foreign keys and the config relationships naming it. */
  serviceChanged(service: string): void {
    if (!this.#started) return;
    this.#declared = this.#declaredInputs.map((d, i) => {
      const names = servicesOf(d.service, d.input);
      if (!names.includes(service) && this.#declared[i]) return this.#declared[i]!;
      return this.#buildDeclared(d, false);
    });
    this.#discover(service);
    this.#publish();
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#store.close();
  }

  snapshot(): RelationshipSnapshot {
    return this.#snapshot;
  }

  /** Stored (writable) relationships that name `service`: of its tables, to them, or through a junction in it. */
  storedUsing(service: string): Relationship[] {
    return this.#stored.relationships.filter(
      (r) => r.service === service || r.ref_service === service || r.junction_service === service,
    );
  }

  forTable(service: string, table: string): Relationship[] {
    return this.#snapshot.relationships.filter((r) => r.service === service && r.table === table);
  }

  onChange(listener: (snapshot: RelationshipSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async create(
    service: string,
    table: string,
    inputs: RelationshipInput[],
    ifMatch?: number,
  ): Promise<Relationship[]> {
    this.#requireTable(service, table);
    if (!Array.isArray(inputs) || inputs.length === 0) {
      throw new CatalogError("invalid", "resource: must list at least one relationship", "resource");
    }
    const parsed = inputs.map((input, i) => parseRelationshipInput(input, `resource[${i}]`));
    const { stored, result } = await this.#store.update(ifMatch, (current) => {
      const others = this.#readable(current, service, table);
      const built: Relationship[] = [];
      parsed.forEach((input, i) => {
        const at = `resource[${i}]`;
        const rel = buildRelationship(service, table, input, at, this.#ctx);
        checkUnique(rel, at, this.#ctx.lookup.table(service, table), others, built);
        built.push(rel);
      });
      return { relationships: [...current.relationships, ...built], result: built };
    });
    this.#applyStored(stored);
    return result;
  }

  async update(
    service: string,
    table: string,
    name: string,
    patch: Partial<RelationshipInput>,
    ifMatch?: number,
  ): Promise<Relationship> {
    this.#requireTable(service, table);
    const parsedPatch = parseRelationshipPatch(patch, "");
    const { stored, result } = await this.#store.update(ifMatch, (current) => {
      const index = current.relationships.findIndex(
        (r) => r.service === service && r.table === table && r.name === name,
      );
      if (index === -1) throw this.#missing(service, table, name);
      const old = current.relationships[index]!;
      const rel = buildRelationship(service, table, mergePatch(old, parsedPatch), "", this.#ctx);
      const others = this.#readable(current, service, table).filter((r) => r !== old);
      checkUnique(rel, "", this.#ctx.lookup.table(service, table), others, []);
      const relationships = [...current.relationships];
      relationships[index] = rel;
      return { relationships, result: rel };
    });
    this.#applyStored(stored);
    return result;
  }

  async remove(service: string, table: string, names: string[], ifMatch?: number): Promise<Relationship[]> {
    this.#requireTable(service, table);
    if (!Array.isArray(names) || names.length === 0) {
      throw new CatalogError("invalid", "names: must list at least one relationship", "names");
    }
    const { stored, result } = await this.#store.update(ifMatch, (current) => {
      const removed = names.map((name) => {
        const found = current.relationships.find(
          (r) => r.service === service && r.table === table && r.name === name,
        );
        if (!found) throw this.#missing(service, table, name);
        return found;
      });
      return { relationships: current.relationships.filter((r) => !removed.includes(r)), result: removed };
    });
    this.#applyStored(stored);
    return result;
  }

  /** Every relationship of the table readable now, with the store's fresh list in place of ours. */
  #readable(current: StoredCatalog, service: string, table: string): Relationship[] {
    return [
      ...this.#declared.filter((r): r is Relationship => r !== null),
      ...current.relationships,
      ...(this.#discovered.get(service) ?? []),
    ].filter((r) => r.service === service && r.table === table);
  }

  #requireTable(service: string, table: string): void {
    const state = this.#ctx.lookup.serviceState(service);
    if (state === "unknown")
      throw new CatalogError("not_found", `service "${service}" does not exist`, "service");
    if (state === "unavailable") {
      throw new CatalogError(
        "invalid",
        `service "${service}" is unavailable, so its tables cannot be checked`,
        "service",
      );
    }
    if (!this.#ctx.lookup.table(service, table)) {
      throw new CatalogError("not_found", `table "${table}" does not exist in service "${service}"`, "table");
    }
  }

  #missing(service: string, table: string, name: string): CatalogError {
    const readOnly = this.#snapshot.relationships.find(
      (r) => r.service === service && r.table === table && r.name === name,
    );
    if (readOnly) {
      const why = readOnly.is_virtual ? "declared in the config file" : "a foreign key of the database";
      return new CatalogError(
        "read_only",
        `relationship "${name}" of ${service}.${table} is ${why} and cannot be changed here`,
        "name",
      );
    }
    return new CatalogError(
      "not_found",
      `relationship "${name}" of ${service}.${table} does not exist`,
      "name",
    );
  }

  #buildDeclared(d: DeclaredRelationship, failOnError: boolean): Relationship | null {
    const unavailable = servicesOf(d.service, d.input).filter(
      (s) => this.#ctx.lookup.serviceState(s) === "unavailable",
    );
    if (unavailable.length > 0) {
      this.#logger.warn(
        { relationship: d.at, services: unavailable },
        "config relationship waits for its services to come up",
      );
      return null;
    }
    try {
      return buildRelationship(d.service, d.table, d.input, d.at, this.#ctx);
    } catch (err) {
      if (failOnError) throw err;
      this.#logger.error(
        { relationship: d.at, err: err instanceof Error ? err.message : String(err) },
        "config relationship no longer matches the tables; it is left out",
      );
      return null;
    }
  }

  #checkDeclaredNames(): void {
    const seen: Relationship[] = [];
    this.#declared.forEach((rel, i) => {
      if (!rel) return;
      const at = this.#declaredInputs[i]!.at;
      const mates = seen.filter((r) => r.service === rel.service && r.table === rel.table);
      checkUnique(rel, at, this.#ctx.lookup.table(rel.service, rel.table), [], mates);
      seen.push(rel);
    });
  }

  /** Stored relationships are kept even when they no longer match the tables (a table may come back). */
  #warnAboutStored(stored: StoredCatalog): void {
    for (const problem of this.#problems(stored)) {
      this.#logger.warn(problem, "stored relationship does not match the tables now");
    }
  }

  #problems(stored: StoredCatalog): { relationship: string; err: string }[] {
    const problems: { relationship: string; err: string }[] = [];
    const checked: Relationship[] = [];
    stored.relationships.forEach((rel, i) => {
      const at = `relationships[${i}]`;
      const services = servicesOf(rel.service, rel);
      if (services.some((s) => this.#ctx.lookup.serviceState(s) === "unavailable")) return;
      try {
        const rebuilt = buildRelationship(rel.service, rel.table, inputOf(rel), at, this.#ctx);
        const mates = checked.filter((r) => r.service === rel.service && r.table === rel.table);
        checkUnique(rebuilt, at, this.#ctx.lookup.table(rel.service, rel.table), [], mates);
        checked.push(rebuilt);
      } catch (err) {
        problems.push({ relationship: at, err: err instanceof Error ? err.message : String(err) });
      }
    });
    return problems;
  }

  #external(catalog: StoredCatalog, origin: "hand-edit" | "peer"): boolean {
    const relationships = catalog.relationships.map((r) => ({ ...r, is_virtual: true }));
    const next = { version: catalog.version, relationships };
    if (origin === "hand-edit") {
      if (catalog.version < this.#stored.version) {
        this.#logger.error(
          { store: this.#store.describe, version: catalog.version, current: this.#stored.version },
          "edited catalog refused: its version is lower than the current one (clients would take it for an older catalog)",
        );
        return false;
      }
      const problems = this.#problems(next);
      if (problems.length > 0) {
        this.#logger.error(
          { store: this.#store.describe, ...problems[0] },
          "edited catalog refused; the previous catalog stays",
        );
        return false;
      }
    } else {
      this.#warnAboutStored(next);
    }
    this.#logger.info({ store: this.#store.describe, version: catalog.version, origin }, "catalog reloaded");
    this.#applyStored(next, origin === "hand-edit");
    return true;
  }

  /** `sameVersion`: a hand edit may change the document without raising its version. */
  #applyStored(stored: StoredCatalog, sameVersion = false): void {
    if (stored.version < this.#stored.version) return;
    if (stored.version === this.#stored.version && !sameVersion) return;
    this.#stored = stored;
    for (const service of this.#readyServices()) this.#discover(service);
    this.#publish();
  }

  #readyServices(): string[] {
    const services = new Set<string>();
    const add = (s: string) => {
      if (this.#ctx.lookup.serviceState(s) === "ready") services.add(s);
    };
    for (const s of this.#discovered.keys()) add(s);
    for (const s of this.#ctx.lookup.services()) add(s);
    return [...services];
  }

  #discover(service: string): void {
    const tables = this.#ctx.lookup.tables(service);
    if (!tables) {
      this.#discovered.delete(service);
      return;
    }
    const virtual = [
      ...this.#declared.filter((r): r is Relationship => r !== null),
      ...this.#stored.relationships,
    ];
    const taken = (table: string) =>
      virtual
        .filter((r) => r.service === service && r.table === table)
        .flatMap((r) => (r.alias === null ? [r.name] : [r.name, r.alias]));
    this.#discovered.set(service, discoverRelationships(service, tables, taken));
  }

  #publish(): void {
    const all = [
      ...this.#declared.filter((r): r is Relationship => r !== null),
      ...this.#stored.relationships,
      ...[...this.#discovered.values()].flat(),
    ];
    const order = (r: Relationship) => `${r.service}\u0000${r.table}`;
    const relationships = all
      .map((r, i) => ({ r, i, key: order(r) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
      .map((x) => x.r);
    this.#snapshot = Object.freeze({
      version: this.#stored.version,
      relationships: Object.freeze(relationships),
    });
    if (!this.#started) return;
    for (const listener of this.#listeners) {
      try {
        listener(this.#snapshot);
      } catch (err) {
        this.#logger.error({ err }, "relationship change listener failed");
      }
    }
  }
}

function servicesOf(
  service: string,
  input: Pick<RelationshipInput, "ref_service" | "junction_service" | "type">,
): string[] {
  const out = [service, input.ref_service ?? service];
  if (input.type === "many_many") out.push(input.junction_service ?? service);
  return [...new Set(out)];
}

/**
 * The input an update builds: the old relationship with the patch over it. The name stays unless
 * the patch names one (clients address it by name); an inferred key comparison is inferred again
 * when the keys change.
 */
function mergePatch(old: Relationship, patch: Partial<RelationshipInput>): RelationshipInput {
  const input: RelationshipInput = { ...inputOf(old), ...patch };
  const keysChanged = keyFields.some((f) => f in patch);
  if (keysChanged && patch.key_comparison === undefined) delete input.key_comparison;
  if (input.type !== "many_many" && patch.type !== undefined && patch.type !== old.type) {
    for (const f of ["junction_service", "junction_table", "junction_field", "junction_ref_field"] as const) {
      if (!(f in patch)) input[f] = null;
    }
  }
  if (patch.name !== undefined && patch.label === undefined && old.label === generateLabel(old.name)) {
    delete input.label;
  }
  return input;
}
