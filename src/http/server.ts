import Fastify from "fastify";
import type { Catalog } from "../catalog/catalog.ts";
import type { Logger } from "../common/logger.ts";

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The HTTP side: health, readiness and catalog refresh. The admin API for
 * services and relationships grows here.
 */
export async function startHttpServer(options: {
  host: string;
  port: number;
  catalog: Catalog;
  logger: Logger;
  version: string;
}): Promise<HttpServer> {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: "http" }),
    // unknown fields are an error the caller should see, not something to drop silently
    ajv: { customOptions: { removeAdditional: false } },
  });
  const { catalog } = options;

  app.get("/healthz", async () => ({ status: "ok", version: options.version }));

  app.get("/readyz", async (_req, reply) => {
    const services = catalog.services().map((s) => ({
      name: s.config.name,
      kind: s.config.kind,
      status: s.status,
      error: s.error?.message ?? null,
    }));
    const ready = services.every((s) => s.status === "up");
    return reply.code(ready ? 200 : 503).send({ ready, services });
  });

  app.get("/api/v2/_service", async () => ({
    resource: catalog.services().map((s) => ({
      name: s.config.name,
      kind: s.config.kind,
      status: s.status,
      error: s.error?.message ?? null,
      tables: s.schema?.tables.length ?? 0,
      last_refresh: s.lastRefresh?.toISOString() ?? null,
    })),
  }));

  app.post<{ Querystring: { service?: string } }>(
    "/api/v2/_refresh",
    {
      schema: {
        querystring: {
          type: "object",
          properties: { service: { type: "string", minLength: 1 } },
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const { service } = req.query;
      if (service !== undefined && !catalog.service(service)) {
        return reply
          .code(404)
          .send({ error: { code: 404, message: `service "${service}" does not exist`, field: "service" } });
      }
      const report = await catalog.refresh(service);
      return { resource: report };
    },
  );

  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return { port, close: () => app.close() };
}
