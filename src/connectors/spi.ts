/**
 * The connector contract. The planner and executor see only these types; driver
 * packages (pg, mysql2, better-sqlite3, ibm_db, mongodb) are imported only inside
 * one connector folder.
 */
import type { Node } from "@pgsql/types";
import type { PgType } from "../common/pg-types.ts";
import type { RowBatch } from "../common/row.ts";
import type { Value } from "../common/values.ts";

export type ServiceKind = "postgres" | "mysql" | "sqlite" | "db2" | "mongodb";

/** One service as configured. */
export interface ServiceConfig {
  name: string;
  kind: ServiceKind;
  /** connection URL (postgres://…, mysql://…); not used by sqlite */
  url?: string;
  /** sqlite database file */
  path?: string;
  /** pool size (connections) */
  pool?: number;
  /**
   * The native namespace this service exposes: the Postgres schema (default "public");
   * ignored for MySQL (the URL's database) and SQLite ("main").
   */
  schema?: string;
  readOnly?: boolean;
}

// ---------------------------------------------------------------- introspection

export interface SourceColumn {
  name: string;
  /** 1-based position in the native table */
  ordinal: number;
  /** the Postgres type this column is shown as (see docs/type-mapping.md) */
  type: PgType;
  /** the type as the source declares it, e.g. "tinyint(1) unsigned", "INTEGER" */
  nativeType: string;
  nullable: boolean;
  /** a Postgres default expression when it maps exactly (literals, now()/CURRENT_TIMESTAMP, sequences as null) */
  defaultExpr: string | null;
  comment: string | null;
}

export interface SourceKey {
  name: string;
  columns: string[];
}

export interface SourceForeignKey extends SourceKey {
  /** referenced table in the same service */
  refTable: string;
  refColumns: string[];
  onDelete?: string;
  onUpdate?: string;
}

export interface SourceIndex extends SourceKey {
  unique: boolean;
}

export interface SourceTable {
  name: string;
  kind: "table" | "view";
  columns: SourceColumn[];
  primaryKey: SourceKey | null;
  uniqueKeys: SourceKey[];
  foreignKeys: SourceForeignKey[];
  indexes: SourceIndex[];
  comment: string | null;
  /** estimated row count (statistics; may be approximate), -1 when unknown */
  rowEstimate: number;
}

export interface SourceSchema {
  tables: SourceTable[];
}

export type IntrospectProgress = (event: { table: string; done: number; total: number }) => void;

// ---------------------------------------------------------------- capabilities

/** What a backend can run, declared as data so the planner can negotiate without asking. */
export interface Capabilities {
  /** backend transactions with BEGIN/COMMIT/ROLLBACK on one connection */
  transactions: boolean;
  savepoints: boolean;
  /** INSERT/UPDATE/DELETE … RETURNING */
  returning: boolean;
  /** INSERT … ON CONFLICT (or an equivalent the compiler emits) */
  upsert: boolean;
  fullOuterJoin: boolean;
  lateral: boolean;
  windowFunctions: boolean;
  cte: boolean;
  recursiveCte: boolean;
  /** INTERSECT / EXCEPT (UNION is assumed) */
  intersectExcept: boolean;
  distinctOn: boolean;
  nullsOrdering: boolean;
  /** server-side cancel of a running query */
  cancel: boolean;
  /** most bound parameters in one statement */
  maxParams: number;
  /** key-set size per batch for bind joins (IN lists) */
  bindBatchSize: number;
  /** parallel queries per bind join */
  maxConcurrency: number;
}

// ---------------------------------------------------------------- compiling

/**
 * Maps a Weft name (schema = service name, table, column) to the native object.
 * The compiler gets it from the catalog so it never guesses a table's existence.
 */
export interface CompileTarget {
  service: string;
  /** native schema/database qualifier, or null to leave names unqualified */
  nativeSchema: string | null;
  /** the columns of every table of this service, for typing expressions (e.g. integer division) */
  columnsOf(table: string): SourceColumn[] | undefined;
}

/** A statement ready to run on one backend, with every value bound. */
export interface NativeQuery {
  /** in the backend's dialect, with its own placeholders */
  text: string;
  params: Value[];
  /** whether it returns rows */
  returnsRows: boolean;
}

/**
 * Compiles a statement (the libpg-query AST node of one statement) whose tables all
 * live in this service. `params` are the client's $n values (already decoded to
 * canonical values of `paramTypes`). Throws PgError 0A000 naming a construct it
 * cannot translate exactly: it never sends something that would return other rows
 * than Postgres.
 */
export interface SqlCompiler {
  compile(stmt: Node, target: CompileTarget, params: Value[], paramTypes: number[]): NativeQuery;
}

// ---------------------------------------------------------------- running

export interface RunOptions {
  /** aborting cancels the query on the backend; the run then rejects with PgError 57014 */
  signal?: AbortSignal;
  /** Postgres types of the result columns: the connector coerces values to them (see common/values.ts). */
  resultTypes?: PgType[];
  /** rows per batch (default 1000) */
  batchSize?: number;
}

/** A running statement. Batches arrive as the consumer pulls (backpressure); close() stops early. */
export interface NativeResult {
  /** column names as the backend reports them */
  readonly columns: string[];
  readonly batches: AsyncIterable<RowBatch>;
  /** rows affected by INSERT/UPDATE/DELETE once done, null for reads */
  affectedRows(): number | null;
  close(): Promise<void>;
}

/** Something that can run native statements: the pool, or one connection inside a transaction. */
export interface QueryRunner {
  run(query: NativeQuery, options?: RunOptions): Promise<NativeResult>;
}

/** A backend transaction pinned to one connection. */
export interface SourceTransaction extends QueryRunner {
  commit(): Promise<void>;
  rollback(): Promise<void>;
  savepoint(name: string): Promise<void>;
  releaseSavepoint(name: string): Promise<void>;
  rollbackToSavepoint(name: string): Promise<void>;
}

export interface Connector extends QueryRunner {
  readonly config: ServiceConfig;
  readonly capabilities: Capabilities;
  readonly compiler: SqlCompiler;
  /** native schema qualifier for CompileTarget */
  readonly nativeSchema: string | null;
  /** Opens the pool and checks the backend answers; throws PgError 08006 naming the service. */
  connect(): Promise<void>;
  introspect(onProgress?: IntrospectProgress): Promise<SourceSchema>;
  begin(): Promise<SourceTransaction>;
  close(): Promise<void>;
}

export type ConnectorFactory = (config: ServiceConfig) => Connector;
