/**
 * psql 15 against the mirror: the catalog queries psql 15 sends for its
 * meta-commands (captured with `psql -E` against the real PostgreSQL holding the
 * same schema) must run on the mirror and return what the real server returns.
 * The captured queries are kept in psql15-queries/ with OIDs as {{relation}}
 * placeholders; when psql is installed they are captured afresh and must match.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { type Mirror, openMirror } from "../../../src/catalog/mirror.ts";
import { createPgDatabase, type TestDatabase } from "../../support/databases.ts";
import { shopSchema } from "./fixture-schema.ts";
import { ctxOf, textRows } from "./mirror-helpers.ts";

const FIXTURES = join(import.meta.dirname, "psql15-queries");

const COMMANDS: Record<string, string> = {
  l: "\\l",
  dn: "\\dn",
  dt_shop: "\\dt shop.*",
  d_orders: "\\d shop.orders",
  d_customers: "\\d shop.customers",
  dplus_customers: "\\d+ shop.customers",
  d_view: "\\d shop.big_spenders",
  dv: "\\dv",
  dv_shop: "\\dv shop.*",
  di: "\\di",
  di_shop: "\\di shop.*",
  df: "\\df",
  df_shop: "\\df shop.*",
};

/** The same schema as fixture-schema.ts, as a Postgres server would hold it. */
const SHOP_DDL = `
CREATE SCHEMA shop;
CREATE TABLE shop.customers (
  id integer NOT NULL, email character varying(100) NOT NULL, name character varying(40),
  country character(2) DEFAULT 'US', created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT customers_pkey PRIMARY KEY (id), CONSTRAINT email UNIQUE (email));
CREATE INDEX idx_name ON shop.customers (name);
COMMENT ON TABLE shop.customers IS 'people who buy things';
COMMENT ON COLUMN shop.customers.email IS 'login e-mail';
CREATE TABLE shop.orders (
  id bigint NOT NULL, customer_id integer NOT NULL, total numeric(10,2), paid boolean DEFAULT false,
  ordered_on date, ordered_at timestamp(3) without time zone, note text,
  CONSTRAINT orders_pkey PRIMARY KEY (id),
  CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES shop.customers (id) ON DELETE CASCADE);
CREATE INDEX orders_idx_name ON shop.orders (customer_id, ordered_on);
CREATE TABLE shop.everything (
  k smallint NOT NULL, r real, d double precision, t time without time zone, i interval, b bytea, j json,
  jb jsonb, u uuid, ia integer[], ta text[], CONSTRAINT everything_pkey PRIMARY KEY (k));
CREATE VIEW shop.big_spenders AS SELECT NULL::integer AS customer_id, NULL::numeric(10,2) AS spent WHERE false;
COMMENT ON VIEW shop.big_spenders IS 'customers by spend';
COMMENT ON COLUMN shop.big_spenders.spent IS 'sum';
`;

function psqlAvailable(): boolean {
  const r = spawnSync("psql", ["--version"], { encoding: "utf8" });
  return r.status === 0 && /\b15\./.test(r.stdout);
}

/** Runs one meta-command with psql -E and returns the catalog queries it sent. */
function capture(url: string, command: string): string[] {
  const r = spawnSync("psql", ["-X", "-E", "-d", url, "-c", command], { encoding: "utf8" });
  assert.equal(r.status, 0, `psql ${command}: ${r.stderr}`);
  const queries: string[] = [];
  const re = /\*{9} QUERY \*{10}\n([\s\S]*?)\n\*{26}\n/g;
  for (let m = re.exec(r.stdout); m; m = re.exec(r.stdout)) queries.push(m[1]);
  assert.ok(queries.length > 0, `psql sent no catalog query for ${command}`);
  return queries;
}

/** relation name → OID, for the shop schema's tables, views and indexes. */
type OidMap = Map<string, string>;

function toPlaceholders(sql: string, oids: OidMap): string {
  let out = sql;
  for (const [name, oid] of oids) out = out.replaceAll(`'${oid}'`, `'{{${name}}}'`);
  return out;
}

function fromPlaceholders(sql: string, oids: OidMap): string {
  return sql.replace(/\{\{([^}]+)\}\}/g, (_, name: string) => {
    const oid = oids.get(name);
    assert.ok(oid, `no OID for ${name}`);
    return oid;
  });
}

function normalise(rows: (string | null)[][], oids: OidMap): (string | null)[][] {
  const byOid = new Map([...oids].map(([name, oid]) => [oid, `{{${name}}}`]));
  return rows.map((row) => row.map((cell) => (cell !== null && byOid.has(cell) ? byOid.get(cell)! : cell)));
}

const RELATIONS_SQL = `SELECT c.relname, c.oid::text FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'shop'`;

describe("psql 15 meta-commands on the mirror", () => {
  let db: TestDatabase;
  let client: pg.Client;
  let mirror: Mirror;
  const realOids: OidMap = new Map();
  const mirrorOids: OidMap = new Map();
  const queries = new Map<string, string[]>();
  const ctx = ctxOf("postgres");

  before(async () => {
    db = await createPgDatabase("weft_psql");
    client = new pg.Client({ connectionString: db.url, types: { getTypeParser: () => (v: string) => v } });
    await client.connect();
    await client.query(SHOP_DDL);
    for (const r of (await client.query({ text: RELATIONS_SQL, rowMode: "array" })).rows)
      realOids.set(r[0], r[1]);

    mirror = await openMirror({ dataDir: null, database: "weft", users: ["postgres"] });
    await mirror.applyServiceSchema("shop", shopSchema());
    for (const r of await textRows(mirror, RELATIONS_SQL, ctx)) mirrorOids.set(r[0]!, r[1]!);

    const fresh = psqlAvailable();
    if (process.env.WEFT_UPDATE_FIXTURES) mkdirSync(FIXTURES, { recursive: true });
    for (const [key, command] of Object.entries(COMMANDS)) {
      const file = join(FIXTURES, `${key}.sql`);
      const committed = existsSync(file) ? readFileSync(file, "utf8").split("\n;;\n") : null;
      if (fresh) {
        const captured = capture(db.url, command).map((q) => toPlaceholders(q, realOids));
        if (process.env.WEFT_UPDATE_FIXTURES) writeFileSync(file, captured.join("\n;;\n"));
        else if (committed) assert.deepEqual(captured, committed, `psql15-queries/${key}.sql is out of date`);
        queries.set(key, captured);
      } else {
        assert.ok(committed, `psql 15 is not installed and psql15-queries/${key}.sql is missing`);
        queries.set(key, committed);
      }
    }
  });

  after(async () => {
    await client?.end();
    await db?.drop();
    await mirror?.close();
  });

  async function both(key: string): Promise<{ mirror: (string | null)[][][]; real: (string | null)[][][] }> {
    const out = { mirror: [] as (string | null)[][][], real: [] as (string | null)[][][] };
    for (const q of queries.get(key)!) {
      const onMirror = await textRows(mirror, fromPlaceholders(q, mirrorOids), ctx);
      const onReal = (await client.query({ text: fromPlaceholders(q, realOids), rowMode: "array" })).rows;
      out.mirror.push(normalise(onMirror, mirrorOids));
      out.real.push(normalise(onReal, realOids));
    }
    return out;
  }

  for (const key of Object.keys(COMMANDS)) {
    if (key === "l") continue;
    test(`${COMMANDS[key]} returns what PostgreSQL returns`, async () => {
      const r = await both(key);
      assert.deepEqual(r.mirror, r.real);
    });
  }

  test("\\l runs and lists the mirror's database", async () => {
    const [list] = (await both("l")).mirror;
    const names = list.map((row) => row[0]);
    assert.ok(names.includes("weft"), `\\l lists ${names.join(", ")}`);
  });

  test("\\d shop.orders shows the columns, the primary key index and the foreign key", async () => {
    const results = (await both("d_orders")).mirror;
    const flat = results.flat().map((row) => row.join("|"));
    const columns = results.find((rs) => rs.some((row) => row[0] === "customer_id"))!;
    assert.deepEqual(
      columns.map((row) => row.slice(0, 2)),
      [
        ["id", "bigint"],
        ["customer_id", "integer"],
        ["total", "numeric(10,2)"],
        ["paid", "boolean"],
        ["ordered_on", "date"],
        ["ordered_at", "timestamp(3) without time zone"],
        ["note", "text"],
      ],
    );
    assert.ok(
      flat.some((line) => line.startsWith("orders_pkey|t|t|") && line.includes("PRIMARY KEY (id)")),
      flat.join("\n"),
    );
    assert.ok(
      flat.some((line) =>
        line.includes(
          "orders_customer_fk|FOREIGN KEY (customer_id) REFERENCES shop.customers(id) ON DELETE CASCADE",
        ),
      ),
      flat.join("\n"),
    );
  });
});
