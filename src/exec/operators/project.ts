/** The select list: one output column per evaluator. */
import type { Row } from "../../common/row.ts";
import type { Evaluator, RowSource } from "../row-source.ts";
import type { OperatorEnv } from "./env.ts";

export function project(input: RowSource, exprs: readonly Evaluator[], env: OperatorEnv): RowSource {
  const { ctx } = env;
  const width = exprs.length;
  return {
    async next() {
      const batch = await input.next();
      if (batch === null) return null;
      const out = new Array<Row>(batch.length);
      for (let r = 0; r < batch.length; r++) {
        const row = batch[r];
        const o = new Array(width);
        for (let i = 0; i < width; i++) o[i] = exprs[i](row, ctx);
        out[r] = o;
      }
      return out;
    },
    close: () => input.close(),
  };
}
