/**
 * What the HTTP API needs of the catalog, narrowed so routes can be tested against a fake.
 * The real Catalog (src/catalog/catalog.ts) satisfies it.
 */
import type { RefreshReport, ServiceState } from "../catalog/catalog.ts";
import type { RelationshipCatalog } from "../catalog/relationships/types.ts";
import type { ServiceConfig, SourceTable } from "../connectors/spi.ts";

export interface AdminCatalog {
  services(): ServiceState[];
  service(name: string): ServiceState | undefined;
  table(service: string, table: string): SourceTable | undefined;
  refresh(service?: string): Promise<RefreshReport[]>;
  addService(config: ServiceConfig): Promise<ServiceState>;
  removeService(name: string): Promise<void>;
  updateService(config: ServiceConfig): Promise<ServiceState>;
  /** absent until the relationship catalog is wired in: the _related routes then answer 503 */
  readonly relationships?: RelationshipCatalog;
}

/** Services created over the API: where they persist and how a body becomes a checked config. */
export interface ServiceAdmin {
  /** services from the config file: read-only over the API */
  configured: ReadonlySet<string>;
  /** throws ApiError 400 naming the field at fault */
  validate(raw: unknown): ServiceConfig;
  save(services: ServiceConfig[]): void;
}

/** "display_name" → "Display Name" (DreamFactory's labels). */
export function labelOf(name: string): string {
  return name
    .split(/[_.\s]+/)
    .filter((w) => w !== "")
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(" ");
}
