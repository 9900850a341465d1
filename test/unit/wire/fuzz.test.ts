import assert from "node:assert/strict";
import { test } from "node:test";
import { fuzz } from "../../../bench/fuzz-frames.ts";

test("20 000 fuzzed frame streams: each decodes cleanly or yields a ProtocolError", () => {
  const s = fuzz(20_000, 20240601);
  assert.deepEqual(s.failures, []);
  assert.equal(s.outcomes.decoded + s.outcomes.partial + s.outcomes.protocolError, 20_000);
  // the generator must really exercise every path
  assert.ok(s.outcomes.decoded > 1000, `decoded ${s.outcomes.decoded}`);
  assert.ok(s.outcomes.protocolError > 1000, `errors ${s.outcomes.protocolError}`);
  assert.ok(s.outcomes.partial > 100, `partial ${s.outcomes.partial}`);
  for (const m of ["none", "bitflip", "truncate", "length", "splice", "huge", "random"])
    assert.ok((s.byMutation[m] ?? 0) > 500, m);
});
