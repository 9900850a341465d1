/** The one place that names the concrete connectors. */
import { PgError, SqlState } from "../common/pg-error.ts";
import { MysqlConnector } from "./mysql/connector.ts";
import { PostgresConnector } from "./postgres/connector.ts";
import type { Connector, ServiceConfig } from "./spi.ts";
import { SqliteConnector } from "./sqlite/connector.ts";

export function createConnector(config: ServiceConfig): Connector {
  switch (config.kind) {
    case "postgres":
      return new PostgresConnector(config);
    case "mysql":
      return new MysqlConnector(config);
    case "sqlite":
      return new SqliteConnector(config);
    default:
      throw new PgError(
        SqlState.featureNotSupported,
        `service "${config.name}": connectors of kind "${config.kind}" are not available in this build`,
      );
  }
}
