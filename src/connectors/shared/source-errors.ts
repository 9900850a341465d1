/**
 * Errors every connector raises the same way (the Postgres spelling of them). Kept next to the
 * Postgres connector because they are Postgres' own messages; mysql/ and sqlite/ reuse them.
 */
import { PgError, SqlState } from "../../common/pg-error.ts";

export function serviceUnavailable(service: string, reason: string, cause?: unknown): PgError {
  return new PgError(SqlState.connectionFailure, `service "${service}" is unavailable: ${reason}`, {
    kind: "external",
    cause,
  });
}

export function connectionLost(service: string, reason: string, cause?: unknown): PgError {
  return new PgError(SqlState.connectionFailure, `connection to service "${service}" was lost: ${reason}`, {
    kind: "external",
    cause,
  });
}

export function queryCanceled(): PgError {
  return new PgError(SqlState.queryCanceled, "canceling statement due to user request");
}

/** Rejects at once when the signal already fired, so no backend work starts. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw queryCanceled();
}

/** Prefixes a backend message with the service name unless it already names it. */
export function withService(service: string, message: string): string {
  return message.includes(`"${service}"`) ? message : `${message} (service "${service}")`;
}
