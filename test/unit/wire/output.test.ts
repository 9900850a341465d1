import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { PgError } from "../../../src/common/pg-error.ts";
import { ConnectionOutput, flushThresholdBytes } from "../../../src/wire/output.ts";

/** A socket stand-in that holds every write until released. */
function stalledSocket() {
  const pending: (() => void)[] = [];
  const written: Buffer[] = [];
  const socket = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk, _enc, cb) {
      written.push(chunk);
      pending.push(cb);
    },
  });
  const release = () => {
    for (const cb of pending.splice(0)) cb();
  };
  return { socket, written, release };
}

test("row writes return a promise when the socket is saturated, settled by 'drain'", async () => {
  const { socket, written, release } = stalledSocket();
  const out = new ConnectionOutput(socket as any);
  const row = [Buffer.alloc(1000, 1)];
  let promise: void | Promise<void> | undefined;
  let rows = 0;
  while (!promise) {
    promise = out.writeRow(row);
    rows++;
  }
  // nothing reaches the socket before the buffer passes the threshold
  assert.ok(rows * 1011 >= flushThresholdBytes);
  assert.equal(written.length, 1);
  let settled = false;
  promise.then(() => {
    settled = true;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false);
  release();
  await promise;
  assert.equal(settled, true);
});

test("a producer waiting for 'drain' gets 08006 when the connection closes", async () => {
  const { socket } = stalledSocket();
  const out = new ConnectionOutput(socket as any);
  let promise: void | Promise<void> | undefined;
  while (!promise) promise = out.writeRow([Buffer.alloc(4096)]);
  out.markClosed();
  await assert.rejects(promise, (e: PgError) => e instanceof PgError && e.code === "08006");
  await assert.rejects(Promise.resolve(out.writeRow([null])), { code: "08006" });
});

test("string cells count toward the flush threshold and backpressure like byte cells", async () => {
  const { socket, written, release } = stalledSocket();
  const out = new ConnectionOutput(socket as any);
  const row = ["é".repeat(500)];
  let promise: void | Promise<void> | undefined;
  let rows = 0;
  while (!promise) {
    promise = out.writeRow(row);
    rows++;
  }
  assert.ok(rows * 1011 >= flushThresholdBytes);
  assert.ok(written.length >= 1);
  release();
  await promise;
});
