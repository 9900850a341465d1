import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "../common/logger.ts";
import type { AdminCatalog, ServiceAdmin } from "./admin-catalog.ts";
import { type ApiKey, ApiKeys } from "./auth.ts";
import { ApiError, installErrorHandling } from "./errors.ts";
import type { WeftMetrics } from "./metrics.ts";
import { registerOpenApi, registerOpenApiRoute } from "./openapi.ts";
import { registerRelatedRoutes } from "./routes-related.ts";
import { registerSchemaRoutes } from "./routes-schema.ts";
import { registerServiceRoutes } from "./routes-services.ts";

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

export interface HttpOptions {
  catalog: AdminCatalog;
  logger: Logger;
  version: string;
  /** admin.keys of the config; none: every /api/v2 call is refused */
  keys: readonly ApiKey[];
  services: ServiceAdmin;
  metrics?: WeftMetrics;
}

/**
 * The HTTP side: /healthz, /readyz and /metrics (open), and the admin API under /api/v2 (an API
 * key on every call). Built without listening so tests can inject requests.
 */
export async function buildHttpApp(options: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // typed as Fastify's base logger so the instance is the plain FastifyInstance routes take
    loggerInstance: options.logger.child({ component: "http" }) as FastifyBaseLogger,
    ajv: {
      customOptions: {
        // unknown fields are an error the caller should see, not something to drop silently
        removeAdditional: false,
        // a body says what it means: "5" is not a number, a string is not a list
        coerceTypes: false,
      },
    },
  });
  const { catalog } = options;
  const keys = new ApiKeys(options.keys);
  if (!keys.configured) {
    options.logger.warn(
      "the HTTP admin API (/api/v2) has no keys and refuses every call: add admin.keys " +
        "(e.g. admin: { keys: [ { name: ops, key: <a secret of 16+ characters>, role: admin } ] }) to the config file",
    );
  }
  installErrorHandling(app);
  await registerOpenApi(app, options.version);

  app.addHook("onRequest", async (req) => {
    if (req.url === "/api/v2" || req.url.startsWith("/api/v2/") || req.url.startsWith("/api/v2?")) {
      keys.authorize(req);
    }
  });

  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok", version: options.version }));

  app.get("/readyz", { schema: { hide: true } }, async (_req, reply) => {
    const services = catalog.services().map((s) => ({
      name: s.config.name,
      kind: s.config.kind,
      status: s.status,
      error: s.error?.message ?? null,
    }));
    const ready = services.every((s) => s.status === "up");
    return reply.code(ready ? 200 : 503).send({ ready, services });
  });

  const metrics = options.metrics;
  if (metrics) {
    app.get("/metrics", { schema: { hide: true } }, async (_req, reply) =>
      reply.header("content-type", metrics.contentType).send(await metrics.text()),
    );
  }

  app.post<{ Querystring: { service?: string } }>(
    "/api/v2/_refresh",
    {
      schema: {
        tags: ["services"],
        summary: "re-introspect every service, or one",
        querystring: {
          type: "object",
          properties: { service: { type: "string", minLength: 1 } },
          additionalProperties: false,
        },
      },
    },
    async (req) => {
      const { service } = req.query;
      if (service !== undefined && !catalog.service(service)) {
        throw new ApiError(404, `service "${service}" does not exist`, "service");
      }
      return { resource: await catalog.refresh(service) };
    },
  );

  registerServiceRoutes(app, catalog, options.services);
  registerSchemaRoutes(app, catalog);
  registerRelatedRoutes(app, catalog);
  registerOpenApiRoute(app);
  return app;
}

export async function startHttpServer(
  options: HttpOptions & { host: string; port: number },
): Promise<HttpServer> {
  const app = await buildHttpApp(options);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return { port, close: () => app.close() };
}
