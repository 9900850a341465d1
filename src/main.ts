/**
 * The composition root: config → mirror, connectors, catalog → wire and HTTP servers.
 * The only place that names concrete connectors (through the registry).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Catalog } from "./catalog/catalog.ts";
import { openMirror } from "./catalog/mirror.ts";
import { ServiceStore } from "./catalog/service-store.ts";
import { createLogger, type Logger } from "./common/logger.ts";
import type { UserStore } from "./common/session-api.ts";
import type { ServiceConfig, WeftConfig } from "./config.ts";
import { createConnector } from "./connectors/registry.ts";
import { WeftMetrics } from "./http/metrics.ts";
import { startHttpServer } from "./http/server.ts";
import { relationshipOptions } from "./relationship-wiring.ts";
import { apiServiceAdmin } from "./service-admin.ts";
import { DescribeCache } from "./session/describe-cache.ts";
import { createSessionFactory } from "./session/factory.ts";
import { catalogResolver, type SessionDeps } from "./session/session-deps.ts";
import { initParser } from "./sql/parse.ts";
import { weftVersion } from "./version.ts";
import { makeUserCredentials } from "./wire/auth/credentials.ts";
import { startWireServer } from "./wire/server.ts";

export interface RunningWeft {
  sqlPort: number;
  httpPort: number;
  catalog: Catalog;
  logger: Logger;
  close(): Promise<void>;
}

export async function startWeft(config: WeftConfig, options: { quiet?: boolean } = {}): Promise<RunningWeft> {
  const logger = createLogger(options.quiet ? "silent" : config.log.level);
  await initParser();
  mkdirSync(config.stateDir, { recursive: true });
  const mirror = await openMirror({
    dataDir: join(config.stateDir, "mirror"),
    database: config.database,
    users: config.users.map((u) => u.name),
  });
  const metrics = new WeftMetrics();
  const connectorFactory = (s: ServiceConfig) => metrics.instrumentConnector(createConnector(s));
  const serviceStore = new ServiceStore(config.stateDir);
  const configured = new Set(config.services.map((s) => s.name));
  const apiServices = serviceStore.load().filter((s) => {
    if (!configured.has(s.name)) return true;
    logger.warn(
      { service: s.name, file: serviceStore.path },
      "a service of the config file has the same name; the API one is ignored",
    );
    return false;
  });
  const connectors = [...config.services, ...apiServices].map(connectorFactory);
  const catalogLogger = logger.child({ component: "catalog" });
  const catalog = new Catalog(mirror, connectors, catalogLogger, {
    connectorFactory,
    relationships: relationshipOptions(config, catalogLogger),
  });
  const closers: (() => Promise<void>)[] = [() => mirror.close(), () => catalog.close()];
  try {
    await catalog.start();
    const deps: SessionDeps = {
      mirror,
      catalog,
      timeZone: process.env.TZ || "UTC",
      resolver: (searchPath) => catalogResolver(catalog, searchPath),
      describeCache: new DescribeCache(),
      queryMemory: config.limits?.queryMemory,
      metrics,
    };
    const credentials = new Map(config.users.map((u) => [u.name, makeUserCredentials(u.name, u.password)]));
    const users: UserStore = { method: config.auth, lookup: (name) => credentials.get(name) };
    const tls = config.tls ? await readTls(config.tls) : undefined;
    const wire = await startWireServer({
      host: config.listen.host,
      port: config.listen.port,
      users,
      sessions: metrics.instrumentSessions(
        createSessionFactory(deps, {
          database: config.database,
          strictDatabase: config.strictDatabase,
        }),
      ),
      tls,
      logger: logger.child({ component: "wire" }),
    });
    closers.unshift(() => wire.close());
    const http = await startHttpServer({
      host: config.listen.host,
      port: config.listen.httpPort,
      catalog,
      logger,
      version: weftVersion,
      keys: config.admin?.keys ?? [],
      services: apiServiceAdmin(configured, serviceStore, config.stateDir),
      metrics,
    });
    closers.unshift(() => http.close());
    logger.info(
      { sqlPort: wire.port, httpPort: http.port, services: config.services.length },
      "weft is ready",
    );
    let closing: Promise<void> | null = null;
    return {
      sqlPort: wire.port,
      httpPort: http.port,
      catalog,
      logger,
      close: () => {
        closing ??= closeAll(closers);
        return closing;
      },
    };
  } catch (err) {
    await closeAll(closers);
    throw err;
  }
}

async function closeAll(closers: (() => Promise<void>)[]): Promise<void> {
  for (const close of closers) {
    try {
      await close();
    } catch {
      // keep closing the rest
    }
  }
}

async function readTls(tls: { cert: string; key: string }): Promise<{ cert: Buffer; key: Buffer }> {
  const { readFile } = await import("node:fs/promises");
  return { cert: await readFile(tls.cert), key: await readFile(tls.key) };
}
