import { ConfigError } from "./config-error.ts";
import type { WeftConfig } from "./types.ts";

/**
 * WEFT_HOST, WEFT_PORT and WEFT_HTTP_PORT override `listen.*` (whatever the file or
 * the demo says), so one config file can serve several instances or containers.
 */
export function applyEnvOverrides(config: WeftConfig, env: NodeJS.ProcessEnv): WeftConfig {
  const listen = { ...config.listen };
  const host = env.WEFT_HOST;
  if (host !== undefined) {
    if (host.trim() === "") throw new ConfigError("WEFT_HOST", "must not be empty");
    listen.host = host.trim();
  }
  const port = portFromEnv(env, "WEFT_PORT");
  if (port !== undefined) listen.port = port;
  const httpPort = portFromEnv(env, "WEFT_HTTP_PORT");
  if (httpPort !== undefined) listen.httpPort = httpPort;
  return { ...config, listen };
}

function portFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  const port = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || port > 65535) {
    throw new ConfigError(name, `must be an integer between 0 and 65535, got "${text}"`);
  }
  return port;
}
