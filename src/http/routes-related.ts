/**
 * `/api/v2/{service}/_schema/{table}/_related[/{name}]`: a table's relationships in DreamFactory's
 * shapes. Reads carry the catalog version as ETag; writes take If-Match (a stale one is 409).
 */
import type { FastifyInstance } from "fastify";
import type { RelationshipCatalog, RelationshipInput } from "../catalog/relationships/types.ts";
import type { AdminCatalog } from "./admin-catalog.ts";
import { ApiError, sentSingle, wrapSingleBody } from "./errors.ts";
import { ifMatchVersion, setEtag } from "./etag.ts";
import {
  relationshipInputSchema,
  relationshipJson,
  relationshipNamedPatchSchema,
  relationshipPatchSchema,
  resourceOf,
} from "./relationship-json.ts";
import { requireTable, tableParams } from "./routes-schema.ts";

type TableReq = { Params: { service: string; table: string } };
type NamedReq = { Params: { service: string; table: string; name: string } };
type Body = { resource: (Partial<RelationshipInput> & Record<string, unknown>)[] };

const tags = ["relationships"];
const namedParams = {
  type: "object",
  properties: { ...tableParams.properties, name: { type: "string" } },
  required: ["service", "table", "name"],
} as const;

export function registerRelatedRoutes(app: FastifyInstance, catalog: AdminCatalog): void {
  const relationships = (): RelationshipCatalog => {
    if (!catalog.relationships) throw new ApiError(503, "the relationship catalog is not available");
    return catalog.relationships;
  };

  app.get<TableReq>(
    "/api/v2/:service/_schema/:table/_related",
    { schema: { tags, summary: "a table's relationships (virtual and discovered)", params: tableParams } },
    async (req, reply) => {
      const { service, table } = req.params;
      requireTable(catalog, service, table);
      const rels = relationships();
      setEtag(reply, rels.snapshot().version);
      return { resource: rels.forTable(service, table).map(relationshipJson) };
    },
  );

  app.get<NamedReq>(
    "/api/v2/:service/_schema/:table/_related/:name",
    { schema: { tags, summary: "one relationship", params: namedParams } },
    async (req, reply) => {
      const { service, table, name } = req.params;
      requireTable(catalog, service, table);
      const rels = relationships();
      setEtag(reply, rels.snapshot().version);
      return relationshipJson(findNamed(rels, service, table, name));
    },
  );

  app.post<TableReq & { Body: Body }>(
    "/api/v2/:service/_schema/:table/_related",
    {
      preValidation: wrapSingleBody,
      schema: {
        tags,
        summary: "create relationships (all or none)",
        params: tableParams,
        body: resourceOf(relationshipInputSchema),
      },
    },
    async (req, reply) => {
      const { service, table } = req.params;
      const rels = relationships();
      const isSingle = sentSingle(req);
      const inputs = req.body.resource.map((r, i) =>
        toInput(r, service, table, isSingle ? "" : `resource[${i}].`),
      );
      const created = await rels.create(service, table, inputs as RelationshipInput[], ifMatchVersion(req));
      setEtag(reply, rels.snapshot().version);
      reply.code(201);
      return isSingle ? relationshipJson(created[0]!) : { resource: created.map(relationshipJson) };
    },
  );

  app.patch<NamedReq & { Body: Partial<RelationshipInput> & Record<string, unknown> }>(
    "/api/v2/:service/_schema/:table/_related/:name",
    {
      schema: {
        tags,
        summary: "change one relationship",
        params: namedParams,
        body: relationshipPatchSchema,
      },
    },
    async (req, reply) => {
      const { service, table, name } = req.params;
      const rels = relationships();
      const patch = toInput(req.body, service, table, "");
      const updated = await rels.update(service, table, name, patch, ifMatchVersion(req));
      setEtag(reply, rels.snapshot().version);
      return relationshipJson(updated);
    },
  );

  app.patch<TableReq & { Body: Body }>(
    "/api/v2/:service/_schema/:table/_related",
    {
      schema: {
        tags,
        summary: "change several relationships, each named by `name`, in order",
        params: tableParams,
        body: resourceOf(relationshipNamedPatchSchema),
      },
    },
    async (req, reply) => {
      const { service, table } = req.params;
      const rels = relationships();
      const patches = req.body.resource.map((r, i) => ({
        name: r.name as string,
        patch: toInput(r, service, table, `resource[${i}].`),
      }));
      for (const [i, p] of patches.entries()) {
        // fail before any write when one of them does not exist
        if (!rels.forTable(service, table).some((r) => r.name === p.name)) {
          throw new ApiError(
            404,
            `no relationship "${p.name}" on ${service}.${table}`,
            `resource[${i}].name`,
          );
        }
      }
      let version = ifMatchVersion(req);
      const updated = [];
      for (const { name, patch } of patches) {
        delete patch.name;
        updated.push(await rels.update(service, table, name, patch, version));
        // each later write must follow this one: another writer in between is a conflict
        if (version !== undefined) version = rels.snapshot().version;
      }
      setEtag(reply, rels.snapshot().version);
      return { resource: updated.map(relationshipJson) };
    },
  );

  app.delete<NamedReq>(
    "/api/v2/:service/_schema/:table/_related/:name",
    { schema: { tags, summary: "delete one relationship", params: namedParams } },
    async (req, reply) => {
      const { service, table, name } = req.params;
      const rels = relationships();
      const [removed] = await rels.remove(service, table, [name], ifMatchVersion(req));
      setEtag(reply, rels.snapshot().version);
      return relationshipJson(removed!);
    },
  );

  app.delete<TableReq & { Querystring: { names?: string } }>(
    "/api/v2/:service/_schema/:table/_related",
    {
      schema: {
        tags,
        summary: "delete several relationships (all or none)",
        params: tableParams,
        querystring: {
          type: "object",
          properties: { names: { type: "string", minLength: 1, description: "comma-separated names" } },
          required: ["names"],
          additionalProperties: false,
        },
      },
    },
    async (req, reply) => {
      const { service, table } = req.params;
      const rels = relationships();
      const names = (req.query.names ?? "")
        .split(",")
        .map((n) => n.trim())
        .filter((n) => n !== "");
      if (names.length === 0) throw new ApiError(400, "names must list at least one name", "names");
      const removed = await rels.remove(service, table, names, ifMatchVersion(req));
      setEtag(reply, rels.snapshot().version);
      return { resource: removed.map(relationshipJson) };
    },
  );
}

function findNamed(rels: RelationshipCatalog, service: string, table: string, name: string) {
  const found = rels.forTable(service, table).find((r) => r.name === name || r.alias === name);
  if (!found) throw new ApiError(404, `no relationship "${name}" on ${service}.${table}`);
  return found;
}

/**
 * Drops the fields a client may echo back from a read (service, table, is_virtual) once they
 * agree with the path: a relationship made over the API is always virtual and lives on that table.
 */
function toInput(
  body: Record<string, unknown>,
  service: string,
  table: string,
  at: string,
): Partial<RelationshipInput> {
  const { service: s, table: t, is_virtual: virtual, ...input } = body;
  if (s !== undefined && s !== service)
    throw new ApiError(400, `${at}service must be "${service}" (the path)`, `${at}service`);
  if (t !== undefined && t !== table)
    throw new ApiError(400, `${at}table must be "${table}" (the path)`, `${at}table`);
  if (virtual === false) {
    throw new ApiError(
      400,
      `${at}is_virtual: relationships made over the API are virtual`,
      `${at}is_virtual`,
    );
  }
  return input as Partial<RelationshipInput>;
}
