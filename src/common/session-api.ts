/**
 * The contract between the wire (protocol) and a session (SQL semantics).
 * It lives in common/ because both sides import it and neither may import the other:
 * main.ts hands the wire a SessionFactory implemented by session/.
 */
import type { PgNotice } from "./pg-error.ts";
import type { EncodedRow, FieldDescription } from "./row.ts";
import type { FormatCode } from "./values.ts";

/** Transaction status reported in ReadyForQuery. */
export type TxStatus = "I" | "T" | "E";

export interface StartupInfo {
  user: string;
  database: string;
  /** every startup parameter the client sent (application_name, options, client_encoding, DateStyle, TimeZone …) */
  params: Record<string, string>;
  remoteAddress?: string;
}

/** What the session pushes to the client outside of a result. */
export interface SessionEvents {
  parameterStatus(name: string, value: string): void;
  notice(notice: PgNotice): void;
}

/**
 * Where rows go. `write` returns a promise when the socket is saturated: the
 * producer awaits it (backpressure) before producing the next row.
 */
export interface RowSink {
  write(row: EncodedRow): void | Promise<void>;
}

/** Output of the simple query protocol, statement by statement. */
export interface SimpleQueryOutput extends RowSink {
  rowDescription(fields: FieldDescription[]): void;
  commandComplete(tag: string): void;
  emptyQuery(): void;
}

/** "empty": the portal holds an empty query string (the wire answers EmptyQueryResponse). */
export type ExecuteResult = { kind: "complete"; tag: string } | { kind: "suspended" } | { kind: "empty" };

/** A bound statement ready to run (an extended-protocol portal). */
export interface Portal {
  /** null when the statement returns no rows (NoData). Formats are the ones Bind asked for. */
  readonly fields: FieldDescription[] | null;
  /** Runs until done or `maxRows` rows were written (0 = no limit); may be called again after "suspended". */
  execute(maxRows: number, out: RowSink): Promise<ExecuteResult>;
  close(): Promise<void>;
}

/** A parsed statement (an extended-protocol prepared statement). */
export interface PreparedStatement {
  /** parameter types, with the ones the client left unspecified (0) inferred */
  readonly paramTypes: number[];
  /** result columns in text format, null when the statement returns no rows */
  readonly fields: FieldDescription[] | null;
  bind(
    params: (Uint8Array | null)[],
    paramFormats: FormatCode[],
    resultFormats: FormatCode[],
  ): Promise<Portal>;
  close(): Promise<void>;
}

export interface Session {
  /** ParameterStatus values to send after authentication (server_version, TimeZone …). */
  initialParameters(): Record<string, string>;
  readonly txStatus: TxStatus;
  /** Simple query: every statement of `sql` in order; throws the first error (a PgError). */
  simpleQuery(sql: string, out: SimpleQueryOutput): Promise<void>;
  /** Parse: exactly one statement (or none: an empty query). */
  prepare(sql: string, paramTypes: number[]): Promise<PreparedStatement>;
  /** An error happened in extended protocol; the session moves a transaction block to failed. */
  extendedError(): void;
  /** Sync: ends the implicit transaction of the extended protocol. */
  sync(): Promise<void>;
  /** CancelRequest: abort the running statement with 57014. Safe to call at any time. */
  cancel(): void;
  /** The connection is gone: roll back, release backend connections. */
  close(): Promise<void>;
}

export interface SessionFactory {
  /** Throws PgError (e.g. 3D000) to refuse the connection after authentication. */
  open(startup: StartupInfo, events: SessionEvents): Promise<Session>;
}

/** Stored credentials of one user; the wire does the authentication exchange. */
export interface UserCredentials {
  name: string;
  /** SCRAM-SHA-256 verifier parts (RFC 5802/7677). */
  scram: { iterations: number; salt: Buffer; storedKey: Buffer; serverKey: Buffer };
  /** md5(password + username) as hex, for md5 auth. */
  md5: string;
  /** cleartext, kept only when the method is "password". */
  password?: string;
}

export type AuthMethod = "scram-sha-256" | "md5" | "password" | "trust";

export interface UserStore {
  method: AuthMethod;
  lookup(user: string): UserCredentials | undefined;
}
