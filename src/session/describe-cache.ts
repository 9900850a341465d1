import type { FieldDescription } from "../common/row.ts";
import type { Route } from "./route.ts";

export interface Description {
  paramTypes: number[];
  fields: FieldDescription[] | null;
}

/**
 * Descriptions of statements by the mirror, shared by every session. The mirror
 * is one serialised PGlite, so asking it for every execution would make it the
 * bottleneck of all point queries; a description only changes when the
 * statement text, the parameter types, the search_path or a service schema
 * (the mirror's schemaVersion) changes, and all of these are in the key.
 */
export class DescribeCache {
  private entries = new Map<string, Description>();
  /**
   * Routes of service statements by the same key without parameter types: a route depends on the
   * statement and on which tables the search_path finds, which the schema version covers.
   */
  private routes = new Map<string, Route>();

  constructor(private readonly capacity = 2000) {}

  key(schemaVersion: number, searchPath: string, paramTypes: number[], sql: string): string {
    return `${schemaVersion}\u0000${searchPath}\u0000${paramTypes.join(",")}\u0000${sql}`;
  }

  get(key: string): Description | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // refresh recency: Map keeps insertion order, the oldest entry is evicted first
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Description): void {
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  routeKey(schemaVersion: number, searchPath: string, sql: string): string {
    return `${schemaVersion}\u0000${searchPath}\u0000${sql}`;
  }

  getRoute(key: string): Route | undefined {
    return this.routes.get(key);
  }

  setRoute(key: string, route: Route): void {
    this.routes.set(key, route);
    if (this.routes.size > this.capacity) {
      const oldest = this.routes.keys().next().value;
      if (oldest !== undefined) this.routes.delete(oldest);
    }
  }
}
