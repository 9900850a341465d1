import { PgError, SqlState } from "../common/pg-error.ts";
import type { Portal, PreparedStatement, Session } from "../common/session-api.ts";
import type { FormatCode } from "../common/values.ts";
import type { TypedMessage } from "./codec/frontend-messages.ts";
import { protocolViolation } from "./errors.ts";
import type { ConnectionOutput } from "./output.ts";

type Msg<T extends TypedMessage["type"]> = Extract<TypedMessage, { type: T }>;

function formatCodes(codes: number[]): FormatCode[] {
  for (const c of codes) {
    if (c !== 0 && c !== 1)
      throw new PgError(SqlState.invalidParameterValue, `unsupported format code: ${c}`);
  }
  return codes as FormatCode[];
}

function quoteName(name: string): string {
  return `"${name}"`;
}

/**
 * Named and unnamed prepared statements and portals of one connection, and
 * the extended-protocol messages that act on them. Every method throws a
 * PgError on failure; the connection turns that into skip-until-Sync.
 */
export class ExtendedProtocol {
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly portals = new Map<string, Portal>();

  constructor(
    private readonly session: Session,
    private readonly output: ConnectionOutput,
  ) {}

  private statement(name: string): PreparedStatement {
    const stmt = this.statements.get(name);
    if (stmt) return stmt;
    throw new PgError(
      SqlState.invalidSqlStatementName,
      name === ""
        ? "unnamed prepared statement does not exist"
        : `prepared statement ${quoteName(name)} does not exist`,
    );
  }

  private portal(name: string): Portal {
    const portal = this.portals.get(name);
    if (portal) return portal;
    throw new PgError(SqlState.invalidCursorName, `portal ${quoteName(name)} does not exist`);
  }

  async dropStatement(name: string): Promise<void> {
    const stmt = this.statements.get(name);
    if (!stmt) return;
    this.statements.delete(name);
    await stmt.close();
  }

  async dropPortal(name: string): Promise<void> {
    const portal = this.portals.get(name);
    if (!portal) return;
    this.portals.delete(name);
    await portal.close();
  }

  async parse(m: Msg<"Parse">): Promise<void> {
    if (m.name === "") await this.dropStatement("");
    else if (this.statements.has(m.name))
      throw new PgError(
        SqlState.duplicatePreparedStatement,
        `prepared statement ${quoteName(m.name)} already exists`,
      );
    const stmt = await this.session.prepare(m.sql, m.paramTypes);
    this.statements.set(m.name, stmt);
    this.output.writer.parseComplete();
  }

  async bind(m: Msg<"Bind">): Promise<void> {
    const stmt = this.statement(m.statement);
    if (m.portal === "") await this.dropPortal("");
    else if (this.portals.has(m.portal))
      throw new PgError(SqlState.duplicateCursor, `cursor ${quoteName(m.portal)} already exists`);
    const n = m.params.length;
    if (m.paramFormats.length > 1 && m.paramFormats.length !== n)
      throw protocolViolation(
        `bind message has ${m.paramFormats.length} parameter formats but ${n} parameters`,
      );
    const paramFormats = formatCodes(m.paramFormats);
    if (n !== stmt.paramTypes.length)
      throw protocolViolation(
        `bind message supplies ${n} parameters, but prepared statement ${quoteName(m.statement)} requires ${stmt.paramTypes.length}`,
      );
    const columns = stmt.fields?.length ?? 0;
    if (m.resultFormats.length > 1 && m.resultFormats.length !== columns)
      throw protocolViolation(
        `bind message has ${m.resultFormats.length} result formats but query has ${columns} columns`,
      );
    const resultFormats = formatCodes(m.resultFormats);
    const portal = await stmt.bind(m.params, paramFormats, resultFormats);
    this.portals.set(m.portal, portal);
    this.output.writer.bindComplete();
  }

  describe(m: Msg<"Describe">): void {
    const w = this.output.writer;
    if (m.target === "S") {
      const stmt = this.statement(m.name);
      w.parameterDescription(stmt.paramTypes);
      if (stmt.fields) w.rowDescription(stmt.fields);
      else w.noData();
      return;
    }
    const portal = this.portal(m.name);
    if (portal.fields) w.rowDescription(portal.fields);
    else w.noData();
  }

  async execute(m: Msg<"Execute">): Promise<void> {
    const portal = this.portal(m.portal);
    const result = await portal.execute(Math.max(m.maxRows, 0), {
      write: (row) => this.output.writeRow(row),
    });
    const w = this.output.writer;
    if (result.kind === "suspended") w.portalSuspended();
    else if (result.kind === "empty") w.emptyQueryResponse();
    else w.commandComplete(result.tag);
  }

  async close(m: Msg<"Close">): Promise<void> {
    if (m.target === "S") await this.dropStatement(m.name);
    else await this.dropPortal(m.name);
    this.output.writer.closeComplete();
  }

  /** Portals live until the transaction ends (Sync or a simple query outside a block). */
  async closePortals(): Promise<void> {
    const names = [...this.portals.keys()];
    for (const name of names) await this.dropPortal(name);
  }

  async closeAll(): Promise<void> {
    await this.closePortals();
    const names = [...this.statements.keys()];
    for (const name of names) await this.dropStatement(name);
  }
}
