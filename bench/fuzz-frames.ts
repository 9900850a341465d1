/**
 * Fuzzes the frontend frame decoder: random and mutated-valid frames (bit flips,
 * truncations, corrupted length fields, splices, huge lengths) in random chunkings.
 * Every case must either decode cleanly (possibly waiting for more bytes) or end
 * in a ProtocolError; any other exception fails. Chunked decoding must equal
 * decoding the same bytes in one piece.
 *
 *   node --import tsx bench/fuzz-frames.ts [cases] [seed]
 */
import { pathToFileURL } from "node:url";
import { FrontendDecoder } from "../src/wire/codec/frontend-decoder.ts";
import type { FrontendMessage } from "../src/wire/codec/frontend-messages.ts";
import { ProtocolError } from "../src/wire/codec/protocol-error.ts";

/** mulberry32: small, fast, seedable */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  constructor(readonly rand: () => number) {}
  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
  /** a string without NUL, sometimes non-ASCII */
  text(max = 12): string {
    const n = this.int(max);
    let s = "";
    for (let i = 0; i < n; i++) s += this.rand() < 0.9 ? String.fromCharCode(32 + this.int(95)) : "é☃";
    return s;
  }
}

function cstr(s: string): Buffer {
  return Buffer.concat([Buffer.from(s), Buffer.from([0])]);
}
function i16(...v: number[]): Buffer {
  const b = Buffer.alloc(2 * v.length);
  v.forEach((x, i) => {
    b.writeInt16BE(x, 2 * i);
  });
  return b;
}
function i32(...v: number[]): Buffer {
  const b = Buffer.alloc(4 * v.length);
  v.forEach((x, i) => {
    b.writeInt32BE(x | 0, 4 * i);
  });
  return b;
}
function typed(code: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(code), i32(body.length + 4), body]);
}
function untyped(body: Buffer): Buffer {
  return Buffer.concat([i32(body.length + 4), body]);
}

function validTyped(g: Gen): Buffer {
  switch (g.int(14)) {
    case 0:
      return typed("Q", cstr(g.text(40)));
    case 1: {
      const n = g.int(4);
      return typed(
        "P",
        Buffer.concat([
          cstr(g.text()),
          cstr(g.text(30)),
          i16(n),
          i32(...Array.from({ length: n }, () => g.int(5000))),
        ]),
      );
    }
    case 2: {
      const n = g.int(4);
      const params = Array.from({ length: n }, () =>
        g.rand() < 0.2
          ? i32(-1)
          : (() => {
              const v = g.bytes(g.int(10));
              return Buffer.concat([i32(v.length), v]);
            })(),
      );
      const pf = g.pick([0, 1, n]);
      const rf = g.int(3);
      return typed(
        "B",
        Buffer.concat([
          cstr(g.text()),
          cstr(g.text()),
          i16(pf, ...Array.from({ length: pf }, () => g.int(2))),
          i16(n),
          ...params,
          i16(rf, ...Array.from({ length: rf }, () => g.int(2))),
        ]),
      );
    }
    case 3:
      return typed("D", Buffer.concat([Buffer.from(g.pick(["S", "P"])), cstr(g.text())]));
    case 4:
      return typed("E", Buffer.concat([cstr(g.text()), i32(g.int(1000))]));
    case 5:
      return typed("C", Buffer.concat([Buffer.from(g.pick(["S", "P"])), cstr(g.text())]));
    case 6:
      return typed("S", Buffer.alloc(0));
    case 7:
      return typed("H", Buffer.alloc(0));
    case 8:
      return typed("p", g.bytes(g.int(40)));
    case 9:
      return typed("F", g.bytes(g.int(20)));
    case 10:
      return typed("d", g.bytes(g.int(20)));
    case 11:
      return typed("c", Buffer.alloc(0));
    case 12:
      return typed("f", cstr(g.text()));
    default:
      return typed("X", Buffer.alloc(0));
  }
}

function validStartup(g: Gen): Buffer {
  const params: Buffer[] = [];
  for (let i = g.int(4); i > 0; i--) params.push(cstr(g.text(8) || "k"), cstr(g.text()));
  return untyped(Buffer.concat([i32(g.pick([0x30000, 0x30000, 0x30002])), ...params, Buffer.from([0])]));
}

function validStartupPhase(g: Gen): Buffer {
  switch (g.int(5)) {
    case 0:
      return untyped(i32(80877103));
    case 1:
      return untyped(i32(80877104));
    case 2:
      return untyped(i32(80877102, g.int(1e9), g.int(1e9)));
    default:
      return validStartup(g);
  }
}

const hugeLengths = [0x7fffffff, -1, -2147483648, 0x40000000, 65 * 1024 * 1024, 10_001, 3, 0, 4, 5];

export type Mutation = "none" | "bitflip" | "truncate" | "length" | "splice" | "huge" | "random";
const mutations: Mutation[] = ["none", "none", "bitflip", "truncate", "length", "splice", "huge", "random"];

export interface FuzzCase {
  phase: "startup" | "typed";
  mutation: Mutation;
  bytes: Buffer;
  /** chunk boundaries */
  cuts: number[];
}

export function makeCase(g: Gen): FuzzCase {
  const phase = g.rand() < 0.3 ? "startup" : "typed";
  const frames: Buffer[] = [];
  let typedCount = 1 + g.int(5);
  let untypedCount = 0;
  if (phase === "startup") {
    const first = validStartupPhase(g);
    frames.push(first);
    const code = first.readInt32BE(4);
    // after a refused SSL/GSSENC request comes the startup packet; after a cancel, nothing
    if (code === 80877103 || code === 80877104) frames.push(validStartup(g));
    if (code === 80877102) typedCount = 0;
    untypedCount = frames.length;
  }
  for (let i = typedCount; i > 0; i--) frames.push(validTyped(g));
  let bytes: Buffer = Buffer.concat(frames);
  const mutation = g.pick(mutations);
  switch (mutation) {
    case "bitflip":
      for (let i = 1 + g.int(4); i > 0; i--) {
        const at = g.int(bytes.length);
        bytes[at] ^= 1 << g.int(8);
      }
      break;
    case "truncate":
      bytes = bytes.subarray(0, g.int(bytes.length));
      break;
    case "length":
    case "huge": {
      // overwrite the length field of one frame: random, or one of the edge values
      const which = g.int(frames.length);
      let at = 0;
      for (let i = 0; i < which; i++) at += frames[i].length;
      const lenAt = which < untypedCount ? at : at + 1;
      const value = mutation === "huge" ? g.pick(hugeLengths) : g.int(2 ** 31) * (g.rand() < 0.2 ? -1 : 1);
      bytes.writeInt32BE(value | 0, lenAt);
      break;
    }
    case "splice": {
      const other = validTyped(g);
      const at = g.int(bytes.length + 1);
      bytes = Buffer.concat([bytes.subarray(0, at), other.subarray(g.int(other.length)), bytes.subarray(at)]);
      break;
    }
    case "random":
      bytes = g.bytes(g.int(64));
      break;
  }
  const cuts: number[] = [];
  const pieces = g.pick([1, 2, 3, 8, bytes.length]);
  for (let i = 1; i < pieces; i++) cuts.push(g.int(bytes.length + 1));
  cuts.sort((a, b) => a - b);
  return { phase, mutation, bytes, cuts };
}

export type Outcome = "decoded" | "partial" | "protocolError";

function fingerprint(messages: FrontendMessage[]): string {
  return JSON.stringify(messages, (_k, v) =>
    v && typeof v === "object" && (v instanceof Uint8Array || v.type === "Buffer")
      ? Buffer.from(v instanceof Uint8Array ? v : v.data).toString("hex")
      : v,
  );
}

function decode(c: FuzzCase, chunks: Buffer[]): { outcome: Outcome; messages: FrontendMessage[] } {
  const d = new FrontendDecoder({ maxMessageBytes: 1024 * 1024 }, c.phase);
  const messages: FrontendMessage[] = [];
  let error: ProtocolError | null = null;
  const take = (r: { messages: FrontendMessage[]; error: ProtocolError | null }) => {
    messages.push(...r.messages);
    if (r.error && !(r.error instanceof ProtocolError))
      throw new Error("decoder returned a non-ProtocolError");
    error ??= r.error;
  };
  for (const chunk of chunks) {
    take(d.push(chunk));
    // answer SSL/GSSENC with 'N', as the connection does
    while (d.phase === "negotiating") take(d.resume());
  }
  // after a CancelRequest the decoder reads nothing more, by design
  const pending = d.phase !== "done" && d.bufferedBytes > 0;
  return { outcome: error ? "protocolError" : pending ? "partial" : "decoded", messages };
}

/** Runs one case; throws on any violation of the decoder's contract. */
export function runCase(c: FuzzCase): Outcome {
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const cut of c.cuts) {
    chunks.push(c.bytes.subarray(prev, cut));
    prev = cut;
  }
  chunks.push(c.bytes.subarray(prev));
  const chunked = decode(c, chunks);
  const whole = decode(c, [c.bytes]);
  if (chunked.outcome !== whole.outcome || fingerprint(chunked.messages) !== fingerprint(whole.messages))
    throw new Error("chunked decoding differs from whole decoding");
  if (c.mutation === "none" && chunked.outcome !== "decoded")
    throw new Error(`a valid stream gave ${chunked.outcome}`);
  return chunked.outcome;
}

export interface FuzzSummary {
  cases: number;
  seconds: number;
  casesPerSecond: number;
  outcomes: Record<Outcome, number>;
  byMutation: Record<string, number>;
  failures: { index: number; mutation: Mutation; error: string; bytes: string }[];
  slowestMs: number;
}

export function fuzz(cases: number, seed = 1): FuzzSummary {
  const g = new Gen(rng(seed));
  const outcomes: Record<Outcome, number> = { decoded: 0, partial: 0, protocolError: 0 };
  const byMutation: Record<string, number> = {};
  const failures: FuzzSummary["failures"] = [];
  let slowestMs = 0;
  const started = performance.now();
  for (let i = 0; i < cases; i++) {
    const c = makeCase(g);
    byMutation[c.mutation] = (byMutation[c.mutation] ?? 0) + 1;
    const t0 = performance.now();
    try {
      outcomes[runCase(c)]++;
    } catch (err) {
      if (failures.length < 20)
        failures.push({
          index: i,
          mutation: c.mutation,
          error: String((err as Error).stack ?? err),
          bytes: c.bytes.toString("hex"),
        });
      else failures.length++;
    }
    slowestMs = Math.max(slowestMs, performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    cases,
    seconds,
    casesPerSecond: Math.round(cases / seconds),
    outcomes,
    byMutation,
    failures,
    slowestMs,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const cases = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
  const s = fuzz(cases, seed);
  console.log(
    `fuzz-frames: ${s.cases} cases (seed ${seed}) in ${s.seconds.toFixed(1)} s = ${s.casesPerSecond} cases/s; ` +
      `decoded ${s.outcomes.decoded}, partial ${s.outcomes.partial}, protocol errors ${s.outcomes.protocolError}, ` +
      `failures ${s.failures.length}; slowest case ${s.slowestMs.toFixed(1)} ms`,
  );
  console.log(`mutations: ${JSON.stringify(s.byMutation)}`);
  for (const f of s.failures.slice(0, 5))
    console.log(`FAIL #${f.index} (${f.mutation}): ${f.error}\n  bytes ${f.bytes}`);
  process.exit(s.failures.length === 0 ? 0 : 1);
}
