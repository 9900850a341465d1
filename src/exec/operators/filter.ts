/** WHERE / HAVING: a row passes only when the predicate is exactly true (NULL and false drop it). */
import type { Evaluator, RowSource } from "../row-source.ts";
import type { OperatorEnv } from "./env.ts";

export function filter(input: RowSource, predicate: Evaluator, env: OperatorEnv): RowSource {
  const { ctx } = env;
  return {
    async next() {
      for (;;) {
        const batch = await input.next();
        if (batch === null) return null;
        const out = [];
        for (const row of batch) if (predicate(row, ctx) === true) out.push(row);
        if (out.length > 0) return out;
      }
    },
    close: () => input.close(),
  };
}
