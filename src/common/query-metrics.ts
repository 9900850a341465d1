/**
 * The narrow hook the session layer reports statements through; the HTTP side implements it
 * (Prometheus counters) so session/ never depends on a metrics library.
 */
export interface QueryMetrics {
  /** one statement started, by how it was routed (mirror, service, federated, set, transaction …) */
  statement(kind: string): void;
  /** one statement failed with this SQLSTATE */
  error(sqlstate: string): void;
}
