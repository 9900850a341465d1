import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseDocument } from "yaml";
import { ConfigError } from "./config-error.ts";
import { applyEnvOverrides } from "./env-overrides.ts";
import { substituteEnv } from "./env-substitution.ts";
import { rawConfigSchema } from "./schema.ts";
import type { WeftConfig } from "./types.ts";
import { validateConfig } from "./validate.ts";
import { configErrorFromIssue } from "./zod-issue.ts";

/**
 * Parses a YAML config: `${ENV}` substitution, shape check, cross-field rules, relative
 * paths resolved against `baseDir` (the config file's folder), then WEFT_HOST /
 * WEFT_PORT / WEFT_HTTP_PORT overrides. Throws ConfigError naming the first field at fault.
 */
export function parseConfig(text: string, baseDir: string, env: NodeJS.ProcessEnv): WeftConfig {
  const doc = parseDocument(text, { uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    // The pretty message's first line already ends with "at line L, column C:".
    throw new ConfigError("yaml", yamlError.message.split("\n")[0]!.replace(/:$/, ""));
  }
  const parsed: unknown = doc.toJS() ?? {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError("(root)", "must be a mapping of settings (listen, users, services …)");
  }
  const raw = substituteEnv(parsed, env);
  const result = rawConfigSchema.safeParse(raw);
  if (!result.success) throw configErrorFromIssue(result.error.issues[0]!, raw);
  return applyEnvOverrides(validateConfig(result.data, resolve(baseDir)), env);
}

/** Reads and parses a config file; relative paths in it are relative to its folder. */
export async function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<WeftConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === "ENOENT"
        ? "config file not found"
        : code === "EISDIR"
          ? "is a directory, not a config file"
          : `cannot read config file (${code ?? String(err)})`;
    throw new ConfigError(absolute, problem, { cause: err });
  }
  return parseConfig(text, dirname(absolute), env);
}
