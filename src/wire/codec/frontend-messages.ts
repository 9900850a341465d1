/**
 * Messages a Postgres v3 client sends, as the decoder hands them over. Integer
 * fields are kept as the raw wire numbers (format codes included): deciding
 * whether a value is acceptable is the connection's job, not the framing's.
 */

/** Untyped packets of the startup phase. */
export type StartupPhaseMessage =
  | { type: "SSLRequest" }
  | { type: "GSSENCRequest" }
  | { type: "CancelRequest"; processId: number; secretKey: number }
  | { type: "Startup"; major: number; minor: number; params: Record<string, string> };

export type DescribeTarget = "S" | "P";

/** Typed messages (one type byte, an int32 length, a body). */
export type TypedMessage =
  | { type: "Query"; sql: string }
  | { type: "Parse"; name: string; sql: string; paramTypes: number[] }
  | {
      type: "Bind";
      portal: string;
      statement: string;
      paramFormats: number[];
      params: (Uint8Array | null)[];
      resultFormats: number[];
    }
  | { type: "Describe"; target: DescribeTarget; name: string }
  | { type: "Execute"; portal: string; maxRows: number }
  | { type: "Close"; target: DescribeTarget; name: string }
  | { type: "Sync" }
  | { type: "Flush" }
  | { type: "Terminate" }
  /** PasswordMessage, SASLInitialResponse or SASLResponse: the auth state decides which. */
  | { type: "Password"; data: Uint8Array }
  | { type: "FunctionCall"; data: Uint8Array }
  | { type: "CopyData"; data: Uint8Array }
  | { type: "CopyDone" }
  | { type: "CopyFail"; message: string };

export type FrontendMessage = StartupPhaseMessage | TypedMessage;

/** Request codes carried in the version field of untyped packets. */
export const RequestCode = {
  ssl: 80877103,
  gssenc: 80877104,
  cancel: 80877102,
} as const;
