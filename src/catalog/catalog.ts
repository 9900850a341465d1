/**
 * The catalog: every configured service, its connector, whether it is up, and
 * its introspected schema. Each successful introspection is applied to the
 * mirror. A service that is down is retried in the background with backoff.
 */

import { PgError, SqlState } from "../common/pg-error.ts";
import type {
  Connector,
  ConnectorFactory,
  IntrospectProgress,
  ServiceConfig,
  SourceSchema,
  SourceTable,
} from "../connectors/spi.ts";
import type { Mirror } from "./mirror.ts";
import { ObservedRows } from "./observed-rows.ts";
import type { TableLookup } from "./relationships/build.ts";
import type { ComparableTypes } from "./relationships/key-comparison.ts";
import { MemoryRelationshipStore } from "./relationships/memory-store.ts";
import { CatalogRelationships, type DeclaredRelationship } from "./relationships/relationship-catalog.ts";
import type { RelationshipStore } from "./relationships/store.ts";
import { CatalogError } from "./relationships/types.ts";

export type ServiceStatus = "connecting" | "up" | "down";

export interface ServiceState {
  readonly config: ServiceConfig;
  readonly connector: Connector;
  status: ServiceStatus;
  error: PgError | null;
  schema: SourceSchema | null;
  lastRefresh: Date | null;
}

export interface CatalogLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RefreshReport {
  service: string;
  status: ServiceStatus;
  tables: number;
  error?: string;
}

export interface CatalogRelationshipOptions {
  /** where virtual relationships are kept (default: in memory) */
  store?: RelationshipStore;
  /** relationships the config file declares (read-only) */
  declared?: readonly DeclaredRelationship[];
  /** whether PostgreSQL's `=` resolves between two types (the executor's operator catalog) */
  comparable?: ComparableTypes;
}

const DEFAULT_RETRY_MS = 2000;
const MAX_RETRY_MS = 60_000;

/** Book-keeping the catalog keeps next to a ServiceState. */
interface Tracking {
  connected: boolean;
  /** the attempt running now, so refresh and retry never overlap for one service */
  running: Promise<void> | null;
  retryTimer: NodeJS.Timeout | null;
  nextDelay: number;
  /** tables by name, for table() */
  tables: Map<string, SourceTable>;
}

export class Catalog {
  readonly #mirror: Mirror;
  readonly #logger: CatalogLogger;
  readonly #retryMs: number;
  readonly #states = new Map<string, ServiceState>();
  readonly #tracking = new Map<string, Tracking>();
  #closed = false;
  /** row counts of remote fragments that ran to the end: the planner's refined estimates */
  readonly observedRows = new ObservedRows();
  /** virtual relationships and discovered foreign keys */
  readonly relationships: CatalogRelationships;

  /** makes the connector of a service added at run time (the composition root names connectors) */
  readonly #connectorFactory: ConnectorFactory | null;

  constructor(
    mirror: Mirror,
    connectors: Connector[],
    logger: CatalogLogger,
    options: {
      retryMs?: number;
      connectorFactory?: ConnectorFactory;
      relationships?: CatalogRelationshipOptions;
    } = {},
  ) {
    this.#mirror = mirror;
    this.#logger = logger;
    this.#retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
    this.#connectorFactory = options.connectorFactory ?? null;
    for (const connector of connectors) this.#track(connector);
    const lookup: TableLookup = {
      serviceState: (service) => {
        const state = this.#states.get(service);
        if (!state) return "unknown";
        return state.schema ? "ready" : "unavailable";
      },
      table: (service, table) => this.table(service, table),
      services: () => [...this.#states.keys()],
      tables: (service) => this.#states.get(service)?.schema?.tables,
    };
    this.relationships = new CatalogRelationships({
      store: options.relationships?.store ?? new MemoryRelationshipStore(),
      declared: options.relationships?.declared ?? [],
      lookup,
      comparable: options.relationships?.comparable ?? ((left, right) => left.oid === right.oid),
      logger,
    });
    // The mirror queues the change before any later statement, so the next catalog query sees it.
    this.relationships.onChange((snapshot) => {
      this.#mirror.applyRelationships(snapshot.relationships).catch((err: unknown) => {
        this.#logger.error({ err }, "publishing relationships in the mirror failed");
      });
    });
  }

  #track(connector: Connector): void {
    const name = connector.config.name;
    if (this.#states.has(name)) throw new Error(`duplicate service name "${name}"`);
    this.#states.set(name, {
      config: connector.config,
      connector,
      status: "connecting",
      error: null,
      schema: null,
      lastRefresh: null,
    });
    this.#tracking.set(name, {
      connected: false,
      running: null,
      retryTimer: null,
      nextDelay: this.#retryMs,
      tables: new Map(),
    });
  }

  /**
   * Adds a service at run time: connects and introspects it into the mirror. A service that
   * cannot be reached is kept (status down) and retried like a configured one.
   */
  async addService(config: ServiceConfig): Promise<ServiceState> {
    if (!this.#connectorFactory) throw new Error("this catalog cannot create connectors");
    if (this.#states.has(config.name)) {
      throw new PgError("42P06", `service "${config.name}" already exists`);
    }
    this.#track(this.#connectorFactory(config));
    await this.#attempt(config.name);
    return this.#states.get(config.name)!;
  }

  /**
   * Removes a service. Stored virtual relationships naming it (of its tables, to them, or through
   * a junction in it) would be left pointing at nothing, so the removal is refused (409 over HTTP)
   * until they are deleted; config-declared ones wait for the service to come back.
   */
  async removeService(name: string): Promise<void> {
    if (!this.#states.has(name)) throw unknownService(name);
    const using = this.relationships.storedUsing(name);
    if (using.length > 0) {
      const names = using.map((r) => `"${r.name}" of ${r.service}.${r.table}`);
      throw new CatalogError(
        "conflict",
        `service "${name}" is used by ${using.length === 1 ? "relationship" : "relationships"} ${names.join(", ")}; delete ${using.length === 1 ? "it" : "them"} first`,
      );
    }
    await this.#detach(name);
  }

  /** Closes a service's connector and drops its schema from the mirror. */
  async #detach(name: string): Promise<void> {
    const state = this.#states.get(name);
    const tracking = this.#tracking.get(name);
    if (!state || !tracking) throw unknownService(name);
    if (tracking.retryTimer) clearTimeout(tracking.retryTimer);
    tracking.retryTimer = null;
    this.#states.delete(name);
    this.#tracking.delete(name);
    await tracking.running?.catch(() => {});
    this.observedRows.forget(name);
    await this.#mirror.dropServiceSchema(name);
    this.relationships.serviceChanged(name);
    await state.connector.close().catch((err: unknown) => {
      this.#logger.warn({ service: name, err }, "closing connector failed");
    });
  }

  /** Replaces a service's connection settings: the old connector is closed, the new one introspected. */
  async updateService(config: ServiceConfig): Promise<ServiceState> {
    // its relationships stay: the same service comes back with new connection settings
    await this.#detach(config.name);
    return this.addService(config);
  }

  /** Connects and introspects every service in parallel; one that fails is retried in the background. */
  async start(): Promise<void> {
    await Promise.all([...this.#states.keys()].map((name) => this.#attempt(name)));
    await this.relationships.start();
  }

  async refresh(service?: string, onProgress?: IntrospectProgress): Promise<RefreshReport[]> {
    const names = service === undefined ? [...this.#states.keys()] : [service];
    for (const name of names) if (!this.#states.has(name)) throw unknownService(name);
    return Promise.all(
      names.map(async (name) => {
        await this.#attempt(name, onProgress);
        this.observedRows.forget(name);
        const state = this.#states.get(name)!;
        const report: RefreshReport = {
          service: name,
          status: state.status,
          tables: state.schema?.tables.length ?? 0,
        };
        if (state.error) report.error = state.error.message;
        return report;
      }),
    );
  }

  service(name: string): ServiceState | undefined {
    return this.#states.get(name);
  }

  services(): ServiceState[] {
    return [...this.#states.values()];
  }

  table(service: string, table: string): SourceTable | undefined {
    return this.#tracking.get(service)?.tables.get(table);
  }

  /** Throws PgError 08006 naming the service when it is not up. */
  requireUp(service: string): ServiceState {
    const state = this.#states.get(service);
    if (!state) throw unknownService(service);
    if (state.status !== "up") {
      const reason = state.error?.message ?? (state.status === "connecting" ? "still connecting" : "down");
      throw new PgError(SqlState.connectionFailure, `service "${service}" is unavailable: ${reason}`, {
        kind: "external",
        cause: state.error ?? undefined,
      });
    }
    return state;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#tracking.values()) {
      if (t.retryTimer) clearTimeout(t.retryTimer);
      t.retryTimer = null;
    }
    await Promise.allSettled([...this.#tracking.values()].map((t) => t.running));
    await this.relationships.close().catch((err: unknown) => {
      this.#logger.warn({ err }, "closing the relationship store failed");
    });
    const results = await Promise.allSettled([...this.#states.values()].map((s) => s.connector.close()));
    results.forEach((r, i) => {
      if (r.status === "rejected") {
        this.#logger.warn(
          { service: [...this.#states.keys()][i], err: r.reason },
          "closing connector failed",
        );
      }
    });
  }

  /** One connect-if-needed + introspect + apply; joins an attempt already running for the service. */
  #attempt(name: string, onProgress?: IntrospectProgress): Promise<void> {
    const tracking = this.#tracking.get(name);
    if (!tracking) return Promise.resolve(); // removed meanwhile
    if (tracking.running) return tracking.running;
    const run = this.#bringUp(name, onProgress).finally(() => {
      tracking.running = null;
    });
    tracking.running = run;
    return run;
  }

  async #bringUp(name: string, onProgress?: IntrospectProgress): Promise<void> {
    const state = this.#states.get(name)!;
    const tracking = this.#tracking.get(name)!;
    if (this.#closed) return;
    const started = Date.now();
    try {
      if (!tracking.connected) {
        await state.connector.connect();
        tracking.connected = true;
      }
      const schema = await state.connector.introspect(onProgress);
      if (this.#closed || this.#states.get(name) !== state) return; // closed or removed meanwhile
      await this.#mirror.applyServiceSchema(name, schema);
      state.schema = schema;
      tracking.tables = new Map(schema.tables.map((t) => [t.name, t]));
      state.status = "up";
      state.error = null;
      state.lastRefresh = new Date();
      tracking.nextDelay = this.#retryMs;
      this.relationships.serviceChanged(name);
      if (tracking.retryTimer) {
        clearTimeout(tracking.retryTimer);
        tracking.retryTimer = null;
      }
      this.#logger.info(
        { service: name, tables: schema.tables.length, ms: Date.now() - started },
        "service up",
      );
    } catch (err) {
      state.status = "down";
      state.error = asServiceError(name, err);
      this.#logger.error(
        { service: name, code: state.error.code, err: state.error.message, retryInMs: tracking.nextDelay },
        "service unavailable",
      );
      this.#scheduleRetry(name);
    }
  }

  #scheduleRetry(name: string): void {
    const tracking = this.#tracking.get(name);
    if (this.#closed || !tracking || tracking.retryTimer) return;
    const delay = tracking.nextDelay;
    tracking.nextDelay = Math.min(delay * 2, MAX_RETRY_MS);
    tracking.retryTimer = setTimeout(() => {
      tracking.retryTimer = null;
      if (this.#closed) return;
      this.#logger.info({ service: name }, "retrying service");
      void this.#attempt(name);
    }, delay);
    tracking.retryTimer.unref();
  }
}

function unknownService(name: string): PgError {
  return new PgError("3F000", `service "${name}" does not exist`);
}

/** A connector failure as a PgError that names the service; PgErrors from the connector keep their code. */
function asServiceError(service: string, err: unknown): PgError {
  if (err instanceof PgError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new PgError(SqlState.connectionFailure, `service "${service}": ${message}`, {
    kind: "external",
    cause: err,
  });
}
