import { FrameReader } from "./frame-reader.ts";
import type {
  DescribeTarget,
  FrontendMessage,
  StartupPhaseMessage,
  TypedMessage,
} from "./frontend-messages.ts";
import { RequestCode } from "./frontend-messages.ts";
import { ProtocolError } from "./protocol-error.ts";

export interface DecoderLimits {
  /** largest typed message (length field value) accepted; default 64 MiB */
  maxMessageBytes?: number;
  /** largest startup-phase packet accepted; default 10 000 bytes like Postgres */
  maxStartupBytes?: number;
}

export interface DecodeResult {
  messages: FrontendMessage[];
  /** set once the stream is malformed; nothing after it is decoded */
  error: ProtocolError | null;
}

/**
 * - startup: untyped packets (SSLRequest, GSSENCRequest, CancelRequest, StartupMessage)
 * - negotiating: an SSL/GSSENC request was decoded; bytes are held until the
 *   connection has answered it (resume() on 'N', a fresh decoder after TLS)
 * - typed: after the startup packet
 * - done: after a CancelRequest, nothing more is read
 */
export type DecoderPhase = "startup" | "negotiating" | "typed" | "done" | "failed";

export const defaultMaxMessageBytes = 64 * 1024 * 1024;
export const defaultMaxStartupBytes = 10_000;

const typedCodes = new Set([..."QPBDECSHXpFdcf"].map((c) => c.charCodeAt(0)));

/**
 * Streaming, I/O-free decoder of the frontend side of the protocol. Chunks may
 * split a message anywhere; a message is parsed only once all of it arrived.
 */
export class FrontendDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private state: DecoderPhase;
  private failure: ProtocolError | null = null;
  private readonly maxMessageBytes: number;
  private readonly maxStartupBytes: number;

  constructor(limits: DecoderLimits = {}, phase: "startup" | "typed" = "startup") {
    this.maxMessageBytes = limits.maxMessageBytes ?? defaultMaxMessageBytes;
    this.maxStartupBytes = limits.maxStartupBytes ?? defaultMaxStartupBytes;
    this.state = phase;
  }

  get phase(): DecoderPhase {
    return this.state;
  }

  /** bytes received but not yet decoded */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Uint8Array): DecodeResult {
    if (chunk.length > 0 && this.state !== "done" && this.state !== "failed") {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
      this.chunks.push(buf);
      this.buffered += buf.length;
    }
    return this.drain();
  }

  /** The SSL/GSSENC request was refused ('N'): carry on decoding in plaintext. */
  resume(): DecodeResult {
    if (this.state === "negotiating") this.state = "startup";
    return this.drain();
  }

  private drain(): DecodeResult {
    const messages: FrontendMessage[] = [];
    try {
      for (;;) {
        const msg =
          this.state === "startup" ? this.nextStartup() : this.state === "typed" ? this.nextTyped() : null;
        if (!msg) break;
        messages.push(msg);
      }
    } catch (err) {
      this.failure =
        err instanceof ProtocolError ? err : new ProtocolError(`invalid message: ${(err as Error).message}`);
      this.state = "failed";
      this.chunks = [];
      this.buffered = 0;
    }
    return { messages, error: this.failure };
  }

  private nextStartup(): StartupPhaseMessage | null {
    if (this.buffered < 4) return null;
    const len = this.contiguous(4).readInt32BE(0);
    if (len < 8 || len > this.maxStartupBytes) throw new ProtocolError("invalid length of startup packet");
    if (this.buffered < len) return null;
    const msg = parseStartup(this.take(len));
    if (msg.type === "SSLRequest" || msg.type === "GSSENCRequest") this.state = "negotiating";
    else if (msg.type === "CancelRequest") this.state = "done";
    else this.state = "typed";
    return msg;
  }

  private nextTyped(): TypedMessage | null {
    if (this.buffered < 5) return null;
    const head = this.contiguous(5);
    const code = head[0];
    if (!typedCodes.has(code)) throw new ProtocolError(`invalid frontend message type ${code}`);
    const len = head.readInt32BE(1);
    if (len < 4) throw new ProtocolError(`invalid message length ${len}`);
    if (len > this.maxMessageBytes) throw new ProtocolError(`message of ${len} bytes exceeds the limit`);
    if (this.buffered < len + 1) return null;
    return parseTyped(code, this.take(len + 1));
  }

  /** The first `n` buffered bytes as one buffer (merging chunks when a header is split). */
  private contiguous(n: number): Buffer {
    if (this.chunks[0].length < n) this.merge();
    return this.chunks[0];
  }

  private take(n: number): Buffer {
    if (this.chunks[0].length < n) this.merge();
    const first = this.chunks[0];
    const frame = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return frame;
  }

  private merge(): void {
    this.chunks = [Buffer.concat(this.chunks, this.buffered)];
  }
}

function parseStartup(frame: Buffer): StartupPhaseMessage {
  const r = new FrameReader(frame, 4, "startup packet");
  const code = r.int32();
  if (code === RequestCode.ssl || code === RequestCode.gssenc) {
    r.end();
    return { type: code === RequestCode.ssl ? "SSLRequest" : "GSSENCRequest" };
  }
  if (code === RequestCode.cancel) {
    const processId = r.int32();
    const secretKey = r.int32();
    r.end();
    return { type: "CancelRequest", processId, secretKey };
  }
  const major = code >>> 16;
  const minor = code & 0xffff;
  const params: Record<string, string> = Object.create(null);
  // Other majors have another layout; the connection refuses them by version.
  if (major !== 3) return { type: "Startup", major, minor, params };
  for (;;) {
    if (r.remaining === 0)
      throw new ProtocolError("invalid startup packet layout: expected terminator as last byte");
    const name = r.cstring();
    if (name === "") break;
    params[name] = r.cstring();
  }
  r.end();
  return { type: "Startup", major, minor, params };
}

function target(r: FrameReader, what: string): DescribeTarget {
  const t = r.byte();
  if (t === 0x53) return "S";
  if (t === 0x50) return "P";
  throw new ProtocolError(`invalid ${what} message subtype ${t}`);
}

function formatCodes(r: FrameReader): number[] {
  const n = r.count16();
  const codes = new Array<number>(n);
  for (let i = 0; i < n; i++) codes[i] = r.int16();
  return codes;
}

function parseTyped(code: number, frame: Buffer): TypedMessage {
  switch (code) {
    case 0x51: {
      const r = new FrameReader(frame, 5, "Query");
      const sql = r.cstring();
      r.end();
      return { type: "Query", sql };
    }
    case 0x50: {
      const r = new FrameReader(frame, 5, "Parse");
      const name = r.cstring();
      const sql = r.cstring();
      const n = r.count16();
      const paramTypes = new Array<number>(n);
      for (let i = 0; i < n; i++) paramTypes[i] = r.uint32();
      r.end();
      return { type: "Parse", name, sql, paramTypes };
    }
    case 0x42: {
      const r = new FrameReader(frame, 5, "Bind");
      const portal = r.cstring();
      const statement = r.cstring();
      const paramFormats = formatCodes(r);
      const n = r.count16();
      const params = new Array<Uint8Array | null>(n);
      for (let i = 0; i < n; i++) {
        const len = r.int32();
        if (len < -1) throw new ProtocolError(`invalid parameter length ${len} in Bind message`);
        params[i] = len === -1 ? null : r.bytes(len);
      }
      const resultFormats = formatCodes(r);
      r.end();
      return { type: "Bind", portal, statement, paramFormats, params, resultFormats };
    }
    case 0x44: {
      const r = new FrameReader(frame, 5, "Describe");
      const t = target(r, "Describe");
      const name = r.cstring();
      r.end();
      return { type: "Describe", target: t, name };
    }
    case 0x45: {
      const r = new FrameReader(frame, 5, "Execute");
      const portal = r.cstring();
      const maxRows = r.int32();
      r.end();
      return { type: "Execute", portal, maxRows };
    }
    case 0x43: {
      const r = new FrameReader(frame, 5, "Close");
      const t = target(r, "Close");
      const name = r.cstring();
      r.end();
      return { type: "Close", target: t, name };
    }
    case 0x53:
      new FrameReader(frame, 5, "Sync").end();
      return { type: "Sync" };
    case 0x48:
      new FrameReader(frame, 5, "Flush").end();
      return { type: "Flush" };
    case 0x58:
      new FrameReader(frame, 5, "Terminate").end();
      return { type: "Terminate" };
    case 0x70:
      return { type: "Password", data: frame.subarray(5) };
    case 0x46:
      return { type: "FunctionCall", data: frame.subarray(5) };
    case 0x64:
      return { type: "CopyData", data: frame.subarray(5) };
    case 0x63:
      new FrameReader(frame, 5, "CopyDone").end();
      return { type: "CopyDone" };
    case 0x66: {
      const r = new FrameReader(frame, 5, "CopyFail");
      const message = r.cstring();
      r.end();
      return { type: "CopyFail", message };
    }
    default:
      throw new ProtocolError(`invalid frontend message type ${code}`);
  }
}
