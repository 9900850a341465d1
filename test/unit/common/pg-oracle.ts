/** Asks the real PostgreSQL server how it reads and prints values: the oracle for the codec tests. */
import pg from "pg";
import type { EncodeContext } from "../../../src/common/values.ts";

export const PG_URL = process.env.WEFT_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const raw = { getTypeParser: () => (v: unknown) => v };

export interface ServerResult {
  text: string;
  binary: Uint8Array;
}

export interface ServerError {
  code: string;
  message: string;
}

export class PgOracle {
  private constructor(private readonly client: pg.Client) {}

  static async connect(): Promise<PgOracle> {
    const client = new pg.Client({ connectionString: PG_URL, types: raw as never });
    await client.connect();
    return new PgOracle(client);
  }

  /** Makes the server's session print values the way `ctx` asks Weft to. */
  async apply(ctx: EncodeContext): Promise<void> {
    await this.client.query(`SET TimeZone = '${ctx.timeZone}'`);
    await this.client.query(`SET DateStyle = '${ctx.dateStyle}'`);
    await this.client.query(`SET IntervalStyle = '${ctx.intervalStyle}'`);
    await this.client.query(`SET extra_float_digits = ${ctx.extraFloatDigits}`);
    await this.client.query(`SET bytea_output = '${ctx.byteaOutput}'`);
  }

  private readonly sendFunctions = new Map<string, string>();

  /**
   * `SELECT $1::type` as text, and the type's binary send output. pg decodes every result
   * cell as UTF-8, so the binary form is fetched through the type's own send function
   * (int4send, numeric_send, array_send …) as hex: the exact bytes a binary-format result carries.
   */
  async cast(literal: string, sqlType: string): Promise<ServerResult> {
    let send = this.sendFunctions.get(sqlType);
    if (!send) {
      const r = await this.client.query(
        `SELECT typsend::regproc::text AS f FROM pg_type WHERE oid = '${sqlType}'::regtype`,
      );
      send = r.rows[0].f as string;
      this.sendFunctions.set(sqlType, send);
    }
    const res = await this.client.query({
      text: `SELECT $1::${sqlType} AS t, encode(${send}($1::${sqlType}), 'hex') AS b`,
      values: [literal],
      types: raw as never,
    });
    return {
      text: res.rows[0].t as string,
      binary: new Uint8Array(Buffer.from(res.rows[0].b as string, "hex")),
    };
  }

  /** The error the server raises for `SELECT $1::type`, or null when it accepts the input. */
  async castError(literal: string, sqlType: string): Promise<ServerError | null> {
    try {
      await this.client.query({ text: `SELECT $1::${sqlType}`, values: [literal] });
      return null;
    } catch (err) {
      const e = err as { code: string; message: string };
      return { code: e.code, message: e.message };
    }
  }

  /** Sends `data` as a binary-format parameter (pg does so for a Buffer) and reads the server's text output. */
  async binaryParam(data: Uint8Array, sqlType: string): Promise<string> {
    const res = await this.client.query({
      text: `SELECT $1::${sqlType} AS v`,
      values: [Buffer.from(data)],
      types: raw as never,
    });
    return res.rows[0].v as string;
  }

  async end(): Promise<void> {
    await this.client.end();
  }
}
