import type { NoticeSeverity, PgSeverity } from "../../common/pg-error.ts";
import type { EncodedRow, FieldDescription } from "../../common/row.ts";
import type { TxStatus } from "../../common/session-api.ts";

/** Every field of ErrorResponse / NoticeResponse that Weft can fill. */
export interface WireErrorFields {
  severity: PgSeverity | NoticeSeverity;
  code: string;
  message: string;
  detail?: string;
  hint?: string;
  position?: number;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
}

const smallOutput = 4096;

/**
 * Writes `text` as UTF-8 at `at` (the caller reserved 3 bytes per UTF-16 unit) and returns the byte count.
 * Short ASCII strings — most cells — are copied by hand: cheaper than a call into the native encoder.
 */
function writeUtf8(b: Buffer, text: string, at: number): number {
  const n = text.length;
  if (n <= 48) {
    let i = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) break;
      b[at + i] = c;
    }
    if (i === n) return n;
  }
  // lone surrogates become U+FFFD, as with TextEncoder
  return b.write(text, at);
}

/**
 * Appends backend messages to one growable buffer; `take()` hands the bytes to
 * the socket. Rows of a result go into the same buffer, so a batch of small
 * rows becomes one socket write.
 */
export class BackendWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(private readonly initialCapacity = 16 * 1024) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.pos;
  }

  /** The bytes written so far; the writer starts over empty. */
  take(): Buffer {
    if (this.pos === 0) return Buffer.alloc(0);
    if (this.pos <= smallOutput) {
      // small replies: copy into the shared pool and keep the big buffer
      const out = Buffer.from(this.buf.subarray(0, this.pos));
      this.pos = 0;
      return out;
    }
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.initialCapacity);
    this.pos = 0;
    return out;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Starts a message; returns where its length goes. */
  private begin(code: string, bodyHint: number): number {
    this.ensure(5 + bodyHint);
    this.buf[this.pos] = code.charCodeAt(0);
    const at = this.pos + 1;
    this.pos += 5;
    return at;
  }

  private end(lenAt: number): this {
    this.buf.writeInt32BE(this.pos - lenAt, lenAt);
    return this;
  }

  private i16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  private i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  private u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  private cstr(s: string): void {
    const n = Buffer.byteLength(s, "utf8");
    this.ensure(n + 1);
    this.buf.write(s, this.pos, n, "utf8");
    this.pos += n;
    this.buf[this.pos++] = 0;
  }

  private raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  private simple(code: string): this {
    return this.end(this.begin(code, 0));
  }

  private auth(kind: number, payload?: Uint8Array): this {
    const at = this.begin("R", 4 + (payload?.length ?? 0));
    this.i32(kind);
    if (payload) this.raw(payload);
    return this.end(at);
  }

  authenticationOk(): this {
    return this.auth(0);
  }
  authenticationCleartextPassword(): this {
    return this.auth(3);
  }
  authenticationMD5Password(salt: Uint8Array): this {
    return this.auth(5, salt);
  }
  authenticationSASL(mechanisms: string[]): this {
    const at = this.begin("R", 64);
    this.i32(10);
    for (const m of mechanisms) this.cstr(m);
    this.cstr("");
    return this.end(at);
  }
  authenticationSASLContinue(data: Uint8Array): this {
    return this.auth(11, data);
  }
  authenticationSASLFinal(data: Uint8Array): this {
    return this.auth(12, data);
  }

  parameterStatus(name: string, value: string): this {
    const at = this.begin("S", 0);
    this.cstr(name);
    this.cstr(value);
    return this.end(at);
  }

  backendKeyData(processId: number, secretKey: number): this {
    const at = this.begin("K", 8);
    this.i32(processId);
    this.i32(secretKey);
    return this.end(at);
  }

  readyForQuery(status: TxStatus): this {
    const at = this.begin("Z", 1);
    this.buf[this.pos++] = status.charCodeAt(0);
    return this.end(at);
  }

  negotiateProtocolVersion(newestMinor: number, unrecognized: string[]): this {
    const at = this.begin("v", 8);
    this.i32(newestMinor);
    this.i32(unrecognized.length);
    for (const o of unrecognized) this.cstr(o);
    return this.end(at);
  }

  rowDescription(fields: FieldDescription[]): this {
    const at = this.begin("T", 2 + fields.length * 24);
    this.i16(fields.length);
    for (const f of fields) {
      this.cstr(f.name);
      this.ensure(18);
      const b = this.buf;
      let p = this.pos;
      b.writeUInt32BE(f.tableOid >>> 0, p);
      b.writeInt16BE(f.columnAttr, p + 4);
      b.writeUInt32BE(f.typeOid >>> 0, p + 6);
      b.writeInt16BE(f.typeSize, p + 10);
      b.writeInt32BE(f.typeModifier, p + 12);
      b.writeInt16BE(f.format, p + 16);
      p += 18;
      this.pos = p;
    }
    return this.end(at);
  }

  parameterDescription(types: number[]): this {
    const at = this.begin("t", 2 + 4 * types.length);
    this.i16(types.length);
    for (const t of types) this.u32(t);
    return this.end(at);
  }

  /**
   * The hot path: reserves room for the whole row first (a string cell takes at most 3 UTF-8 bytes per
   * UTF-16 unit), then writes it without further checks; string cells' lengths are filled in once written.
   */
  dataRow(row: EncodedRow): this {
    const n = row.length;
    let max = 7;
    for (let i = 0; i < n; i++) {
      const cell = row[i];
      max += cell === null ? 4 : typeof cell === "string" ? 4 + 3 * cell.length : 4 + cell.length;
    }
    this.ensure(max);
    const b = this.buf;
    const start = this.pos;
    let p = start + 7;
    // byte stores instead of writeInt32BE: this loop runs once per cell of every row
    for (let i = 0; i < n; i++) {
      const cell = row[i];
      if (cell === null) {
        b[p] = 0xff;
        b[p + 1] = 0xff;
        b[p + 2] = 0xff;
        b[p + 3] = 0xff;
        p += 4;
        continue;
      }
      let cellLen: number;
      if (typeof cell === "string") {
        cellLen = writeUtf8(b, cell, p + 4);
      } else {
        cellLen = cell.length;
        if (cellLen > 16) b.set(cell, p + 4);
        else for (let j = 0; j < cellLen; j++) b[p + 4 + j] = cell[j];
      }
      b[p] = cellLen >>> 24;
      b[p + 1] = cellLen >>> 16;
      b[p + 2] = cellLen >>> 8;
      b[p + 3] = cellLen;
      p += 4 + cellLen;
    }
    const len = p - start - 1;
    b[start] = 0x44;
    b[start + 1] = len >>> 24;
    b[start + 2] = len >>> 16;
    b[start + 3] = len >>> 8;
    b[start + 4] = len;
    b[start + 5] = n >>> 8;
    b[start + 6] = n;
    this.pos = p;
    return this;
  }

  commandComplete(tag: string): this {
    const at = this.begin("C", tag.length + 1);
    this.cstr(tag);
    return this.end(at);
  }

  emptyQueryResponse(): this {
    return this.simple("I");
  }
  parseComplete(): this {
    return this.simple("1");
  }
  bindComplete(): this {
    return this.simple("2");
  }
  closeComplete(): this {
    return this.simple("3");
  }
  noData(): this {
    return this.simple("n");
  }
  portalSuspended(): this {
    return this.simple("s");
  }

  errorResponse(fields: WireErrorFields): this {
    return this.fieldsMessage("E", fields);
  }

  noticeResponse(fields: WireErrorFields): this {
    return this.fieldsMessage("N", fields);
  }

  private fieldsMessage(code: string, f: WireErrorFields): this {
    const at = this.begin(code, 64 + f.message.length);
    const field = (type: string, value: string | number | undefined) => {
      if (value === undefined || value === "") return;
      this.ensure(1);
      this.buf[this.pos++] = type.charCodeAt(0);
      this.cstr(String(value));
    };
    field("S", f.severity);
    field("V", f.severity);
    field("C", f.code);
    field("M", f.message);
    field("D", f.detail);
    field("H", f.hint);
    field("P", f.position);
    field("W", f.where);
    field("s", f.schema);
    field("t", f.table);
    field("c", f.column);
    field("d", f.dataType);
    field("n", f.constraint);
    this.ensure(1);
    this.buf[this.pos++] = 0;
    return this.end(at);
  }
}
