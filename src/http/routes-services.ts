/**
 * `/api/v2/_service[/{name}]`: list, read, create, change, delete and test services. Services of
 * the config file are read-only here; the ones created here persist in `<stateDir>/services.json`.
 * A URL's password is never returned.
 */
import type { FastifyInstance } from "fastify";
import type { ServiceState } from "../catalog/catalog.ts";
import { redactUrl } from "../common/logger.ts";
import type { ServiceConfig } from "../connectors/spi.ts";
import type { AdminCatalog, ServiceAdmin } from "./admin-catalog.ts";
import { ApiError } from "./errors.ts";

const tags = ["services"];
const nameParams = {
  type: "object",
  properties: { name: { type: "string" } },
  required: ["name"],
} as const;

const serviceProperties = {
  name: { type: "string", minLength: 1 },
  kind: { type: "string", enum: ["postgres", "mysql", "sqlite"] },
  url: { type: "string", minLength: 1, description: "postgres:// or mysql:// URL (not for sqlite)" },
  path: { type: "string", minLength: 1, description: "sqlite file; relative to the state dir" },
  pool: { type: "integer", minimum: 1, maximum: 1000 },
  schema: { type: "string", minLength: 1, description: "postgres only: the native schema" },
  readOnly: { type: "boolean" },
} as const;

const createBody = {
  type: "object",
  properties: serviceProperties,
  required: ["name", "kind"],
  additionalProperties: false,
} as const;

const patchBody = { type: "object", properties: serviceProperties, additionalProperties: false } as const;

export function registerServiceRoutes(
  app: FastifyInstance,
  catalog: AdminCatalog,
  admin: ServiceAdmin,
): void {
  const source = (name: string) => (admin.configured.has(name) ? "config" : "api");

  const json = (s: ServiceState) => ({
    name: s.config.name,
    kind: s.config.kind,
    url: s.config.url === undefined ? null : redactUrl(s.config.url),
    path: s.config.path ?? null,
    schema: s.config.schema ?? null,
    pool: s.config.pool ?? null,
    readOnly: s.config.readOnly ?? false,
    source: source(s.config.name),
    status: s.status,
    error: s.error?.message ?? null,
    tables: s.schema?.tables.length ?? 0,
    last_refresh: s.lastRefresh?.toISOString() ?? null,
  });

  const existing = (name: string): ServiceState => {
    const state = catalog.service(name);
    if (!state) throw new ApiError(404, `service "${name}" does not exist`);
    return state;
  };

  const writable = (name: string): ServiceState => {
    const state = existing(name);
    if (admin.configured.has(name)) {
      throw new ApiError(403, `service "${name}" is declared in the config file; change it there`);
    }
    return state;
  };

  const persist = () =>
    admin.save(
      catalog
        .services()
        .filter((s) => !admin.configured.has(s.config.name))
        .map((s) => s.config),
    );

  app.get("/api/v2/_service", { schema: { tags, summary: "every service" } }, async () => ({
    resource: catalog.services().map(json),
  }));

  app.get<{ Params: { name: string } }>(
    "/api/v2/_service/:name",
    { schema: { tags, summary: "one service", params: nameParams } },
    async (req) => json(existing(req.params.name)),
  );

  app.post<{ Body: Record<string, unknown> }>(
    "/api/v2/_service",
    {
      schema: {
        tags,
        summary: "add a service: connect, introspect, publish in the mirror",
        body: createBody,
      },
    },
    async (req, reply) => {
      const config = admin.validate(req.body);
      if (catalog.service(config.name)) {
        throw new ApiError(409, `service "${config.name}" already exists`, "name");
      }
      const state = await catalog.addService(config);
      persist();
      reply.code(201);
      return json(state);
    },
  );

  app.patch<{ Params: { name: string }; Body: Record<string, unknown> }>(
    "/api/v2/_service/:name",
    { schema: { tags, summary: "change a service's connection", params: nameParams, body: patchBody } },
    async (req) => {
      const { name } = req.params;
      const current = writable(name);
      if (req.body.name !== undefined && req.body.name !== name) {
        throw new ApiError(400, "name cannot change (delete the service and create another)", "name");
      }
      const merged: ServiceConfig = { ...current.config, ...(req.body as Partial<ServiceConfig>) };
      // a kind change leaves fields of the old kind behind; the body must then say them all
      const config = admin.validate(
        req.body.kind && req.body.kind !== current.config.kind ? req.body : merged,
      );
      const state = await catalog.updateService(config);
      persist();
      return json(state);
    },
  );

  app.delete<{ Params: { name: string } }>(
    "/api/v2/_service/:name",
    { schema: { tags, summary: "remove a service (and its schema from the mirror)", params: nameParams } },
    async (req) => {
      const state = writable(req.params.name);
      const before = json(state);
      await catalog.removeService(req.params.name);
      persist();
      return before;
    },
  );

  app.post<{ Params: { name: string } }>(
    "/api/v2/_service/:name/_test",
    { schema: { tags, summary: "run a trivial query on the service", params: nameParams } },
    async (req) => {
      const { connector } = existing(req.params.name);
      const started = performance.now();
      try {
        const result = await connector.run({ text: "SELECT 1", params: [], returnsRows: true });
        try {
          for await (const _ of result.batches) {
            // drain: the query has answered once its rows are read
          }
        } finally {
          await result.close();
        }
        return { name: req.params.name, ok: true, ms: Math.round(performance.now() - started), error: null };
      } catch (err) {
        return {
          name: req.params.name,
          ok: false,
          ms: Math.round(performance.now() - started),
          error: err instanceof Error ? err.message : String(err),
        };
      }
    },
  );
}
