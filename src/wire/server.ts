import { createServer, type Server, type Socket } from "node:net";
import { createSecureContext } from "node:tls";
import type { SessionFactory, UserStore } from "../common/session-api.ts";
import { CancelRegistry } from "./cancel-registry.ts";
import { defaultMaxMessageBytes } from "./codec/frontend-decoder.ts";
import { Connection } from "./connection.ts";
import { silentLogger, type WireLogger } from "./logger.ts";

export interface WireServerOptions {
  host: string;
  /** 0 picks a free port; see WireServer.port */
  port: number;
  users: UserStore;
  sessions: SessionFactory;
  tls?: { cert: Buffer; key: Buffer };
  logger?: WireLogger;
  /** largest frontend message accepted; default 64 MiB */
  maxMessageBytes?: number;
  /** time allowed from connect to authenticated; default 60 s */
  startupTimeoutMs?: number;
}

export interface WireServer {
  /** the port actually bound */
  readonly port: number;
  /** Stops listening, ends every connection and waits for their sessions to close. */
  close(): Promise<void>;
  connectionCount(): number;
}

/** How long close() waits for connections to wind down before destroying them. */
const closeGraceMs = 5000;

export async function startWireServer(options: WireServerOptions): Promise<WireServer> {
  const logger = options.logger ?? silentLogger;
  const cancels = new CancelRegistry();
  const connections = new Map<Connection, Promise<void>>();
  const sockets = new Set<Socket>();
  const deps = {
    users: options.users,
    sessions: options.sessions,
    cancels,
    logger,
    limits: { maxMessageBytes: options.maxMessageBytes ?? defaultMaxMessageBytes },
    secureContext: options.tls
      ? createSecureContext({ cert: options.tls.cert, key: options.tls.key })
      : undefined,
    startupTimeoutMs: options.startupTimeoutMs ?? 60_000,
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    try {
      const conn = new Connection(socket, deps);
      const done = conn
        .run()
        .catch((err) => logger.error({ err }, "connection failed"))
        .finally(() => connections.delete(conn));
      connections.set(conn, done);
    } catch (err) {
      logger.error({ err }, "could not set up connection");
      socket.destroy();
    }
  });
  server.on("error", (err) => logger.error({ err }, "wire server error"));

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(options.port, options.host, () => {
      server.removeListener("error", onError);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  logger.info({ host: options.host, port, tls: Boolean(options.tls) }, "wire server listening");

  let closing: Promise<void> | null = null;
  return {
    port,
    connectionCount: () => connections.size,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const conn of connections.keys()) conn.terminate();
        const grace = new Promise<void>((resolve) => setTimeout(resolve, closeGraceMs).unref());
        await Promise.race([Promise.all(connections.values()), grace]);
        for (const socket of sockets) socket.destroy();
        await stopped;
      })();
      return closing;
    },
  };
}
