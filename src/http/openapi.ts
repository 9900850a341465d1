/**
 * The OpenAPI document, generated from the route schemas (@fastify/swagger). Registered before
 * the routes so it sees them all; served at GET /api/v2/_openapi (a key is needed, like every /api/v2 call).
 */
import swagger from "@fastify/swagger";
import type { FastifyInstance } from "fastify";

export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "Weft admin API",
        version,
        description:
          "Services, schemas and virtual relationships of a Weft instance. Errors: " +
          '{ "error": { "code": <status>, "message": "…", "context": { "field": "<path>" } } }.',
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer" },
          apiKey: { type: "apiKey", in: "header", name: "X-Api-Key" },
        },
      },
      security: [{ bearer: [] }, { apiKey: [] }],
      tags: [
        { name: "services", description: "services (each a schema of the virtual database)" },
        { name: "schema", description: "tables and fields of a service" },
        { name: "relationships", description: "virtual relationships and discovered foreign keys" },
      ],
    },
  });
}

export function registerOpenApiRoute(app: FastifyInstance): void {
  app.get("/api/v2/_openapi", { schema: { hide: true } }, async () => app.swagger());
}
