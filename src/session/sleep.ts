import { PgError, SqlState } from "../common/pg-error.ts";

export function cancellableSleep(seconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => {
      clearTimeout(timer);
      reject(new PgError(SqlState.queryCanceled, "canceling statement due to user request"));
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener("abort", cancelled);
        resolve();
      },
      Math.max(0, seconds * 1000),
    );
    if (signal.aborted) cancelled();
    else signal.addEventListener("abort", cancelled, { once: true });
  });
}
