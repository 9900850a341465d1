import type { Node, TransactionStmt, VariableSetStmt } from "@pgsql/types";
import type { MirrorContext } from "../catalog/mirror.ts";
import { PgError, SqlState, toPgError } from "../common/pg-error.ts";
import { Oid, typeSize } from "../common/pg-types.ts";
import type { EncodedRow, FieldDescription } from "../common/row.ts";
import type {
  ExecuteResult,
  Portal,
  PreparedStatement,
  RowSink,
  Session,
  SessionEvents,
  SimpleQueryOutput,
  StartupInfo,
  TxStatus,
} from "../common/session-api.ts";
import { decodeParam, encodeCell } from "../common/value-codec.ts";
import type { EncodeContext, FormatCode, Value } from "../common/values.ts";
import type { ParsedStatement } from "../sql/parse.ts";
import { Cursors, cursorOptions } from "./cursors.ts";
import type { Description } from "./describe-cache.ts";
import { type Execution, ExecutionPortal, inMemory, tagOnly } from "./execution.ts";
import { explainFederated, explainOptions, explainServiceStatement } from "./explain-run.ts";
import { type FederatedContext, planFederated, startFederated } from "./federated.ts";
import { literalParams } from "./literal-params.ts";
import { parseSqlCached as parseSql } from "./parse-cache.ts";
import { startRemote } from "./remote.ts";
import { type Route, routeStatement } from "./route.ts";
import type { SessionDeps } from "./session-deps.ts";
import { applySet } from "./set-command.ts";
import { SessionSettings } from "./settings.ts";
import { cancellableSleep } from "./sleep.ts";
import { expandStars, mirrorStarTables } from "./star-expansion.ts";
import { Transactions } from "./transactions.ts";

/** A statement parsed, routed and (for extended protocol) described. */
interface Analyzed {
  parsed: ParsedStatement | null;
  route: Route | null;
  paramTypes: number[];
  fields: FieldDescription[] | null;
  /** for a simple query: where `parsed.text` begins in the input its AST locations refer to */
  textStart?: number;
}

export class WeftSession implements Session {
  readonly settings: SessionSettings;
  private readonly tx: Transactions;
  private readonly cursors = new Cursors();
  private readonly openPortals = new Set<ExecutionPortal>();
  private running: AbortController | null = null;
  private closed = false;

  constructor(
    private readonly deps: SessionDeps,
    private readonly startup: StartupInfo,
    private readonly events: SessionEvents,
  ) {
    this.settings = new SessionSettings(
      {
        server_version: deps.mirror.serverVersion,
        server_encoding: "UTF8",
        client_encoding: "UTF8",
        integer_datetimes: "on",
        is_superuser: "on",
        session_authorization: startup.user,
        in_hot_standby: "off",
        standard_conforming_strings: "on",
        datestyle: "ISO, MDY",
        intervalstyle: "postgres",
        timezone: deps.timeZone,
        application_name: "",
        default_transaction_read_only: "off",
        search_path: '"$user", public',
      },
      {},
    );
    this.tx = new Transactions(() => this.settings.get("default_transaction_read_only") === "on");
  }

  /** Applies the startup packet's settings, validated by the mirror like SET would. */
  async init(): Promise<void> {
    const wanted: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.startup.params)) {
      const key = name.toLowerCase();
      if (["user", "database", "replication", "options"].includes(key)) continue;
      if (key === "client_encoding") {
        checkClientEncoding(value);
        continue;
      }
      wanted[key] = value;
    }
    for (const [k, v] of parseOptions(this.startup.params.options ?? "")) wanted[k] = v;
    if (Object.keys(wanted).length === 0) return;
    const ctx: MirrorContext = { user: this.startup.user, settings: wanted };
    const result = await this.deps.mirror.execute("SELECT 1", [], [], [], [], ctx, Object.keys(wanted));
    for (const [k, v] of Object.entries(result.settings ?? {})) this.settings.set(k, v, false);
  }

  initialParameters(): Record<string, string> {
    return this.settings.reportedValues();
  }

  get txStatus(): TxStatus {
    return this.tx.status;
  }

  // ------------------------------------------------------------ simple query

  async simpleQuery(sql: string, out: SimpleQueryOutput): Promise<void> {
    let statements: ParsedStatement[];
    try {
      statements = parseSql(sql);
    } catch (err) {
      // a syntax error aborts a transaction block like any other error
      this.tx.fail();
      throw err;
    }
    if (statements.length === 0) {
      out.emptyQuery();
      return;
    }
    if (statements.length > 1 && this.tx.state === "idle") this.tx.begin("implicit");
    try {
      for (const parsed of statements) {
        const analyzed = this.analyze(parsed);
        // a statement whose stars were expanded was parsed again from its own text
        analyzed.textStart =
          analyzed.parsed === parsed ? parsed.location + leadingSpace(sql, parsed.location) : 0;
        const execution = await this.startExecution(analyzed, [], [], [], null);
        if (execution.fields) out.rowDescription(execution.fields);
        let count = 0;
        try {
          for (let batch = await execution.nextBatch(); batch; batch = await execution.nextBatch()) {
            for (const row of batch) {
              const wait = out.write(row);
              if (wait) await wait;
            }
            count += batch.length;
          }
        } finally {
          await execution.close();
        }
        out.commandComplete(execution.tag(count));
      }
      if (this.tx.state === "implicit") await this.endTransaction(true);
    } catch (err) {
      await this.afterError();
      throw err;
    }
  }

  // ------------------------------------------------------------ extended protocol

  async prepare(sql: string, paramTypes: number[]): Promise<PreparedStatement> {
    const statements = parseSql(sql);
    if (statements.length > 1) {
      throw new PgError(SqlState.syntaxError, "cannot insert multiple commands into a prepared statement");
    }
    const analyzed =
      statements.length === 0
        ? { parsed: null, route: null, paramTypes, fields: null }
        : await this.describe(this.analyze(statements[0]), paramTypes);
    return this.preparedStatement(analyzed);
  }

  private preparedStatement(analyzed: Analyzed): PreparedStatement {
    return {
      paramTypes: analyzed.paramTypes,
      fields: analyzed.fields,
      bind: async (params, paramFormats, resultFormats) =>
        this.bind(analyzed, params, paramFormats, resultFormats),
      close: async () => {},
    };
  }

  private async bind(
    analyzed: Analyzed,
    params: (Uint8Array | null)[],
    paramFormats: FormatCode[],
    resultFormats: FormatCode[],
  ): Promise<Portal> {
    if (analyzed.parsed === null) return emptyPortal;
    const formats = expandFormats(paramFormats, params.length, "parameter");
    const fieldCount = analyzed.fields?.length ?? 0;
    const results = expandFormats(resultFormats, fieldCount, "result");
    const fields = analyzed.fields?.map((f, i) => ({ ...f, format: results[i] })) ?? null;
    const portal: ExecutionPortal = new ExecutionPortal(
      fields,
      () => this.startExecution(analyzed, params, formats, results, fields),
      (p) => this.openPortals.delete(p),
    );
    this.openPortals.add(portal);
    return portal;
  }

  extendedError(): void {
    if (this.tx.state === "block") this.tx.fail();
  }

  async sync(): Promise<void> {
    if (this.tx.state === "implicit") await this.endTransaction(true);
    if (!this.tx.inBlock) await this.closePortals();
  }

  cancel(): void {
    this.running?.abort();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.running?.abort();
    await this.closePortals();
    await this.cursors.close(null);
    await this.tx.rollback();
  }

  // ------------------------------------------------------------ analysis

  private analyze(parsed: ParsedStatement): Analyzed {
    if (this.tx.state === "failed" && !allowedWhenFailed(parsed.ast)) {
      throw new PgError(
        SqlState.inFailedSqlTransaction,
        "current transaction is aborted, commands ignored until end of transaction block",
      );
    }
    // Stars over tables with relationship columns become explicit lists, so `*` leaves out those
    // not marked always_fetch.
    const statement = expandStars(parsed, mirrorStarTables(this.deps.mirror, this.resolver())) ?? parsed;
    return { parsed: statement, route: this.route(statement), paramTypes: [], fields: null };
  }

  /** Service routes are remembered per text, search_path and schema version (see DescribeCache). */
  private route(parsed: ParsedStatement): Route {
    const cache = this.deps.describeCache;
    const key = cache.routeKey(
      this.deps.mirror.schemaVersion,
      this.settings.get("search_path") ?? "",
      parsed.text,
    );
    const hit = cache.getRoute(key);
    if (hit) return hit;
    const route = routeStatement(parsed.ast, this.deps.resolver(this.searchPath()));
    if (route.kind === "service" || route.kind === "federated") cache.setRoute(key, route);
    return route;
  }

  /** Parameter and result types, from the mirror (which has every service table, empty). */
  private async describe(analyzed: Analyzed, paramTypes: number[]): Promise<Analyzed> {
    const route = analyzed.route!;
    const sql = analyzed.parsed!.text;
    if (route.kind === "service") this.deps.catalog.requireUp(route.service);
    if (route.kind === "federated")
      for (const service of route.services) this.deps.catalog.requireUp(service);
    switch (route.kind) {
      case "mirror":
      case "sleep": {
        const d = await this.deps.mirror.describe(sql, paramTypes, this.mirrorContext());
        return { ...analyzed, paramTypes: d.paramTypes, fields: d.fields };
      }
      case "service":
      case "federated": {
        const d = await this.describeService(analyzed, paramTypes);
        return { ...analyzed, paramTypes: d.paramTypes, fields: d.fields };
      }
      case "explain":
        if (route.inner.kind === "mirror") {
          const d = await this.deps.mirror.describe(sql, paramTypes, this.mirrorContext());
          return { ...analyzed, paramTypes: d.paramTypes, fields: d.fields };
        }
        {
          // the mirror infers the parameter types of the explained statement
          const d = await this.deps.mirror.describe(sql, paramTypes, this.mirrorContext());
          const format = explainOptions(route.stmt.options).format;
          return { ...analyzed, paramTypes: d.paramTypes, fields: [explainField(format)] };
        }
      case "fetch": {
        const cursor = this.cursors.get(route.stmt.portalname ?? "");
        return { ...analyzed, paramTypes, fields: cursor.portal.fields };
      }
      default:
        return { ...analyzed, paramTypes };
    }
  }

  /**
   * A simple query's numeric literals in its WHERE clause become parameters of their own types for
   * the description (see literalParams), so queries differing only in those share a cache entry.
   * Should that form fail to describe, the statement itself is described (and reports its own error).
   */
  private async describeService(analyzed: Analyzed, paramTypes: number[]): Promise<Description> {
    const parsed = analyzed.parsed!;
    if (analyzed.textStart !== undefined && paramTypes.length === 0) {
      const normal = literalParams(parsed.ast, parsed.text, analyzed.textStart);
      if (normal) {
        try {
          const d = await this.describeCached(normal.text, normal.paramTypes);
          return { paramTypes: [], fields: d.fields };
        } catch {
          // described below as written
        }
      }
    }
    return this.describeCached(parsed.text, paramTypes);
  }

  private async describeCached(sql: string, paramTypes: number[]): Promise<Description> {
    const cache = this.deps.describeCache;
    const key = cache.key(
      this.deps.mirror.schemaVersion,
      this.settings.get("search_path") ?? "",
      paramTypes,
      sql,
    );
    const hit = cache.get(key);
    if (hit) return hit;
    const d = await this.deps.mirror.describe(sql, paramTypes, this.mirrorContext());
    cache.set(key, d);
    return d;
  }

  // ------------------------------------------------------------ execution

  private async startExecution(
    analyzed: Analyzed,
    params: (Uint8Array | null)[],
    paramFormats: FormatCode[],
    resultFormats: FormatCode[],
    fields: FieldDescription[] | null,
  ): Promise<Execution> {
    const route = analyzed.route!;
    const parsed = analyzed.parsed!;
    this.deps.metrics?.statement(route.kind);
    switch (route.kind) {
      case "transaction":
        return tagOnly(await this.transactionCommand(route.stmt));
      case "set":
        return tagOnly(await this.setCommand(route.stmt, parsed.text));
      case "mirror":
        return this.mirrorExecution(parsed.text, analyzed.paramTypes, params, paramFormats, resultFormats);
      case "sleep":
        return this.sleepExecution(parsed.text, analyzed.paramTypes, params, paramFormats, resultFormats);
      case "service": {
        // Extended protocol described the statement at Parse; a simple query is described here.
        const d = fields ? analyzed : await this.describe(analyzed, analyzed.paramTypes);
        const described = fields ?? d.fields;
        const paramTypes = d.paramTypes;
        const values = decodeParams(params, paramFormats, paramTypes, this.settings.encodeContext());
        const formats = described?.map((f, i) => resultFormats[i] ?? f.format) ?? [];
        return this.guarded(async (signal) => {
          try {
            return await startRemote(
              this.remoteContext(signal),
              parsed.ast,
              route,
              described,
              formats,
              values,
              paramTypes,
            );
          } catch (err) {
            // What the service cannot run exactly (e.g. avg over numeric on SQLite) runs in memory
            // over what it can: the cross-service planner pushes the rest down.
            if (!(err instanceof PgError) || err.code !== SqlState.featureNotSupported) throw err;
            if (route.write || route.verb !== "SELECT") throw err;
            return this.startFederatedPlan(parsed.ast, described ?? [], formats, values, paramTypes, signal);
          }
        });
      }
      case "federated": {
        const d = fields ? analyzed : await this.describe(analyzed, analyzed.paramTypes);
        const described = fields ?? d.fields ?? [];
        const paramTypes = d.paramTypes;
        const values = decodeParams(params, paramFormats, paramTypes, this.settings.encodeContext());
        const formats = described.map((f, i) => resultFormats[i] ?? f.format);
        return this.guarded((signal) =>
          this.startFederatedPlan(parsed.ast, described, formats, values, paramTypes, signal),
        );
      }
      case "explain": {
        if (route.inner.kind === "mirror") {
          return this.mirrorExecution(parsed.text, analyzed.paramTypes, params, paramFormats, resultFormats);
        }
        if (route.inner.kind !== "service" && route.inner.kind !== "federated") {
          throw new PgError(SqlState.featureNotSupported, "EXPLAIN supports queries only");
        }
        const inner = route.inner;
        const options = explainOptions(route.stmt.options);
        const paramTypes = analyzed.paramTypes;
        const values = decodeParams(params, paramFormats, paramTypes, this.settings.encodeContext());
        const query = (route.stmt.query as Node) ?? parsed.ast;
        const lines = await this.guarded(async (signal) => {
          if (inner.kind === "service") {
            try {
              return await explainServiceStatement(
                this.deps,
                this.tx,
                signal,
                inner,
                query,
                options,
                values,
                paramTypes,
              );
            } catch (err) {
              // as when it runs: what the service cannot run exactly is planned across services
              if (!(err instanceof PgError) || err.code !== SqlState.featureNotSupported) throw err;
              if (inner.write || inner.verb !== "SELECT") throw err;
            }
          }
          const planning = performance.now();
          const plan = planFederated(query, this.deps.catalog, this.resolver(), values, paramTypes);
          const planningMs = performance.now() - planning;
          const ctx = this.federatedContext(signal);
          return explainFederated(ctx, plan, options, values, paramTypes, planningMs);
        });
        const ctx = this.settings.encodeContext();
        const format = resultFormats[0] ?? 0;
        const oid = options.format === "json" ? Oid.json : Oid.text;
        const rows = lines.map((l): EncodedRow => [encodeCell(l, oid, format, ctx)]);
        return inMemory([{ ...explainField(options.format), format }], rows, () => "EXPLAIN");
      }
      case "declare":
        return tagOnly(await this.declareCursor(route, parsed));
      case "fetch": {
        const { fields: cursorFields, rows, count } = await this.cursors.fetch(route.stmt);
        const verb = route.stmt.ismove ? "MOVE" : "FETCH";
        return inMemory(route.stmt.ismove ? null : cursorFields, rows, () => `${verb} ${count}`);
      }
      case "close-cursor":
        await this.cursors.close(route.name);
        return tagOnly(route.name === null ? "CLOSE CURSOR ALL" : "CLOSE CURSOR");
      case "deallocate":
        return tagOnly(route.name === null ? "DEALLOCATE ALL" : "DEALLOCATE");
      case "discard-all":
        if (this.tx.inBlock) {
          throw new PgError(
            SqlState.activeSqlTransaction,
            "DISCARD ALL cannot run inside a transaction block",
          );
        }
        await this.cursors.close(null);
        await this.resetAll();
        return tagOnly("DISCARD ALL");
      case "noop":
        return tagOnly(route.tag);
    }
  }

  private async mirrorExecution(
    sql: string,
    paramTypes: number[],
    params: (Uint8Array | null)[],
    paramFormats: FormatCode[],
    resultFormats: FormatCode[],
  ): Promise<Execution> {
    const result = await this.deps.mirror.execute(
      sql,
      paramTypes,
      params,
      paramFormats,
      resultFormats,
      this.mirrorContext(),
    );
    for (const n of result.notices) this.events.notice(n);
    return inMemory(result.fields, result.rows, () => result.tag);
  }

  /** pg_sleep runs here, not on the shared mirror, so it neither blocks other sessions nor escapes cancel. */
  private async sleepExecution(
    sql: string,
    paramTypes: number[],
    params: (Uint8Array | null)[],
    paramFormats: FormatCode[],
    resultFormats: FormatCode[],
  ): Promise<Execution> {
    const probe = sql.replace(/pg_sleep\s*\(/gi, "pg_catalog.float8(");
    const seconds = await this.mirrorExecution(probe, paramTypes, params, paramFormats, []);
    const batch = await seconds.nextBatch();
    const cell = batch?.[0]?.[0];
    const value = cell ? Number(typeof cell === "string" ? cell : new TextDecoder().decode(cell)) : 0;
    await this.guarded((signal) => cancellableSleep(Number.isFinite(value) ? value : 0, signal));
    // pg_sleep returns void, whose text and binary forms are both empty.
    const field: FieldDescription = {
      name: "pg_sleep",
      tableOid: 0,
      columnAttr: 0,
      typeOid: voidOid,
      typeSize: 4,
      typeModifier: -1,
      format: resultFormats[0] ?? 0,
    };
    return inMemory([field], [[new Uint8Array(0)]], () => "SELECT 1");
  }

  private async startFederatedPlan(
    ast: Node,
    fields: FieldDescription[],
    formats: FormatCode[],
    values: Value[],
    paramTypes: number[],
    signal: AbortSignal,
  ): Promise<Execution> {
    const plan = planFederated(ast, this.deps.catalog, this.resolver(), values, paramTypes);
    return startFederated(this.federatedContext(signal), plan, fields, formats, values, paramTypes);
  }

  private federatedContext(signal: AbortSignal): FederatedContext {
    return {
      catalog: this.deps.catalog,
      tx: this.tx,
      encode: this.settings.encodeContext(),
      signal,
      memoryLimit: this.deps.queryMemory,
    };
  }

  private resolver() {
    return this.deps.resolver(this.searchPath());
  }

  /**
   * Runs `fn` as the session's cancellable statement. An execution it returns stays cancellable
   * until it is closed: a cross-service plan does its work while its rows are read.
   */
  private async guarded<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.running = controller;
    const release = () => {
      if (this.running === controller) this.running = null;
    };
    let result: T;
    try {
      result = await fn(controller.signal);
    } catch (err) {
      release();
      throw err;
    }
    const execution = result as Partial<Execution> | null;
    if (typeof execution?.nextBatch !== "function" || typeof execution.close !== "function") {
      release();
      return result;
    }
    const close = execution.close.bind(execution);
    (execution as Execution).close = async () => {
      release();
      await close();
    };
    return result;
  }

  private remoteContext(signal: AbortSignal) {
    return {
      deps: this.deps,
      tx: this.tx,
      encode: this.settings.encodeContext(),
      signal,
    };
  }

  // ------------------------------------------------------------ utility commands

  private async transactionCommand(stmt: TransactionStmt): Promise<string> {
    switch (stmt.kind) {
      case "TRANS_STMT_BEGIN":
      case "TRANS_STMT_START": {
        if (this.tx.inBlock) {
          this.events.notice({
            severity: "WARNING",
            code: SqlState.activeSqlTransaction,
            message: "there is already a transaction in progress",
          });
          return "BEGIN";
        }
        if (this.tx.state === "idle") this.settings.beginTransaction();
        this.tx.begin("block", transactionReadOnly(stmt.options));
        return "BEGIN";
      }
      case "TRANS_STMT_COMMIT": {
        if (!this.tx.active) {
          this.events.notice({
            severity: "WARNING",
            code: SqlState.noActiveSqlTransaction,
            message: "there is no transaction in progress",
          });
          return "COMMIT";
        }
        const failed = this.tx.state === "failed";
        await this.endTransaction(!failed);
        return failed ? "ROLLBACK" : "COMMIT";
      }
      case "TRANS_STMT_ROLLBACK": {
        if (!this.tx.active) {
          this.events.notice({
            severity: "WARNING",
            code: SqlState.noActiveSqlTransaction,
            message: "there is no transaction in progress",
          });
          return "ROLLBACK";
        }
        await this.endTransaction(false);
        return "ROLLBACK";
      }
      case "TRANS_STMT_SAVEPOINT":
        this.requireBlock("SAVEPOINT");
        await this.tx.savepoint(stmt.savepoint_name ?? "");
        return "SAVEPOINT";
      case "TRANS_STMT_RELEASE":
        this.requireBlock("RELEASE SAVEPOINT");
        await this.tx.release(stmt.savepoint_name ?? "");
        return "RELEASE";
      case "TRANS_STMT_ROLLBACK_TO":
        this.requireBlock("ROLLBACK TO SAVEPOINT");
        await this.tx.rollbackTo(stmt.savepoint_name ?? "");
        return "ROLLBACK";
      default:
        throw new PgError(
          SqlState.featureNotSupported,
          "prepared transactions (two-phase commit) are not supported",
        );
    }
  }

  private requireBlock(what: string): void {
    if (!this.tx.inBlock) {
      throw new PgError(SqlState.noActiveSqlTransaction, `${what} can only be used in transaction blocks`);
    }
  }

  private async endTransaction(commit: boolean): Promise<void> {
    this.settings.endTransaction(commit);
    await this.cursors.endTransaction();
    await this.closePortals();
    if (commit) await this.tx.commit();
    else await this.tx.rollback();
  }

  private async afterError(): Promise<void> {
    if (this.tx.state === "implicit") await this.endTransaction(false);
    else this.tx.fail();
  }

  private async setCommand(stmt: VariableSetStmt, sql: string): Promise<string> {
    if (stmt.kind === "VAR_SET_MULTI" && stmt.name === "TRANSACTION") {
      const readOnly = transactionReadOnly(stmt.args);
      if (readOnly !== undefined && this.tx.active) this.tx.readOnly = readOnly;
      return "SET";
    }
    const changed = await applySet(
      stmt,
      sql,
      this.deps.mirror,
      this.mirrorContext(),
      this.settings,
      this.tx.active,
    );
    for (const [name, value] of changed) this.events.parameterStatus(name, value);
    return stmt.kind === "VAR_RESET" || stmt.kind === "VAR_RESET_ALL" ? "RESET" : "SET";
  }

  private async resetAll(): Promise<void> {
    const changed = await applySet(
      { kind: "VAR_RESET_ALL" },
      "RESET ALL",
      this.deps.mirror,
      this.mirrorContext(),
      this.settings,
      false,
    );
    for (const [name, value] of changed) this.events.parameterStatus(name, value);
  }

  private async declareCursor(
    route: Extract<Route, { kind: "declare" }>,
    parsed: ParsedStatement,
  ): Promise<string> {
    const name = route.stmt.portalname ?? "";
    const options = cursorOptions(route.stmt.options);
    if (!options.hold && !this.tx.inBlock) {
      throw new PgError(
        SqlState.noActiveSqlTransaction,
        "DECLARE CURSOR can only be used in transaction blocks",
      );
    }
    const query = route.stmt.query as Node;
    const queryText = cursorQueryText(parsed.text);
    const inner: Analyzed = {
      parsed: { ast: query, text: queryText, location: 0 },
      route: route.inner,
      paramTypes: [],
      fields: null,
    };
    const described = await this.describe(inner, []);
    const format: FormatCode = options.binary ? 1 : 0;
    const fields = described.fields?.map((f) => ({ ...f, format })) ?? null;
    const formats = fields?.map(() => format) ?? [];
    const portal = new ExecutionPortal(fields, () =>
      this.guarded(() => this.startExecution(described, [], [], formats, fields)),
    );
    this.cursors.add({ name, portal, hold: options.hold });
    return "DECLARE CURSOR";
  }

  // ------------------------------------------------------------ helpers

  mirrorContext(): MirrorContext {
    return { user: this.startup.user, settings: this.settings.forMirror() };
  }

  private searchPath(): string[] {
    const raw = this.settings.get("search_path") ?? "";
    return raw
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) =>
        s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s.toLowerCase(),
      )
      .map((s) => (s === "$user" ? this.startup.user : s));
  }

  private async closePortals(): Promise<void> {
    const portals = [...this.openPortals];
    this.openPortals.clear();
    await Promise.allSettled(portals.map((p) => p.close()));
  }
}

const emptyPortal: Portal = {
  fields: null,
  execute: async (): Promise<ExecuteResult> => ({ kind: "empty" }),
  close: async () => {},
};

function textField(name: string): FieldDescription {
  return {
    name,
    tableOid: 0,
    columnAttr: 0,
    typeOid: Oid.text,
    typeSize: typeSize(Oid.text),
    typeModifier: -1,
    format: 0,
  };
}

function expandFormats(codes: FormatCode[], count: number, what: string): FormatCode[] {
  if (codes.length === 0) return new Array(count).fill(0);
  if (codes.length === 1) return new Array(count).fill(codes[0]);
  if (codes.length !== count) {
    throw new PgError(
      SqlState.protocolViolation,
      `bind message has ${codes.length} ${what} formats but ${count} ${what === "result" ? "columns" : "parameters"}`,
    );
  }
  return codes;
}

function decodeParams(
  params: (Uint8Array | null)[],
  formats: FormatCode[],
  types: number[],
  ctx: EncodeContext,
): Value[] {
  return params.map((p, i) => decodeParam(p, types[i] ?? Oid.unknown, formats[i] ?? 0, ctx));
}

function allowedWhenFailed(ast: Node): boolean {
  const t = (ast as { TransactionStmt?: TransactionStmt }).TransactionStmt;
  return (
    t?.kind === "TRANS_STMT_ROLLBACK" ||
    t?.kind === "TRANS_STMT_ROLLBACK_TO" ||
    t?.kind === "TRANS_STMT_COMMIT"
  );
}

function transactionReadOnly(options: Node[] | undefined): boolean | undefined {
  for (const o of options ?? []) {
    const def = (o as any).DefElem;
    if (def?.defname === "transaction_read_only") {
      const v = def.arg?.A_Const?.ival?.ival ?? def.arg?.A_Const?.boolval?.boolval;
      return v === 1 || v === true;
    }
  }
  return undefined;
}

function checkClientEncoding(value: string): void {
  const v = value.toUpperCase().replace(/[-_]/g, "");
  if (!["UTF8", "UNICODE", "SQLASCII", "AUTO"].includes(v)) {
    throw new PgError(
      SqlState.featureNotSupported,
      `client encoding "${value}" is not supported: Weft speaks UTF8 only`,
      {
        severity: "FATAL",
      },
    );
  }
}

/** Parses the startup `options` parameter: "-c name=value --name=value". */
function parseOptions(options: string): [string, string][] {
  const out: [string, string][] = [];
  const words = options.match(/(?:\\.|\S)+/g) ?? [];
  for (let i = 0; i < words.length; i++) {
    let w = words[i].replace(/\\(.)/g, "$1");
    if (w === "-c" && i + 1 < words.length) w = words[++i].replace(/\\(.)/g, "$1");
    else if (w.startsWith("-c")) w = w.slice(2);
    else if (w.startsWith("--")) w = w.slice(2);
    else continue;
    const eq = w.indexOf("=");
    if (eq > 0) out.push([w.slice(0, eq).toLowerCase().replace(/-/g, "_"), w.slice(eq + 1)]);
  }
  return out;
}

/** Length of the whitespace at `from` that ParsedStatement.text leaves out (it is trimmed). */
function leadingSpace(sql: string, from: number): number {
  let i = from;
  while (i < sql.length && /\s/.test(sql[i]!)) i++;
  return i - from;
}

/** The query of `DECLARE name [options] CURSOR [WITH HOLD] FOR query`. */
function cursorQueryText(sql: string): string {
  const m = /\bCURSOR\s+(?:WITH(?:OUT)?\s+HOLD\s+)?FOR\s+/i.exec(sql);
  return m ? sql.slice(m.index + m[0].length) : sql;
}

const voidOid = 2278;

/** The one column of EXPLAIN: text lines, or (FORMAT JSON) one json value. */
function explainField(format: "text" | "json"): FieldDescription {
  const field = textField("QUERY PLAN");
  return format === "json" ? { ...field, typeOid: Oid.json, typeSize: typeSize(Oid.json) } : field;
}

export type { RowSink };
export { toPgError };
