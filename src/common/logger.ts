import pino from "pino";

export type Logger = pino.Logger;

/** Credentials never reach the logs: passwords, keys and the userinfo part of URLs. */
const redactPaths = [
  "password",
  "*.password",
  "*.*.password",
  "key",
  "*.key",
  "headers.authorization",
  'headers["x-api-key"]',
  "*.headers.authorization",
  '*.headers["x-api-key"]',
  "*.url",
  "url",
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: "weft" },
      redact: {
        paths: redactPaths,
        censor: (value) => (typeof value === "string" ? redactUrl(value) : "[redacted]"),
      },
    },
    destination,
  );
}

/** postgres://user:secret@host → postgres://user:***@host; anything else that is not a URL is hidden. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "[redacted]";
  }
}
