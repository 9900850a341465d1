/**
 * Prometheus metrics (GET /metrics): statements by route kind, errors by SQLSTATE (counted where
 * sessions meet the wire), and per service the latency, rows and connections in use of every
 * native query (counted by wrapping each connector).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { toPgError } from "../common/pg-error.ts";
import type { QueryMetrics } from "../common/query-metrics.ts";
import type {
  ExecuteResult,
  Portal,
  PreparedStatement,
  Session,
  SessionFactory,
} from "../common/session-api.ts";
import type { Connector, NativeResult, QueryRunner, SourceTransaction } from "../connectors/spi.ts";

export class WeftMetrics implements QueryMetrics {
  readonly registry = new Registry();
  readonly #statements = new Counter({
    name: "weft_queries_total",
    help: "SQL statements started, by how they were routed (service, federated, mirror, set, transaction …)",
    labelNames: ["kind"],
    registers: [this.registry],
  });
  readonly #errors = new Counter({
    name: "weft_query_errors_total",
    help: "SQL statements that failed, by SQLSTATE",
    labelNames: ["sqlstate"],
    registers: [this.registry],
  });
  readonly #latency = new Histogram({
    name: "weft_service_query_duration_seconds",
    help: "time of each native query on a service, from sending it to its last row",
    labelNames: ["service"],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly #rows = new Counter({
    name: "weft_service_rows_total",
    help: "rows read from a service",
    labelNames: ["service"],
    registers: [this.registry],
  });
  readonly #inUse = new Gauge({
    name: "weft_service_pool_in_use",
    help: "native queries running on a service now (connections of its pool in use)",
    labelNames: ["service"],
    registers: [this.registry],
  });
  readonly #poolSize = new Gauge({
    name: "weft_service_pool_size",
    help: "the configured pool size of a service (connections)",
    labelNames: ["service"],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "weft_" });
  }

  statement(kind: string): void {
    this.#statements.inc({ kind });
  }

  error(sqlstate: string): void {
    this.#errors.inc({ sqlstate });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The same connector, with every native query timed and its rows counted. */
  instrumentConnector(connector: Connector): Connector {
    const service = connector.config.name;
    if (connector.config.pool !== undefined) this.#poolSize.set({ service }, connector.config.pool);
    this.#inUse.set({ service }, 0);
    const instrumentRunner = <T extends QueryRunner>(runner: T): T => {
      const run: QueryRunner["run"] = async (query, options) => {
        const started = performance.now();
        this.#inUse.inc({ service });
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          this.#inUse.dec({ service });
          this.#latency.observe({ service }, (performance.now() - started) / 1000);
        };
        let result: NativeResult;
        try {
          result = await runner.run(query, options);
        } catch (err) {
          finish();
          throw err;
        }
        return this.#countRows(service, result, finish);
      };
      return withOverrides(runner, { run } as Partial<T>);
    };
    const begin: Connector["begin"] = async () =>
      instrumentRunner<SourceTransaction>(await connector.begin());
    return withOverrides(instrumentRunner(connector), { begin });
  }

  #countRows(service: string, result: NativeResult, finish: () => void): NativeResult {
    const rows = this.#rows;
    const source = result.batches;
    const batches: AsyncIterable<NativeResult["batches"] extends AsyncIterable<infer B> ? B : never> = {
      async *[Symbol.asyncIterator]() {
        try {
          for await (const batch of source) {
            rows.inc({ service }, batch.length);
            yield batch;
          }
        } finally {
          finish();
        }
      },
    };
    return withOverrides(result, {
      batches,
      close: async () => {
        finish();
        await result.close();
      },
    });
  }

  /** Counts the errors every session sends to its client, whatever part of the session raised them. */
  instrumentSessions(factory: SessionFactory): SessionFactory {
    const count = <T>(work: () => Promise<T>): Promise<T> =>
      work().catch((err: unknown) => {
        this.error(toPgError(err).code);
        throw err;
      });
    const portal = (p: Portal): Portal =>
      withOverrides(p, {
        execute: (maxRows: number, out: Parameters<Portal["execute"]>[1]): Promise<ExecuteResult> =>
          count(() => p.execute(maxRows, out)),
      });
    const prepared = (s: PreparedStatement): PreparedStatement =>
      withOverrides(s, {
        bind: (...args: Parameters<PreparedStatement["bind"]>) => count(() => s.bind(...args)).then(portal),
      });
    return {
      open: async (startup, events) => {
        const session = await factory.open(startup, events);
        return withOverrides<Session>(session, {
          simpleQuery: (sql, out) => count(() => session.simpleQuery(sql, out)),
          prepare: (sql, types) => count(() => session.prepare(sql, types)).then(prepared),
        });
      },
    };
  }
}

/**
 * An object that answers like `target` except for the given members. Members are read from the
 * target and functions bound to it, so classes with private (#) fields keep working.
 */
function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(obj, prop) {
      if (Object.hasOwn(overrides, prop)) return (overrides as Record<PropertyKey, unknown>)[prop];
      const value = Reflect.get(obj, prop, obj);
      return typeof value === "function" ? value.bind(obj) : value;
    },
  });
}
