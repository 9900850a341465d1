import type {
  DeclareCursorStmt,
  ExplainStmt,
  FetchStmt,
  Node,
  TransactionStmt,
  VariableSetStmt,
} from "@pgsql/types";
import { PgError, SqlState } from "../common/pg-error.ts";
import { referencedFunctions, referencedRelations } from "../sql/relations.ts";

/** What the session does with one statement. */
export type Route =
  | { kind: "transaction"; stmt: TransactionStmt }
  | { kind: "set"; stmt: VariableSetStmt }
  | { kind: "mirror" }
  | { kind: "service"; service: string; verb: Verb; write: boolean }
  | { kind: "federated"; services: string[] }
  | { kind: "sleep" }
  | { kind: "explain"; stmt: ExplainStmt; inner: Route }
  | { kind: "declare"; stmt: DeclareCursorStmt; inner: Route }
  | { kind: "fetch"; stmt: FetchStmt }
  | { kind: "close-cursor"; name: string | null }
  | { kind: "deallocate"; name: string | null }
  | { kind: "discard-all" }
  | { kind: "noop"; tag: string };

export type Verb = "SELECT" | "INSERT" | "UPDATE" | "DELETE";

/** Resolves a table reference to the service owning it, or null when it is not a service table. */
export interface RelationResolver {
  isService(schema: string): boolean;
  /** the first service on the search path that has this table */
  serviceForUnqualified(table: string): string | null;
  /** the relationship columns of a table (computed by Weft, unknown to the service) */
  relationshipColumns?(service: string, table: string): readonly string[];
}

const verbs: Record<string, Verb> = {
  SelectStmt: "SELECT",
  InsertStmt: "INSERT",
  UpdateStmt: "UPDATE",
  DeleteStmt: "DELETE",
};

/** Schemas that only the mirror has. */
const catalogSchemas = new Set(["pg_catalog", "information_schema", "pg_toast"]);

export function routeStatement(ast: Node, resolver: RelationResolver): Route {
  const [kind, body] = Object.entries(ast)[0] as [string, any];
  switch (kind) {
    case "TransactionStmt":
      return { kind: "transaction", stmt: body };
    case "VariableSetStmt":
      return { kind: "set", stmt: body };
    case "VariableShowStmt":
      return { kind: "mirror" };
    case "ExplainStmt":
      return { kind: "explain", stmt: body, inner: routeStatement(body.query, resolver) };
    case "DeclareCursorStmt":
      return { kind: "declare", stmt: body, inner: routeStatement(body.query, resolver) };
    case "FetchStmt":
      return { kind: "fetch", stmt: body };
    case "ClosePortalStmt":
      return { kind: "close-cursor", name: body.portalname ?? null };
    case "DeallocateStmt":
      return { kind: "deallocate", name: body.isall ? null : (body.name ?? null) };
    case "DiscardStmt":
      if (body.target === "DISCARD_ALL") return { kind: "discard-all" };
      return { kind: "noop", tag: `DISCARD ${String(body.target).replace("DISCARD_", "")}` };
    case "UnlistenStmt":
      return { kind: "noop", tag: "UNLISTEN" };
    case "SelectStmt":
    case "InsertStmt":
    case "UpdateStmt":
    case "DeleteStmt":
      return routeQuery(ast, verbs[kind], resolver);
    default:
      throw new PgError(SqlState.featureNotSupported, `${describeKind(kind)} is not supported by Weft`, {
        hint: "Weft runs queries and data changes; change a service's schema on the service itself, then run `weft refresh`.",
      });
  }
}

function routeQuery(ast: Node, verb: Verb, resolver: RelationResolver): Route {
  const services = new Set<string>();
  const tables: { service: string; table: string }[] = [];
  let catalogTables = 0;
  for (const rel of referencedRelations(ast)) {
    const service =
      rel.schema !== null
        ? resolver.isService(rel.schema)
          ? rel.schema
          : null
        : resolver.serviceForUnqualified(rel.name);
    if (service) {
      services.add(service);
      tables.push({ service, table: rel.name });
    } else catalogTables++;
  }
  if (services.size === 0) {
    if (verb !== "SELECT") {
      throw new PgError(SqlState.featureNotSupported, `${verb} is only supported on tables of a service`, {
        hint: "The system catalogs are read-only in Weft.",
      });
    }
    const functions = referencedFunctions(ast);
    if (catalogTables === 0 && functions.some((f) => f === "pg_sleep" || f === "pg_catalog.pg_sleep")) {
      return { kind: "sleep" };
    }
    return { kind: "mirror" };
  }
  if (catalogTables > 0) {
    throw new PgError(
      SqlState.featureNotSupported,
      "a statement cannot combine tables of a service with system catalog tables",
    );
  }
  if (services.size > 1) {
    if (verb === "SELECT" && !hasLockingClause(ast)) return { kind: "federated", services: [...services] };
    throw new PgError(
      SqlState.featureNotSupported,
      `a statement that writes can touch the tables of one service only, not ${[...services].map((s) => `"${s}"`).join(", ")}`,
      { hint: "Read across services with SELECT; write each service with its own statement." },
    );
  }
  const [service] = services;
  const write = verb !== "SELECT" || hasLockingClause(ast);
  // the service has no relationship columns: Weft's planner computes them (rule 5 for the mirror too)
  if (readsRelationshipColumn(ast, tables, resolver)) {
    if (write)
      throw new PgError(SqlState.featureNotSupported, "relationship columns can only be read by SELECT", {
        hint: "Write the key columns the relationship reads instead.",
      });
    return { kind: "federated", services: [service] };
  }
  return { kind: "service", service, verb, write };
}

/**
 * Whether a column reference names a relationship column of one of the statement's tables. A
 * real column of another table with the same name also counts: the planner then runs the
 * statement, which is slower but returns the same rows.
 */
function readsRelationshipColumn(
  ast: Node,
  tables: { service: string; table: string }[],
  resolver: RelationResolver,
): boolean {
  if (!resolver.relationshipColumns) return false;
  const names = new Set<string>();
  for (const t of tables) for (const n of resolver.relationshipColumns(t.service, t.table)) names.add(n);
  if (names.size === 0) return false;
  const walk = (node: unknown): boolean => {
    if (node === null || typeof node !== "object") return false;
    if (Array.isArray(node)) return node.some(walk);
    const ref = (node as { ColumnRef?: { fields?: { String?: { sval?: string }; A_Star?: object }[] } })
      .ColumnRef;
    if (ref) {
      const last = ref.fields?.[ref.fields.length - 1];
      // stars that leave relationship columns out were expanded before routing; one left here may
      // stand for always_fetch relationship columns, which the service cannot return
      if (last?.A_Star) return true;
      const name = last?.String?.sval;
      return name !== undefined && names.has(name);
    }
    return Object.values(node).some(walk);
  };
  return walk(ast);
}

function hasLockingClause(ast: Node): boolean {
  const select = (ast as any).SelectStmt;
  return Boolean(select?.lockingClause?.length);
}

function describeKind(kind: string): string {
  const words = kind
    .replace(/Stmt$/, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toUpperCase();
  return words || kind;
}

export function isCatalogSchema(schema: string): boolean {
  return catalogSchemas.has(schema) || schema.startsWith("pg_");
}
