import type { z } from "zod";
import { ConfigError } from "./config-error.ts";
import { formatFieldPath, valueAtPath } from "./field-path.ts";

const typeNames: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  array: "a list",
};

/** Turns the first zod issue into one ConfigError whose field is the first field at fault. */
export function configErrorFromIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigError {
  const path = issue.path as PropertyKey[];
  switch (issue.code) {
    case "invalid_type": {
      const present = valueAtPath(raw, path) !== undefined;
      const field = formatFieldPath(path) || "(root)";
      if (!present) return new ConfigError(field, "is required");
      // A non-integer number breaks the schema's own range message; keep it.
      if (issue.expected === "int") return new ConfigError(field, issue.message);
      return new ConfigError(field, `must be ${typeNames[issue.expected] ?? issue.expected}`);
    }
    case "invalid_value":
      return new ConfigError(
        formatFieldPath(path),
        `must be one of ${issue.values.map((v) => String(v)).join(", ")}`,
      );
    case "unrecognized_keys": {
      const key = issue.keys[0] ?? "";
      return new ConfigError(formatFieldPath([...path, key]), "unknown field");
    }
    default:
      return new ConfigError(formatFieldPath(path) || "(root)", issue.message);
  }
}
