import { ProtocolError } from "./protocol-error.ts";

/** Bounds-checked cursor over one frame body; every overrun is a ProtocolError. */
export class FrameReader {
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly what: string,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (this.buf.length - this.pos < n) throw new ProtocolError(`invalid ${this.what} message format`);
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  /** Counts are unsigned 16-bit on the wire (up to 65535 parameters). */
  count16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  cstring(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new ProtocolError(`invalid string in ${this.what} message`);
    const s = this.buf.toString("utf8", this.pos, end);
    this.pos = end + 1;
    return s;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  rest(): Uint8Array {
    const v = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return v;
  }

  end(): void {
    if (this.pos !== this.buf.length) throw new ProtocolError(`invalid ${this.what} message format`);
  }
}
