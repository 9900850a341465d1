/** LIMIT / OFFSET: skips `offset` rows, passes `limit` (null = no limit), and closes the input once satisfied. */
import type { RowSource } from "../row-source.ts";

export function limit(input: RowSource, count: number | null, offset = 0): RowSource {
  let toSkip = Math.max(0, offset);
  let remaining = count === null ? Number.POSITIVE_INFINITY : Math.max(0, count);
  let done = false;
  const finish = async () => {
    if (done) return;
    done = true;
    await input.close();
  };
  return {
    async next() {
      while (!done) {
        if (remaining <= 0) {
          await finish();
          return null;
        }
        const batch = await input.next();
        if (batch === null) {
          await finish();
          return null;
        }
        let start = 0;
        if (toSkip > 0) {
          start = Math.min(toSkip, batch.length);
          toSkip -= start;
        }
        if (start >= batch.length) continue;
        const end = Math.min(batch.length, start + remaining);
        remaining -= end - start;
        const out = start === 0 && end === batch.length ? batch : batch.slice(start, end);
        if (remaining <= 0) await finish();
        return out;
      }
      return null;
    },
    close: finish,
  };
}
