/**
 * The mirror: an embedded PGlite (Postgres 16.4) holding every service as a
 * schema of empty tables, so pg_catalog/information_schema queries, table-less
 * statements and Describe behave exactly like Postgres. It never answers data.
 * See docs/decisions/0001-mirror-postgres-16.md.
 */
import type { PGlite } from "@electric-sql/pglite";
import { PgError, type PgNotice } from "../common/pg-error.ts";
import type { EncodedRow, FieldDescription } from "../common/row.ts";
import type { FormatCode } from "../common/values.ts";
import type { SourceSchema } from "../connectors/spi.ts";
import { applyWanted, type SqlRunner } from "./mirror-ddl.ts";
import { buildWanted, type WantedRelation } from "./mirror-model.ts";
import { ensureRoles, openPglite } from "./mirror-pglite.ts";
import {
  type Backend,
  bindMessage,
  decodeBackend,
  describePortal,
  describeStatement,
  executeMessage,
  parseMessage,
  queryMessage,
  runText,
  syncMessage,
} from "./mirror-protocol.ts";
import {
  addRelationshipDdl,
  dropRelationshipDdl,
  planRelationshipDdl,
  type RelationshipColumn,
  relationshipForeignKeys,
  withRelationshipColumns,
} from "./mirror-relationships.ts";
import { Mutex } from "./mutex.ts";
import type { Relationship } from "./relationships/types.ts";

export interface MirrorOptions {
  /** null = in memory */
  dataDir: string | null;
  /** what current_database() and \l show, e.g. "weft" */
  database: string;
  /** roles to create */
  users: string[];
  /** told about DDL the mirror could not express (e.g. a foreign key to columns without a unique key) */
  warn?: (message: string, detail: { service: string; skipped: string[] }) => void;
}

export interface MirrorContext {
  user: string;
  /** GUC name → value the client set */
  settings: Record<string, string>;
}

export interface MirrorResult {
  fields: FieldDescription[] | null;
  rows: EncodedRow[];
  tag: string;
  notices: PgNotice[];
  settings?: Record<string, string>;
}

export interface Mirror {
  /** "16.4" */
  readonly serverVersion: string;
  /** "160004" */
  readonly serverVersionNum: string;
  /** Grows whenever a service schema changes, so cached descriptions of statements can be dropped. */
  readonly schemaVersion: number;
  applyServiceSchema(service: string, schema: SourceSchema): Promise<void>;
  dropServiceSchema(service: string): Promise<void>;
  describe(
    sql: string,
    paramTypes: number[],
    ctx: MirrorContext,
  ): Promise<{ paramTypes: number[]; fields: FieldDescription[] | null }>;
  execute(
    sql: string,
    paramTypes: number[],
    params: (Uint8Array | null)[],
    paramFormats: FormatCode[],
    resultFormats: FormatCode[],
    ctx: MirrorContext,
    readBack?: string[],
  ): Promise<MirrorResult>;
  tableOid(service: string, table: string): number | undefined;
  /**
   * Publishes the relationships (virtual and discovered) as json columns and foreign keys, in one
   * transaction, replacing the set applied before. Service schemas applied later keep them.
   */
  applyRelationships(relationships: readonly Relationship[]): Promise<void>;
  /**
   * What `*` over a mirror table stands for: its real columns and its always_fetch relationship
   * columns; `hidden` when it also has relationship columns `*` leaves out. Undefined for a table
   * the mirror does not hold.
   */
  starColumns(service: string, table: string): { columns: string[]; hidden: boolean } | undefined;
  close(): Promise<void>;
}

export async function openMirror(options: MirrorOptions): Promise<Mirror> {
  const db = await openPglite(options.dataDir, options.database);
  try {
    await ensureRoles(db, options.users);
    // PGlite's backend starts with debug-level client messages; clients expect Postgres' default.
    await db.exec("SET client_min_messages = notice");
    const version = await db.query<{ v: string; n: string }>(
      "SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n",
    );
    const mirror = new PgliteMirror(db, version.rows[0].v, version.rows[0].n, options);
    await mirror.loadOids();
    return mirror;
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** One pipelined step of a round and what came back for it. */
interface Step {
  kind: "exec" | "describe";
  label: "begin" | "auth" | "setting" | "user" | "readBack" | "end";
  paramTypes?: number[];
  fields?: FieldDescription[] | null;
  rows: EncodedRow[];
  tag?: string;
  notices: PgNotice[];
}

const RESERVED_SCHEMAS = new Set(["pg_catalog", "information_schema", "pg_toast"]);

class PgliteMirror implements Mirror {
  readonly #db: PGlite;
  readonly #mutex = new Mutex();
  readonly #options: MirrorOptions;
  /** service → table → pg_class OID */
  readonly #oids = new Map<string, Map<string, number>>();
  /** service → the SourceSchema last applied in this process, to make an unchanged refresh free */
  readonly #applied = new Map<string, string>();
  /** service → the SourceSchema it was last applied from, to re-apply when relationships change */
  readonly #schemas = new Map<string, SourceSchema>();
  /** service → the relations the mirror holds for it now, relationship columns included */
  #models = new Map<string, WantedRelation[]>();
  /** service → table → its relationship columns */
  #relationshipColumns = new Map<string, Map<string, RelationshipColumn[]>>();
  #relationships: readonly Relationship[] = [];
  readonly serverVersion: string;
  readonly serverVersionNum: string;
  schemaVersion = 0;

  constructor(db: PGlite, serverVersion: string, serverVersionNum: string, options: MirrorOptions) {
    this.#db = db;
    this.serverVersion = serverVersion;
    this.serverVersionNum = serverVersionNum;
    this.#options = options;
  }

  async loadOids(service?: string): Promise<void> {
    const r = await this.#db.query<{ nspname: string; relname: string; oid: number }>(
      `SELECT n.nspname, c.relname, c.oid::int8 AS oid
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'v') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
         AND n.nspname NOT LIKE 'pg\\_%' AND ($1::text IS NULL OR n.nspname = $1)`,
      [service ?? null],
    );
    if (service === undefined) this.#oids.clear();
    else this.#oids.delete(service);
    for (const row of r.rows) {
      let tables = this.#oids.get(row.nspname);
      if (!tables) {
        tables = new Map();
        this.#oids.set(row.nspname, tables);
      }
      tables.set(row.relname, Number(row.oid));
    }
  }

  tableOid(service: string, table: string): number | undefined {
    return this.#oids.get(service)?.get(table);
  }

  async applyServiceSchema(service: string, schema: SourceSchema): Promise<void> {
    checkServiceName(service);
    return this.#mutex.run(async () => {
      const fingerprint = JSON.stringify(schema);
      if (this.#applied.get(service) === fingerprint) return;
      const schemas = new Map(this.#schemas).set(service, schema);
      const skipped = await this.#applyAll(schemas, this.#relationships, [service]);
      this.#schemas.set(service, schema);
      this.#applied.set(service, fingerprint);
      this.schemaVersion++;
      await this.loadOids(service);
      if (skipped.length > 0) {
        this.#options.warn?.("mirror could not express part of a service schema", { service, skipped });
      }
    });
  }

  async applyRelationships(relationships: readonly Relationship[]): Promise<void> {
    return this.#mutex.run(async () => {
      const skipped = await this.#applyAll(this.#schemas, relationships, null);
      this.#relationships = relationships;
      this.schemaVersion++;
      // a view that gained or lost a relationship column was rebuilt
      await this.loadOids();
      if (skipped.length > 0) {
        this.#options.warn?.("mirror could not publish every relationship", { service: "*", skipped });
      }
    });
  }

  starColumns(service: string, table: string): { columns: string[]; hidden: boolean } | undefined {
    const relation = this.#models.get(service)?.find((r) => r.name === table);
    if (!relation) return undefined;
    const extra = this.#relationshipColumns.get(service)?.get(table) ?? [];
    const names = new Set(extra.map((c) => c.name));
    const always = new Set(extra.filter((c) => c.alwaysFetch).map((c) => c.name));
    return {
      columns: relation.columns.map((c) => c.name).filter((n) => !names.has(n) || always.has(n)),
      hidden: extra.some((c) => !c.alwaysFetch),
    };
  }

  /**
   * One transaction: the relationships' keys come off, the services in `changed` (null: every
   * service whose relationship columns differ) are brought to their wanted state, the keys go back.
   * The in-memory model is replaced only when the transaction committed.
   */
  async #applyAll(
    schemas: ReadonlyMap<string, SourceSchema>,
    relationships: readonly Relationship[],
    changed: string[] | null,
  ): Promise<string[]> {
    const skipped: string[] = [];
    const models = new Map(this.#models);
    const columns = new Map(this.#relationshipColumns);
    const toApply: string[] = [];
    for (const [service, schema] of schemas) {
      if (changed !== null && !changed.includes(service)) continue;
      const built = withRelationshipColumns(service, buildWanted(schema), relationships, skipped);
      if (changed === null && JSON.stringify(built.wanted) === JSON.stringify(models.get(service))) continue;
      models.set(service, built.wanted);
      columns.set(service, built.columns);
      toApply.push(service);
    }
    await this.#db.transaction(async (tx) => {
      const db = tx as SqlRunner;
      await dropRelationshipDdl(db, models);
      for (const service of toApply) skipped.push(...(await applyWanted(db, service, models.get(service)!)));
      const steps = planRelationshipDdl(relationshipForeignKeys(relationships), models, skipped);
      await addRelationshipDdl(db, steps, skipped);
    });
    this.#models = models;
    this.#relationshipColumns = columns;
    return skipped;
  }

  async dropServiceSchema(service: string): Promise<void> {
    checkServiceName(service);
    return this.#mutex.run(async () => {
      await this.#db.exec(`DROP SCHEMA IF EXISTS "${service.replaceAll('"', '""')}" CASCADE`);
      this.#applied.delete(service);
      this.#oids.delete(service);
      this.#schemas.delete(service);
      this.#models.delete(service);
      this.#relationshipColumns.delete(service);
      this.schemaVersion++;
    });
  }

  async describe(
    sql: string,
    paramTypes: number[],
    ctx: MirrorContext,
  ): Promise<{ paramTypes: number[]; fields: FieldDescription[] | null }> {
    const user: Step = { kind: "describe", label: "user", rows: [], notices: [] };
    const steps = await this.#round(ctx, [parseMessage(sql, paramTypes), describeStatement()], user, []);
    const done = steps.find((s) => s.label === "user")!;
    return { paramTypes: done.paramTypes ?? [], fields: done.fields ?? null };
  }

  async execute(
    sql: string,
    paramTypes: number[],
    params: (Uint8Array | null)[],
    paramFormats: FormatCode[],
    resultFormats: FormatCode[],
    ctx: MirrorContext,
    readBack: string[] = [],
  ): Promise<MirrorResult> {
    const user: Step = { kind: "exec", label: "user", rows: [], notices: [] };
    const messages = [
      parseMessage(sql, paramTypes),
      bindMessage(params, paramFormats, resultFormats),
      describePortal(),
      executeMessage(),
    ];
    const steps = await this.#round(ctx, messages, user, readBack);
    const done = steps.find((s) => s.label === "user")!;
    const result: MirrorResult = {
      fields: done.fields ?? null,
      rows: done.rows,
      tag: done.tag ?? "",
      notices: done.notices,
    };
    if (readBack.length > 0) {
      const values = steps.filter((s) => s.label === "readBack");
      result.settings = Object.fromEntries(
        readBack.map((name, i) => {
          const cell = values[i].rows[0]?.[0];
          return [name, cell ? Buffer.from(cell).toString("utf8") : ""];
        }),
      );
    }
    return result;
  }

  /**
   * One round: BEGIN; the client's user and settings as LOCAL; the statement;
   * the read-back settings; ROLLBACK — pipelined into a single execProtocolRaw.
   */
  #round(ctx: MirrorContext, userMessages: Buffer[], user: Step, readBack: string[]): Promise<Step[]> {
    return this.#mutex.run(async () => {
      try {
        return await this.#roundOnce(ctx, userMessages, user, readBack);
      } catch (err) {
        // A role the mirror was not told about at open: create it and try again.
        if (err instanceof RoleMissing) {
          await ensureRoles(this.#db, [ctx.user]);
          user.rows = [];
          user.notices = [];
          return await this.#roundOnce(ctx, userMessages, user, readBack);
        }
        throw err;
      }
    });
  }

  async #roundOnce(
    ctx: MirrorContext,
    userMessages: Buffer[],
    user: Step,
    readBack: string[],
  ): Promise<Step[]> {
    const step = (kind: Step["kind"], label: Step["label"]): Step => ({ kind, label, rows: [], notices: [] });
    const steps: Step[] = [step("exec", "begin"), step("exec", "auth")];
    const messages: Buffer[] = [
      ...runText("BEGIN"),
      ...runText("SELECT pg_catalog.set_config('session_authorization', $1, true)", [ctx.user], [25]),
    ];
    for (const [name, value] of Object.entries(ctx.settings)) {
      steps.push(step("exec", "setting"));
      messages.push(...runText("SELECT pg_catalog.set_config($1, $2, true)", [name, value], [25, 25]));
    }
    steps.push(user);
    messages.push(...userMessages);
    for (const name of readBack) {
      steps.push(step("exec", "readBack"));
      messages.push(...runText("SELECT pg_catalog.current_setting($1)", [name], [25]));
    }
    steps.push(step("exec", "end"));
    messages.push(...runText("ROLLBACK"), syncMessage());

    const response = decodeBackend(
      await this.#db.execProtocolRaw(Buffer.concat(messages), { syncToFs: false }),
    );
    const failure = collect(response, steps);
    if (failure) {
      await this.#recover();
      if (
        failure.step.label === "auth" &&
        failure.error.code === "22023" &&
        /role .* does not exist/.test(failure.error.message)
      ) {
        throw new RoleMissing();
      }
      throw failure.error;
    }
    return steps;
  }

  /**
   * After an error in the extended protocol PGlite 0.2 discards the next input it
   * is given; feed it a Sync, then end the failed transaction block.
   */
  async #recover(): Promise<void> {
    await this.#db.execProtocolRaw(syncMessage(), { syncToFs: false });
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = decodeBackend(
        await this.#db.execProtocolRaw(queryMessage("ROLLBACK"), { syncToFs: false }),
      );
      const ready = response.find((m) => m.kind === "readyForQuery");
      if (ready && ready.kind === "readyForQuery" && ready.status === "I") return;
    }
    throw new PgError("XX000", "mirror: could not end a failed transaction", { kind: "internal" });
  }

  close(): Promise<void> {
    return this.#mutex.run(() => this.#db.close());
  }
}

class RoleMissing extends Error {}

/** Assigns each backend message to the step it answers; returns the first error and its step. */
function collect(response: Backend[], steps: Step[]): { error: PgError; step: Step } | null {
  let i = 0;
  for (const msg of response) {
    const current = steps[Math.min(i, steps.length - 1)];
    switch (msg.kind) {
      case "parameterDescription":
        current.paramTypes = msg.types;
        break;
      case "rowDescription":
        current.fields = msg.fields;
        if (current.kind === "describe") i++;
        break;
      case "noData":
        current.fields = null;
        if (current.kind === "describe") i++;
        break;
      case "dataRow":
        current.rows.push(msg.row);
        break;
      case "commandComplete":
        current.tag = msg.tag;
        i++;
        break;
      case "emptyQuery":
        current.tag = "";
        i++;
        break;
      case "notice":
        current.notices.push(msg.notice);
        break;
      case "error":
        return { error: msg.error, step: current };
      case "readyForQuery":
        return null;
      default:
        break;
    }
  }
  return null;
}

function checkServiceName(service: string): void {
  if (!service || RESERVED_SCHEMAS.has(service) || service.startsWith("pg_")) {
    throw new PgError("42939", `unacceptable service name "${service}"`, {
      detail:
        'The prefix "pg_" and the names pg_catalog and information_schema are reserved for system schemas.',
    });
  }
}
