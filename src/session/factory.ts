import { PgError, SqlState } from "../common/pg-error.ts";
import type { Session, SessionEvents, SessionFactory, StartupInfo } from "../common/session-api.ts";
import { WeftSession } from "./session.ts";
import type { SessionDeps } from "./session-deps.ts";

export interface SessionFactoryOptions {
  database: string;
  /** refuse other database names with 3D000 */
  strictDatabase: boolean;
}

export function createSessionFactory(deps: SessionDeps, options: SessionFactoryOptions): SessionFactory {
  return {
    async open(startup: StartupInfo, events: SessionEvents): Promise<Session> {
      if (options.strictDatabase && startup.database !== options.database) {
        throw new PgError(SqlState.invalidCatalogName, `database "${startup.database}" does not exist`, {
          severity: "FATAL",
        });
      }
      const session = new WeftSession(deps, startup, events);
      await session.init();
      return session;
    },
  };
}
