import type { EncodeContext } from "../common/values.ts";

/**
 * Settings Postgres reports with ParameterStatus (GUC_REPORT), in the spelling
 * clients expect. Changing one sends ParameterStatus again.
 */
const reported: Record<string, string> = {
  application_name: "application_name",
  client_encoding: "client_encoding",
  datestyle: "DateStyle",
  default_transaction_read_only: "default_transaction_read_only",
  in_hot_standby: "in_hot_standby",
  integer_datetimes: "integer_datetimes",
  intervalstyle: "IntervalStyle",
  is_superuser: "is_superuser",
  server_encoding: "server_encoding",
  server_version: "server_version",
  session_authorization: "session_authorization",
  standard_conforming_strings: "standard_conforming_strings",
  timezone: "TimeZone",
};

/** Settings owned by the session itself: never replayed onto the mirror. */
const sessionOwned = new Set([
  "client_encoding",
  "server_version",
  "server_encoding",
  "session_authorization",
  "is_superuser",
  "in_hot_standby",
  "integer_datetimes",
  "transaction_isolation",
  "transaction_read_only",
  "transaction_deferrable",
]);

export function reportedName(name: string): string | undefined {
  return reported[name.toLowerCase()];
}

export function isSessionOwned(name: string): boolean {
  return sessionOwned.has(name.toLowerCase());
}

/**
 * One session's GUC values. Values the client changed are kept here and replayed
 * onto the shared mirror for every call; the rest are the mirror's defaults.
 * Transaction semantics: SET inside a transaction is undone by ROLLBACK, SET LOCAL
 * ends with the transaction.
 */
export class SessionSettings {
  private session = new Map<string, string>();
  private local = new Map<string, string>();
  private snapshot: Map<string, string> | null = null;

  constructor(
    private readonly fixed: Record<string, string>,
    initial: Record<string, string>,
  ) {
    for (const [name, value] of Object.entries(initial)) this.session.set(name.toLowerCase(), value);
  }

  get(name: string): string | undefined {
    const key = name.toLowerCase();
    return this.local.get(key) ?? this.session.get(key) ?? this.fixed[key];
  }

  /** The settings to replay on the mirror (the client's changes, local ones on top). */
  forMirror(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.session) if (!isSessionOwned(k)) out[k] = v;
    for (const [k, v] of this.local) if (!isSessionOwned(k)) out[k] = v;
    return out;
  }

  /** Names the client has touched, for RESET ALL read-back. */
  touchedNames(): string[] {
    return [...new Set([...this.session.keys(), ...this.local.keys()])].filter((n) => !isSessionOwned(n));
  }

  set(name: string, value: string, isLocal: boolean): void {
    const key = name.toLowerCase();
    if (isLocal) {
      if (this.snapshot) this.local.set(key, value);
      return;
    }
    this.local.delete(key);
    this.session.set(key, value);
  }

  reset(name: string, defaultValue: string): void {
    const key = name.toLowerCase();
    this.local.delete(key);
    this.session.set(key, defaultValue);
  }

  beginTransaction(): void {
    this.snapshot = new Map(this.session);
  }

  endTransaction(commit: boolean): void {
    if (!commit && this.snapshot) this.session = this.snapshot;
    this.snapshot = null;
    this.local.clear();
  }

  /** Current values of every reported setting, by their ParameterStatus names. */
  reportedValues(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, wireName] of Object.entries(reported)) {
      const v = this.get(key);
      if (v !== undefined) out[wireName] = v;
    }
    return out;
  }

  encodeContext(): EncodeContext {
    return {
      timeZone: this.get("timezone") ?? "UTC",
      dateStyle: this.get("datestyle") ?? "ISO, MDY",
      intervalStyle: this.get("intervalstyle") ?? "postgres",
      extraFloatDigits: Number(this.get("extra_float_digits") ?? "1"),
      byteaOutput: this.get("bytea_output") ?? "hex",
    };
  }
}
