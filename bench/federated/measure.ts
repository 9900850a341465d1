/**
 * Runs one statement on one side (Weft, the FDW peer or the oracle) and measures it: wall time from sending
 * the query to the last row received, the row count, and a digest of the result (column names and every
 * cell's text, in order) so the three sides can be checked against each other before their times mean
 * anything. Values stay as the server's text, so the client costs the same on every side.
 */
import { createHash } from "node:crypto";
import pg from "pg";

export type RunOutcome =
  | { kind: "ok"; ms: number; rows: number; digest: string }
  | { kind: "error"; sqlstate: string | null; message: string; ms: number }
  | { kind: "timeout"; ms: number };

const rawText = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

/** One connection to one side, replaced after a timeout (the old one is destroyed mid-query). */
export class SideConnection {
  private client: pg.Client | null = null;

  constructor(
    readonly label: string,
    private readonly url: string,
    private readonly timeoutMs: number,
    /** PostgreSQL sides also get statement_timeout, so the server stops on its own */
    private readonly serverTimeout: boolean,
  ) {}

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const c = new pg.Client({
      connectionString: this.url,
      types: rawText,
      ...(this.serverTimeout ? { statement_timeout: this.timeoutMs + 1000 } : {}),
    });
    c.on("error", () => {});
    await c.connect();
    this.client = c;
    return c;
  }

  async run(sql: string): Promise<RunOutcome> {
    const client = await this.connect();
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.timeoutMs);
    });
    try {
      const result = await Promise.race([client.query({ text: sql, rowMode: "array" }), timedOut]);
      const ms = elapsed();
      if (result === "timeout") {
        // Dropping the connection is the one way that works on every side: the server (or Weft) sees the
        // client go and abandons the statement.
        this.discard();
        return { kind: "timeout", ms };
      }
      return { kind: "ok", ms, rows: result.rows.length, digest: digestOf(result.fields, result.rows) };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      const sqlstate = typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : null;
      // a broken connection is replaced for the next run
      if (sqlstate === null) this.discard();
      return { kind: "error", sqlstate, message: e.message ?? String(err), ms: elapsed() };
    } finally {
      clearTimeout(timer);
    }
  }

  private discard(): void {
    const c = this.client;
    this.client = null;
    if (!c) return;
    const stream = (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
    stream?.destroy();
    c.end().catch(() => {});
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }
}

export function digestOf(fields: { name: string }[], rows: unknown[][]): string {
  const h = createHash("sha256");
  h.update(JSON.stringify(fields.map((f) => f.name)));
  for (const row of rows) h.update(`\n${JSON.stringify(row)}`);
  return h.digest("hex").slice(0, 16);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function geometricMean(values: number[]): number | null {
  if (values.length === 0) return null;
  return Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
}
