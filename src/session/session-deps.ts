import type { Catalog } from "../catalog/catalog.ts";
import type { Mirror } from "../catalog/mirror.ts";
import type { QueryMetrics } from "../common/query-metrics.ts";
import type { DescribeCache } from "./describe-cache.ts";
import type { RelationResolver } from "./route.ts";

/** What every session of one Weft instance shares. */
export interface SessionDeps {
  mirror: Mirror;
  catalog: Catalog;
  /** default TimeZone for new sessions */
  timeZone: string;
  resolver(searchPath: string[]): RelationResolver;
  describeCache: DescribeCache;
  /** bytes one cross-service query's operators may hold (config limits.queryMemory; default 1 GB) */
  queryMemory?: number;
  /** counts statements by route (GET /metrics) */
  metrics?: QueryMetrics;
}

/** Resolves table names against the services of the catalog and a session's search_path. */
export function catalogResolver(catalog: Catalog, searchPath: string[]): RelationResolver {
  return {
    isService: (schema) => catalog.service(schema) !== undefined,
    serviceForUnqualified: (table) => {
      for (const schema of searchPath) {
        if (catalog.service(schema) && catalog.table(schema, table)) return schema;
      }
      return null;
    },
    relationshipColumns: (service, table) =>
      catalog.relationships.forTable(service, table).map((r) => r.alias ?? r.name),
  };
}
