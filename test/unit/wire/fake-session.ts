/**
 * A Session test double with a fixed repertoire of statements. It exercises
 * the protocol, not SQL: each recognised statement returns fixed rows.
 */
import { PgError } from "../../../src/common/pg-error.ts";
import type { FieldDescription } from "../../../src/common/row.ts";
import type {
  ExecuteResult,
  Portal,
  PreparedStatement,
  RowSink,
  Session,
  SessionEvents,
  SessionFactory,
  SimpleQueryOutput,
  StartupInfo,
  TxStatus,
} from "../../../src/common/session-api.ts";
import type { FormatCode } from "../../../src/common/values.ts";

const int4 = 23;
const text = 25;

function field(name: string, typeOid: number, format: FormatCode = 0): FieldDescription {
  return {
    name,
    tableOid: 0,
    columnAttr: 0,
    typeOid,
    typeSize: typeOid === int4 ? 4 : -1,
    typeModifier: -1,
    format,
  };
}

function encode(value: number | string, typeOid: number, format: FormatCode): Uint8Array {
  if (typeOid === int4 && format === 1) {
    const b = Buffer.alloc(4);
    b.writeInt32BE(Number(value));
    return b;
  }
  return Buffer.from(String(value));
}

function decode(bytes: Uint8Array | null, typeOid: number, format: FormatCode): number | string | null {
  if (bytes === null) return null;
  const b = Buffer.from(bytes);
  if (typeOid === int4) return format === 1 ? b.readInt32BE(0) : Number.parseInt(b.toString(), 10);
  return b.toString();
}

interface Plan {
  paramTypes: number[];
  fields: FieldDescription[] | null;
  /** rows (as values) for the given parameters */
  rows(params: (number | string | null)[]): (number | string | null)[][];
  tag(count: number): string;
}

function planFor(sql: string): Plan {
  const s = sql.trim().toLowerCase();
  if (s === "") return { paramTypes: [], fields: null, rows: () => [], tag: () => "" };
  const literal = /^select (-?\d+)$/.exec(s);
  if (literal)
    return {
      paramTypes: [],
      fields: [field("?column?", int4)],
      rows: () => [[Number(literal[1])]],
      tag: () => "SELECT 1",
    };
  if (s === "select $1::int4 as a, $2::text as b")
    return {
      paramTypes: [int4, text],
      fields: [field("a", int4), field("b", text)],
      rows: (p) => [[p[0], p[1]]],
      tag: () => "SELECT 1",
    };
  const gen = /^select \* from gen\((\$1|\d+)\)$/.exec(s);
  if (gen) {
    const count = gen[1] === "$1" ? null : Number(gen[1]);
    return {
      paramTypes: count === null ? [int4] : [],
      fields: [field("id", int4), field("name", text)],
      rows: (p) => Array.from({ length: Number(count ?? p[0]) }, (_, i) => [i + 1, `row ${i + 1}`]),
      tag: (n) => `SELECT ${n}`,
    };
  }
  if (s === "insert") return { paramTypes: [], fields: null, rows: () => [], tag: () => "INSERT 0 1" };
  if (s === "fail")
    throw new PgError("42P01", 'relation "nope" does not exist', { position: 3, hint: "check the name" });
  if (s === "boom") throw new Error("kaboom: a bug with internals");
  throw new PgError("42601", `syntax error at or near "${sql.slice(0, 10)}"`);
}

class FakePortal implements Portal {
  private rows: (number | string | null)[][];
  private pos = 0;
  private done = false;
  closed = false;
  readonly executes: { maxRows: number; result: string }[] = [];

  constructor(
    private readonly plan: Plan,
    params: (number | string | null)[],
    readonly fields: FieldDescription[] | null,
  ) {
    this.rows = plan.rows(params);
  }

  async execute(maxRows: number, out: RowSink): Promise<ExecuteResult> {
    if (this.plan.tag(0) === "") return { kind: "empty" };
    let written = 0;
    while (!this.done && this.pos < this.rows.length && (maxRows === 0 || written < maxRows)) {
      const row = this.rows[this.pos++];
      const p = out.write(
        row.map((v, i) => (v === null ? null : encode(v, this.fields![i].typeOid, this.fields![i].format))),
      );
      if (p) await p;
      written++;
    }
    if (!this.done && this.pos < this.rows.length) {
      this.executes.push({ maxRows, result: "suspended" });
      return { kind: "suspended" };
    }
    this.done = true;
    this.executes.push({ maxRows, result: "complete" });
    return { kind: "complete", tag: this.plan.tag(this.rows.length) };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

class FakeStatement implements PreparedStatement {
  readonly paramTypes: number[];
  readonly fields: FieldDescription[] | null;
  readonly portals: FakePortal[] = [];
  closed = false;

  constructor(private readonly plan: Plan) {
    this.paramTypes = plan.paramTypes;
    this.fields = plan.fields;
  }

  async bind(params: (Uint8Array | null)[], paramFormats: FormatCode[], resultFormats: FormatCode[]) {
    const fmt = (codes: FormatCode[], i: number): FormatCode =>
      codes.length === 0 ? 0 : codes.length === 1 ? codes[0] : codes[i];
    const values = params.map((p, i) => decode(p, this.paramTypes[i], fmt(paramFormats, i)));
    const fields = this.fields?.map((f, i) => ({ ...f, format: fmt(resultFormats, i) })) ?? null;
    const portal = new FakePortal(this.plan, values, fields);
    this.portals.push(portal);
    return portal;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export class FakeSession implements Session {
  txStatus: TxStatus = "I";
  cancelled = 0;
  closed = false;
  extendedErrors = 0;
  syncs = 0;
  readonly prepared: { sql: string; paramTypes: number[]; stmt: FakeStatement }[] = [];
  running = false;
  private onCancel: (() => void) | null = null;

  constructor(
    readonly startup: StartupInfo,
    private readonly events: SessionEvents,
  ) {}

  initialParameters(): Record<string, string> {
    return {
      server_version: "16.4",
      server_encoding: "UTF8",
      client_encoding: "UTF8",
      DateStyle: "ISO, MDY",
      integer_datetimes: "on",
      TimeZone: "UTC",
      standard_conforming_strings: "on",
      application_name: this.startup.params.application_name ?? "",
    };
  }

  async simpleQuery(sql: string, out: SimpleQueryOutput): Promise<void> {
    this.running = true;
    try {
      const statements = sql.split(";").map((s) => s.trim());
      if (statements.every((s) => s === "")) {
        out.emptyQuery();
        return;
      }
      for (const s of statements) {
        if (s === "") continue;
        const lower = s.toLowerCase();
        if (lower === "begin" || lower === "commit") {
          this.txStatus = lower === "begin" ? "T" : "I";
          out.commandComplete(lower.toUpperCase());
          continue;
        }
        if (lower === "sleep") {
          await new Promise<void>((resolve) => {
            this.onCancel = resolve;
          });
          throw new PgError("57014", "canceling statement due to user request");
        }
        if (lower === "notice") {
          this.events.notice({ severity: "NOTICE", code: "00000", message: "just so you know" });
          out.commandComplete("DO");
          continue;
        }
        if (lower === "set app") {
          this.events.parameterStatus("application_name", "changed");
          out.commandComplete("SET");
          continue;
        }
        const plan = this.fail(() => planFor(s));
        if (plan.fields) out.rowDescription(plan.fields);
        const rows = plan.rows([]);
        for (const row of rows) {
          const p = out.write(row.map((v, i) => (v === null ? null : encode(v, plan.fields![i].typeOid, 0))));
          if (p) await p;
        }
        out.commandComplete(plan.tag(rows.length));
      }
    } finally {
      this.running = false;
    }
  }

  private fail<T>(f: () => T): T {
    try {
      return f();
    } catch (err) {
      if (this.txStatus === "T") this.txStatus = "E";
      throw err;
    }
  }

  async prepare(sql: string, paramTypes: number[]): Promise<PreparedStatement> {
    const stmt = new FakeStatement(planFor(sql));
    this.prepared.push({ sql, paramTypes, stmt });
    return stmt;
  }

  extendedError(): void {
    this.extendedErrors++;
    if (this.txStatus === "T") this.txStatus = "E";
  }

  async sync(): Promise<void> {
    this.syncs++;
  }

  cancel(): void {
    this.cancelled++;
    const c = this.onCancel;
    this.onCancel = null;
    c?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancel();
  }
}

export class FakeSessionFactory implements SessionFactory {
  readonly sessions: FakeSession[] = [];

  async open(startup: StartupInfo, events: SessionEvents): Promise<Session> {
    if (startup.database === "nodb") throw new PgError("3D000", 'database "nodb" does not exist');
    const s = new FakeSession(startup, events);
    this.sessions.push(s);
    return s;
  }

  last(): FakeSession {
    return this.sessions[this.sessions.length - 1];
  }
}
