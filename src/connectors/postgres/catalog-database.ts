/**
 * The PostgreSQL connection of the shared relationship catalog (catalog/relationships/pg-store.ts):
 * a small pool for reads and writes, and one dedicated connection that LISTENs and comes back
 * after a drop (server restart, idle timeout, network).
 */
import pg from "pg";
import type { CatalogDatabase, CatalogSql } from "../../catalog/relationships/pg-store.ts";

interface Logger {
  warn(obj: object, msg?: string): void;
}

const firstRetryMs = 200;
const maxRetryMs = 5000;

export function openCatalogDatabase(url: string, logger: Logger): CatalogDatabase {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on("error", (err) => logger.warn({ err: err.message }, "catalog store connection failed"));
  let listener: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  let closed = false;

  const query: CatalogSql["query"] = async (text, params) => {
    const result = await pool.query(text, params);
    return { rows: result.rows };
  };

  function listen(channel: string, onNotify: (payload: string) => void, onConnected: () => void): void {
    let delay = firstRetryMs;
    const connect = async (): Promise<void> => {
      retry = null;
      if (closed) return;
      const client = new pg.Client({ connectionString: url });
      let dropped = false;
      const drop = (why: string) => {
        if (dropped) return;
        dropped = true;
        if (listener === client) listener = null;
        client.end().catch(() => {});
        if (closed) return;
        logger.warn({ err: why, retryInMs: delay }, "catalog store listener lost its connection");
        retry = setTimeout(() => void connect(), delay);
        retry.unref();
        delay = Math.min(delay * 2, maxRetryMs);
      };
      client.on("error", (err) => drop(err.message));
      client.on("end", () => drop("connection ended"));
      client.on("notification", (msg) => {
        if (msg.channel === channel) onNotify(msg.payload ?? "");
      });
      try {
        await client.connect();
        await client.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
      } catch (err) {
        drop((err as Error).message);
        return;
      }
      if (closed) {
        await client.end().catch(() => {});
        return;
      }
      listener = client;
      delay = firstRetryMs;
      onConnected();
    };
    void connect();
  }

  return {
    query,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const sql: CatalogSql = {
          query: async (text, params) => ({ rows: (await client.query(text, params)).rows }),
        };
        const result = await work(sql);
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    listen,
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const client = listener;
      listener = null;
      await client?.end().catch(() => {});
      await pool.end();
    },
  };
}
