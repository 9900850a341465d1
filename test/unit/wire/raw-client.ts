/** A bare socket speaking the frontend protocol, for cases real drivers never produce. */
import { connect, type Socket } from "node:net";
import { serialize } from "pg-protocol";
import { Parser } from "pg-protocol/dist/parser.js";

export interface Frame {
  code: string;
  body: Buffer;
  /** decoded by pg-protocol where it knows the message */
  msg: any;
}

export class RawClient {
  private buf = Buffer.alloc(0);
  readonly frames: Frame[] = [];
  private waiters: (() => void)[] = [];
  ended = false;
  readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (chunk) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      while (this.buf.length >= 5) {
        const len = this.buf.readInt32BE(1);
        if (this.buf.length < len + 1) break;
        const frame = this.buf.subarray(0, len + 1);
        this.buf = this.buf.subarray(len + 1);
        let msg: any = null;
        new Parser().parse(Buffer.from(frame), (m) => {
          msg = m;
        });
        this.frames.push({ code: String.fromCharCode(frame[0]), body: Buffer.from(frame.subarray(5)), msg });
      }
      this.wake();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new RawClient(socket);
  }

  /** Connects and completes a trust startup. */
  static async ready(port: number, params: Record<string, string> = { user: "alice" }): Promise<RawClient> {
    const c = await RawClient.connect(port);
    c.send(serialize.startup(params));
    await c.until("Z");
    return c;
  }

  send(...bufs: Buffer[]): void {
    this.socket.write(Buffer.concat(bufs));
  }

  /** Waits for a frame with this code after `from`; returns frames from..that one. */
  async until(code: string, from = 0): Promise<Frame[]> {
    for (;;) {
      const at = this.frames.findIndex((f, i) => i >= from && f.code === code);
      if (at >= 0) {
        const out = this.frames.slice(from, at + 1);
        this.frames.splice(0, at + 1);
        return out;
      }
      if (this.ended)
        throw new Error(`connection ended before '${code}'; got ${this.frames.map((f) => f.code).join("")}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async closed(): Promise<void> {
    while (!this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.socket.destroy();
  }
}
