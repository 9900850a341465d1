import type { Node } from "@pgsql/types";
import type { PgType } from "../common/pg-types.ts";

/**
 * A physical plan. Today every plan is one statement pushed whole to one service;
 * the cross-service planner adds join, aggregate and other operator kinds here.
 */
export type PhysicalPlan = RemoteStatement;

/** A whole statement run by one service, every value bound. */
export interface RemoteStatement {
  readonly kind: "remote-statement";
  readonly service: string;
  readonly statement: Node;
  readonly verb: "SELECT" | "INSERT" | "UPDATE" | "DELETE";
  readonly write: boolean;
  /** result column types as the mirror describes them (empty for statements without rows) */
  readonly resultTypes: readonly PgType[];
}
