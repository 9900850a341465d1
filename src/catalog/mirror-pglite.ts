/**
 * Opening the embedded PGlite: the database named as configured (what
 * current_database() and psql's \l show) and the configured users as roles.
 */
import { PGlite } from "@electric-sql/pglite";
import { quoteIdent } from "./sql-names.ts";

/** The role that owns the mirror's objects and runs its DDL. */
export const OWNER_ROLE = "postgres";

export async function openPglite(dataDir: string | null, database: string): Promise<PGlite> {
  const db = await start({ dataDir: dataDir ?? undefined, database });
  if ((await currentDatabase(db)) === database) return db;
  // PGlite connects to template1 when the named database does not exist yet: create it, reopen.
  const exists = await db.query("SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", [database]);
  if (exists.rows.length === 0) await db.exec(`CREATE DATABASE ${quoteIdent(database)}`);
  let reopened: PGlite;
  if (dataDir !== null) {
    await db.close();
    reopened = await start({ dataDir, database });
  } else {
    // In memory there is nothing to reopen from: carry the cluster over as a dump.
    const dump = await db.dumpDataDir("none");
    await db.close();
    reopened = await start({ loadDataDir: dump, database });
  }
  const now = await currentDatabase(reopened);
  if (now !== database) {
    await reopened.close();
    throw new Error(`mirror: could not open database "${database}" (PGlite opened "${now}")`);
  }
  return reopened;
}

async function start(options: {
  dataDir?: string;
  loadDataDir?: Blob | File;
  database: string;
}): Promise<PGlite> {
  const db = new PGlite({ ...options, username: OWNER_ROLE });
  await db.waitReady;
  return db;
}

async function currentDatabase(db: PGlite): Promise<string> {
  const r = await db.query<{ d: string }>("SELECT current_database() AS d");
  return r.rows[0].d;
}

/** Login superuser roles, so current_user and session_user show the client's user. */
export async function ensureRoles(db: PGlite, users: string[]): Promise<void> {
  for (const user of new Set(users)) {
    const found = await db.query("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1", [user]);
    if (found.rows.length === 0) await db.exec(`CREATE ROLE ${quoteIdent(user)} LOGIN SUPERUSER`);
  }
}
