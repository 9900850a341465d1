/**
 * `/api/v2/{service}/_schema[/{table}]`: a service's tables and one table's fields (DreamFactory's
 * shape) with its relationships under `related`; POST `?refresh=true` re-introspects the service.
 */
import type { FastifyInstance } from "fastify";
import type { ServiceState } from "../catalog/catalog.ts";
import type { SourceTable } from "../connectors/spi.ts";
import { type AdminCatalog, labelOf } from "./admin-catalog.ts";
import { ApiError } from "./errors.ts";
import { relationshipJson } from "./relationship-json.ts";

const tags = ["schema"];
const serviceParams = {
  type: "object",
  properties: { service: { type: "string" } },
  required: ["service"],
} as const;
export const tableParams = {
  type: "object",
  properties: { service: { type: "string" }, table: { type: "string" } },
  required: ["service", "table"],
} as const;

/** The service, up and introspected: 404 when unknown, 503 when it cannot be read now. */
export function requireSchema(catalog: AdminCatalog, service: string): ServiceState & { schema: object } {
  const state = catalog.service(service);
  if (!state) throw new ApiError(404, `service "${service}" does not exist`);
  if (!state.schema) {
    throw new ApiError(
      503,
      `service "${service}" is ${state.status}${state.error ? `: ${state.error.message}` : ""}`,
    );
  }
  return state as ServiceState & { schema: object };
}

export function requireTable(catalog: AdminCatalog, service: string, table: string): SourceTable {
  requireSchema(catalog, service);
  const found = catalog.table(service, table);
  if (!found) throw new ApiError(404, `table "${table}" does not exist in service "${service}"`);
  return found;
}

export function registerSchemaRoutes(app: FastifyInstance, catalog: AdminCatalog): void {
  app.get<{ Params: { service: string } }>(
    "/api/v2/:service/_schema",
    { schema: { tags, summary: "the tables and views of a service", params: serviceParams } },
    async (req) => {
      const state = requireSchema(catalog, req.params.service);
      return {
        resource: state.schema!.tables.map((t) => ({
          name: t.name,
          label: labelOf(t.name),
          kind: t.kind,
          description: t.comment,
          row_estimate: t.rowEstimate < 0 ? null : t.rowEstimate,
        })),
      };
    },
  );

  const tableJson = (service: string, table: SourceTable) => ({
    name: table.name,
    label: labelOf(table.name),
    kind: table.kind,
    description: table.comment,
    row_estimate: table.rowEstimate < 0 ? null : table.rowEstimate,
    primary_key: table.primaryKey?.columns ?? [],
    field: fieldsJson(service, table),
    related: (catalog.relationships?.forTable(service, table.name) ?? []).map(relationshipJson),
  });

  app.get<{ Params: { service: string; table: string } }>(
    "/api/v2/:service/_schema/:table",
    { schema: { tags, summary: "a table's fields and relationships", params: tableParams } },
    async (req) => tableJson(req.params.service, requireTable(catalog, req.params.service, req.params.table)),
  );

  app.post<{ Params: { service: string; table: string }; Querystring: { refresh?: string } }>(
    "/api/v2/:service/_schema/:table",
    {
      schema: {
        tags,
        summary: "re-introspect the service, then return the table",
        params: tableParams,
        querystring: {
          type: "object",
          properties: { refresh: { type: "string", enum: ["true"] } },
          required: ["refresh"],
          additionalProperties: false,
        },
      },
    },
    async (req) => {
      const { service, table } = req.params;
      if (!catalog.service(service)) throw new ApiError(404, `service "${service}" does not exist`);
      const [report] = await catalog.refresh(service);
      if (report?.status !== "up") {
        throw new ApiError(
          502,
          `refreshing service "${service}" failed: ${report?.error ?? "unknown error"}`,
        );
      }
      return tableJson(service, requireTable(catalog, service, table));
    },
  );
}

function fieldsJson(service: string, table: SourceTable) {
  const pk = table.primaryKey?.columns ?? [];
  const singleUnique = new Set(
    [...table.uniqueKeys, ...(pk.length > 0 ? [{ columns: pk }] : [])]
      .filter((k) => k.columns.length === 1)
      .map((k) => k.columns[0]!),
  );
  return [...table.columns]
    .sort((a, b) => a.ordinal - b.ordinal)
    .map((c) => {
      const fk = table.foreignKeys.find((k) => k.columns.includes(c.name));
      return {
        name: c.name,
        label: labelOf(c.name),
        description: c.comment,
        type: c.type.sql,
        db_type: c.nativeType,
        allow_null: c.nullable,
        is_primary_key: pk.includes(c.name),
        is_unique: singleUnique.has(c.name),
        default: c.defaultExpr,
        is_foreign_key: fk !== undefined,
        ref_service: fk ? service : null,
        ref_table: fk?.refTable ?? null,
        ref_field: fk ? (fk.refColumns[fk.columns.indexOf(c.name)] ?? null) : null,
      };
    });
}
