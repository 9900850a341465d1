import type { Node } from "@pgsql/types";
import type { PgType } from "../common/pg-types.ts";
import type { RemoteStatement } from "./plan.ts";

/** Plans a statement whose tables all live in one service: the service runs all of it. */
export function planSingleService(input: {
  service: string;
  statement: Node;
  verb: RemoteStatement["verb"];
  write: boolean;
  resultTypes: PgType[];
}): RemoteStatement {
  return Object.freeze({
    kind: "remote-statement",
    ...input,
    resultTypes: Object.freeze([...input.resultTypes]),
  });
}
