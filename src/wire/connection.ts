import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type SecureContext, TLSSocket } from "node:tls";
import { PgError, SqlState, toPgError } from "../common/pg-error.ts";
import type {
  Session,
  SessionEvents,
  SessionFactory,
  StartupInfo,
  UserStore,
} from "../common/session-api.ts";
import { authenticate } from "./auth/authenticate.ts";
import type { CancelKey, CancelRegistry } from "./cancel-registry.ts";
import type { DecodeResult, DecoderLimits } from "./codec/frontend-decoder.ts";
import { FrontendDecoder } from "./codec/frontend-decoder.ts";
import type { FrontendMessage, StartupPhaseMessage, TypedMessage } from "./codec/frontend-messages.ts";
import type { ProtocolError } from "./codec/protocol-error.ts";
import { asFatal, ConnectionGone, errorFields, fatal, noticeFields, protocolViolation } from "./errors.ts";
import { ExtendedProtocol } from "./extended-protocol.ts";
import type { WireLogger } from "./logger.ts";
import { MessageQueue } from "./message-queue.ts";
import { ConnectionOutput } from "./output.ts";

export interface ConnectionDeps {
  users: UserStore;
  sessions: SessionFactory;
  cancels: CancelRegistry;
  logger: WireLogger;
  limits: DecoderLimits;
  secureContext?: SecureContext;
  /** the client must be authenticated within this time (Postgres: authentication_timeout) */
  startupTimeoutMs: number;
}

type Item = FrontendMessage | { type: "ProtocolError"; error: ProtocolError } | { type: "Closed" };

/** Newest minor version of protocol 3 that Weft speaks. */
const newestMinor = 0;
/** Input is paused while this many decoded messages wait. */
const maxQueued = 1024;

/**
 * One client connection: startup/SSL negotiation, authentication, then the
 * simple and extended query protocols against a Session. `run()` never
 * rejects; every failure ends this connection only.
 */
export class Connection {
  private socket: Duplex;
  private readonly raw: Socket;
  private decoder: FrontendDecoder;
  private readonly queue = new MessageQueue<Item>();
  private readonly output: ConnectionOutput;
  private session: Session | null = null;
  private extended: ExtendedProtocol | null = null;
  private cancelKey: CancelKey | null = null;
  private busy = false;
  private closed = false;
  private paused = false;
  private tlsDone = false;
  private startupTimer: NodeJS.Timeout | null = null;
  private skipTillSync = false;

  constructor(
    socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
    this.raw = socket;
    this.socket = socket;
    this.decoder = new FrontendDecoder(deps.limits, "startup");
    this.output = new ConnectionOutput(socket);
    socket.setNoDelay(true);
    socket.on("error", (err) => this.deps.logger.debug({ err }, "client socket error"));
    socket.on("close", this.onClose);
    socket.on("data", this.onData);
  }

  get remoteAddress(): string | undefined {
    return this.raw.remoteAddress;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.accept(this.decoder.push(chunk));
  };

  private readonly onClose = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.output.markClosed();
    this.queue.push({ type: "Closed" });
    // a statement may be waiting on a backend; it has nobody to answer any more
    if (this.busy) this.session?.cancel();
  };

  private accept(result: DecodeResult): void {
    for (const m of result.messages) this.queue.push(m);
    if (result.error) {
      this.queue.push({ type: "ProtocolError", error: result.error });
      this.socket.pause();
    } else if (!this.paused && this.queue.length > maxQueued) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private async next(): Promise<FrontendMessage> {
    const item = await this.queue.next();
    if (this.paused && this.queue.length < maxQueued / 4) {
      this.paused = false;
      this.socket.resume();
    }
    if (item.type === "Closed") throw new ConnectionGone();
    if (item.type === "ProtocolError") throw protocolViolation(item.error.message, "FATAL");
    return item;
  }

  async run(): Promise<void> {
    this.startupTimer = setTimeout(() => this.raw.destroy(), this.deps.startupTimeoutMs);
    this.startupTimer.unref();
    try {
      const startup = await this.startupPhase();
      if (startup) {
        await this.establish(startup);
        await this.commandLoop();
      }
    } catch (err) {
      if (!(err instanceof ConnectionGone)) this.sendFatal(err);
    } finally {
      await this.cleanup();
    }
  }

  /** Server shutdown: tell the client and end the connection. */
  terminate(): void {
    if (this.closed) return;
    if (this.session) {
      this.output.writer.errorResponse(
        errorFields(fatal(SqlState.adminShutdown, "terminating connection due to administrator command")),
      );
      this.output.flush();
      this.session.cancel();
    }
    this.endSocket();
  }

  private endSocket(): void {
    if (this.raw.destroyed) return;
    this.socket.end();
    // a peer that never reads must not keep the socket forever
    setTimeout(() => this.raw.destroy(), 2000).unref();
  }

  private sendFatal(err: unknown): void {
    const pg = asFatal(this.report(err));
    this.output.writer.errorResponse(errorFields(pg));
    this.output.flush();
  }

  /** The PgError a client sees; anything else is logged with its stack. */
  private report(err: unknown): PgError {
    if (!(err instanceof PgError)) this.deps.logger.error({ err }, "internal error in session");
    return toPgError(err);
  }

  private async cleanup(): Promise<void> {
    if (this.startupTimer) clearTimeout(this.startupTimer);
    if (this.cancelKey) this.deps.cancels.unregister(this.cancelKey.processId);
    const session = this.session;
    this.session = null;
    if (session) {
      try {
        await this.extended?.closeAll();
      } catch (err) {
        this.deps.logger.warn({ err }, "closing statements failed");
      }
      try {
        await session.close();
      } catch (err) {
        this.deps.logger.warn({ err }, "closing session failed");
      }
    }
    this.endSocket();
  }

  // ---------------------------------------------------------------- startup

  private async startupPhase(): Promise<Extract<StartupPhaseMessage, { type: "Startup" }> | null> {
    for (;;) {
      const m = await this.next();
      switch (m.type) {
        case "SSLRequest":
          if (this.tlsDone) throw protocolViolation("SSL negotiation already completed", "FATAL");
          if (this.deps.secureContext) {
            // bytes sent before the handshake could be injected by a man in the middle
            if (this.decoder.bufferedBytes > 0)
              throw protocolViolation("received unencrypted data after SSL request", "FATAL");
            this.output.writeRaw(Buffer.from("S"));
            this.upgradeToTls(this.deps.secureContext);
          } else {
            this.output.writeRaw(Buffer.from("N"));
            this.accept(this.decoder.resume());
          }
          break;
        case "GSSENCRequest":
          this.output.writeRaw(Buffer.from("N"));
          this.accept(this.decoder.resume());
          break;
        case "CancelRequest":
          this.deps.cancels.cancel(m.processId, m.secretKey);
          return null;
        case "Startup":
          return m;
        default:
          throw protocolViolation(`unexpected message type "${m.type}" during startup`, "FATAL");
      }
    }
  }

  private upgradeToTls(secureContext: SecureContext): void {
    this.raw.removeListener("data", this.onData);
    const tls = new TLSSocket(this.raw, { isServer: true, secureContext });
    tls.on("error", (err) => {
      this.deps.logger.debug({ err }, "TLS error");
      this.raw.destroy();
    });
    tls.on("close", this.onClose);
    tls.on("data", this.onData);
    this.socket = tls;
    this.output.setSocket(tls);
    this.decoder = new FrontendDecoder(this.deps.limits, "startup");
    this.tlsDone = true;
  }

  private async establish(startup: Extract<StartupPhaseMessage, { type: "Startup" }>): Promise<void> {
    if (startup.major !== 3)
      throw fatal(
        SqlState.featureNotSupported,
        `unsupported frontend protocol ${startup.major}.${startup.minor}: server supports 3.0 to 3.${newestMinor}`,
      );
    const params: Record<string, string> = {};
    const unrecognized: string[] = [];
    for (const [k, v] of Object.entries(startup.params)) {
      if (k.startsWith("_pq_.")) unrecognized.push(k);
      else params[k] = v;
    }
    const w = this.output.writer;
    if (startup.minor > newestMinor || unrecognized.length > 0)
      w.negotiateProtocolVersion(newestMinor, unrecognized);
    const user = params.user;
    if (!user)
      throw fatal(
        SqlState.invalidAuthorizationSpecification,
        "no PostgreSQL user name specified in startup packet",
      );
    const database = params.database || user;

    const { users } = this.deps;
    const { saslFinal } = await authenticate(users.method, user, users.lookup(user), {
      request: async (message) => {
        this.output.flush();
        this.output.writeRaw(message);
        const reply = await this.next();
        if (reply.type !== "Password")
          throw protocolViolation(`expected password response, got message type "${reply.type}"`, "FATAL");
        return reply.data;
      },
    });
    if (saslFinal) this.output.writeRaw(saslFinal);
    w.authenticationOk();

    const info: StartupInfo = { user, database, params, remoteAddress: this.raw.remoteAddress };
    const session = await this.openSession(info);
    if (this.closed) {
      this.session = session; // cleanup closes it
      throw new ConnectionGone();
    }
    this.session = session;
    this.extended = new ExtendedProtocol(session, this.output);
    if (this.startupTimer) clearTimeout(this.startupTimer);
    this.startupTimer = null;

    for (const [name, value] of Object.entries(session.initialParameters())) w.parameterStatus(name, value);
    this.cancelKey = this.deps.cancels.register(session);
    w.backendKeyData(this.cancelKey.processId, this.cancelKey.secretKey);
    w.readyForQuery(session.txStatus);
    this.output.flush();
  }

  private async openSession(info: StartupInfo): Promise<Session> {
    const events: SessionEvents = {
      parameterStatus: (name, value) => {
        this.output.writer.parameterStatus(name, value);
        if (!this.busy) this.output.flush();
      },
      notice: (notice) => {
        this.output.writer.noticeResponse(noticeFields(notice));
        if (!this.busy) this.output.flush();
      },
    };
    try {
      return await this.deps.sessions.open(info, events);
    } catch (err) {
      throw asFatal(this.report(err));
    }
  }

  // ---------------------------------------------------------------- commands

  private async commandLoop(): Promise<void> {
    for (;;) {
      const m = await this.next();
      if (m.type === "Terminate") return;
      if (this.skipTillSync && m.type !== "Sync") continue;
      this.busy = true;
      try {
        await this.dispatch(m);
      } finally {
        this.busy = false;
      }
    }
  }

  private async dispatch(m: FrontendMessage): Promise<void> {
    const session = this.session!;
    const extended = this.extended!;
    const w = this.output.writer;
    switch (m.type) {
      case "Query":
        await this.simpleQuery(session, extended, m.sql);
        return;
      case "FunctionCall":
        this.sendError(new PgError(SqlState.featureNotSupported, "function call protocol is not supported"));
        w.readyForQuery(session.txStatus);
        this.output.flush();
        return;
      case "Sync":
        this.skipTillSync = false;
        try {
          await session.sync();
        } catch (err) {
          this.sendError(err);
        }
        if (session.txStatus === "I") await this.closePortals(extended);
        w.readyForQuery(session.txStatus);
        this.output.flush();
        return;
      case "Flush":
        this.output.flush();
        return;
      // Postgres ignores stray copy messages: they follow a COPY that already failed.
      case "CopyData":
      case "CopyDone":
      case "CopyFail":
        return;
      case "Parse":
      case "Bind":
      case "Describe":
      case "Execute":
      case "Close":
        await this.extendedMessage(session, extended, m);
        return;
      default:
        throw protocolViolation(`invalid frontend message type "${m.type}"`, "FATAL");
    }
  }

  private async extendedMessage(
    session: Session,
    extended: ExtendedProtocol,
    m: TypedMessage,
  ): Promise<void> {
    try {
      switch (m.type) {
        case "Parse":
          await extended.parse(m);
          break;
        case "Bind":
          await extended.bind(m);
          break;
        case "Describe":
          extended.describe(m);
          break;
        case "Execute":
          await extended.execute(m);
          // a Sync or Flush already queued sends it all in one write; otherwise the rows go now
          if (this.queue.length === 0) this.output.flush();
          break;
        case "Close":
          await extended.close(m);
          break;
      }
    } catch (err) {
      this.sendError(err);
      session.extendedError();
      this.skipTillSync = true;
    }
  }

  private async simpleQuery(session: Session, extended: ExtendedProtocol, sql: string): Promise<void> {
    const w = this.output.writer;
    try {
      // like Postgres, a simple query discards the unnamed prepared statement
      await extended.dropStatement("");
      await session.simpleQuery(sql, {
        rowDescription: (fields) => {
          w.rowDescription(fields);
        },
        write: (row) => this.output.writeRow(row),
        commandComplete: (tag) => {
          w.commandComplete(tag);
        },
        emptyQuery: () => {
          w.emptyQueryResponse();
        },
      });
    } catch (err) {
      this.sendError(err);
    }
    if (session.txStatus === "I") await this.closePortals(extended);
    w.readyForQuery(session.txStatus);
    this.output.flush();
  }

  private async closePortals(extended: ExtendedProtocol): Promise<void> {
    try {
      await extended.closePortals();
    } catch (err) {
      this.deps.logger.warn({ err }, "closing portals failed");
    }
  }

  /** ErrorResponse for a failed statement; a FATAL one ends the connection. */
  private sendError(err: unknown): void {
    const pg = this.report(err);
    if (pg.severity !== "ERROR") throw pg;
    this.output.writer.errorResponse(errorFields(pg));
    this.output.flush();
  }
}
