import { PgError, SqlState } from "./pg-error.ts";
import { invalidBinary } from "./value-errors.ts";

/** Growable big-endian byte writer for binary send formats. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  constructor(capacity = 32) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  int8(v: number): this {
    this.ensure(1);
    this.view.setInt8(this.len, v);
    this.len += 1;
    return this;
  }
  uint8(v: number): this {
    this.ensure(1);
    this.view.setUint8(this.len, v);
    this.len += 1;
    return this;
  }
  int16(v: number): this {
    this.ensure(2);
    this.view.setInt16(this.len, v);
    this.len += 2;
    return this;
  }
  uint16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.len, v);
    this.len += 2;
    return this;
  }
  int32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.len, v);
    this.len += 4;
    return this;
  }
  uint32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.len, v);
    this.len += 4;
    return this;
  }
  int64(v: bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.len, v);
    this.len += 8;
    return this;
  }
  float32(v: number): this {
    this.ensure(4);
    this.view.setFloat32(this.len, v);
    this.len += 4;
    return this;
  }
  float64(v: number): this {
    this.ensure(8);
    this.view.setFloat64(this.len, v);
    this.len += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Big-endian reader over a binary parameter; every overrun is a 22P03. */
export class ByteReader {
  private readonly view: DataView;
  pos = 0;

  constructor(readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.data.length) throw invalidBinary("insufficient data left in message");
  }
  get remaining(): number {
    return this.data.length - this.pos;
  }
  int16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos);
    this.pos += 2;
    return v;
  }
  uint16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos);
    this.pos += 4;
    return v;
  }
  uint32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }
  int64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }
  float32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos);
    this.pos += 4;
    return v;
  }
  float64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** Postgres rejects trailing garbage in a binary parameter. */
  end(): void {
    if (this.pos !== this.data.length) throw invalidBinary("incorrect binary data format");
  }
}

export function fixedBytes(data: Uint8Array, size: number, typeName: string): ByteReader {
  if (data.length !== size) throw invalidBinary(`incorrect binary data format in ${typeName} parameter`);
  return new ByteReader(data);
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

export function fromUtf8(data: Uint8Array): string {
  try {
    return utf8Decoder.decode(data);
  } catch {
    throw new PgError(SqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8"');
  }
}
