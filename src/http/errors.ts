/**
 * Every API failure as DreamFactory-style JSON:
 * `{ "error": { "code": <http status>, "message": "…", "context": { "field": "<path>" } } }`.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { CatalogError } from "../catalog/relationships/types.ts";
import { PgError } from "../common/pg-error.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** the input at fault, as a path like `resource[0].ref_field` */
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: { code: number; message: string; context?: { field: string } };
}

export function errorBody(status: number, message: string, field?: string): ErrorBody {
  return { error: { code: status, message, ...(field ? { context: { field } } : {}) } };
}

const catalogStatus = { invalid: 400, not_found: 404, conflict: 409, read_only: 403 } as const;

/** What an error looks like to an API client; unknown errors are 500 without internals. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof CatalogError) return new ApiError(catalogStatus[err.kind], err.message, err.field);
  const fastify = err as FastifyError;
  if (fastify?.validation) return validationError(fastify);
  if (typeof fastify?.statusCode === "number" && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return new ApiError(fastify.statusCode, fastify.message);
  }
  if (err instanceof PgError && err.kind === "external") return new ApiError(502, err.message);
  return new ApiError(500, "internal error");
}

/** An Ajv error as the path of the field at fault (`/resource/0` + `type` → `resource[0].type`). */
function validationError(err: FastifyError): ApiError {
  // an anyOf (a column or a list of columns) reports each branch first; its own error says more
  const first = err.validation!.find((e) => e.keyword === "anyOf") ?? err.validation![0]!;
  const params = first.params as { missingProperty?: string; additionalProperty?: string };
  const segments = first.instancePath.split("/").filter((s) => s !== "");
  const extra = params.missingProperty ?? params.additionalProperty;
  if (extra) segments.push(extra);
  const field = segments.reduce(
    (path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path ? `${path}.${s}` : s),
    "",
  );
  const what = params.additionalProperty
    ? "is not a known field"
    : params.missingProperty
      ? "is required"
      : first.keyword === "enum"
        ? `must be one of ${((first.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(", ")}`
        : first.keyword === "anyOf"
          ? "must be a column name or a non-empty array of column names"
          : (first.message ?? "is invalid");
  const where = field || (err.validationContext ?? "body");
  return new ApiError(400, `${where} ${what}`, where);
}

export function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  return reply.code(err.status).send(errorBody(err.status, err.message, err.field));
}

/** Marks a request whose body was one object rather than `{ "resource": [ … ] }`. */
const SINGLE = Symbol("single body");

/**
 * preValidation: one object is validated (and handled) as `{ resource: [it] }`, and errors then
 * name its fields without the `resource[0].` prefix.
 */
export async function wrapSingleBody(req: FastifyRequest): Promise<void> {
  const body = req.body;
  if (body && typeof body === "object" && !Array.isArray(body) && !("resource" in body)) {
    req.body = { resource: [body] };
    (req as unknown as Record<symbol, boolean>)[SINGLE] = true;
  }
}

export function sentSingle(req: FastifyRequest): boolean {
  return (req as unknown as Record<symbol, boolean>)[SINGLE] === true;
}

const firstResource = "resource[0].";

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    let api = toApiError(err);
    if (sentSingle(req) && api.field?.startsWith(firstResource)) {
      const field = api.field.slice(firstResource.length);
      api = new ApiError(api.status, api.message.replace(firstResource, ""), field);
    }
    if (api.status >= 500) req.log.error({ err }, "request failed");
    return sendError(reply, api);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, new ApiError(404, `no route ${req.method} ${req.url.split("?")[0]}`)),
  );
}
