/**
 * Weft's configuration: a YAML file (with `${ENV}` substitution) or the built-in demo.
 * See docs/configuration.md.
 */

export { ConfigError } from "./config/config-error.ts";
export { demoAdminKey, demoConfig, demoDataDir } from "./config/demo-config.ts";
export { applyEnvOverrides } from "./config/env-overrides.ts";
export { loadConfig, parseConfig } from "./config/parse-config.ts";
export {
  type AuthMethod,
  authMethods,
  configDefaults,
  supportedServiceKinds,
  type UserConfig,
  type WeftConfig,
} from "./config/types.ts";
export type { ServiceConfig, ServiceKind } from "./connectors/spi.ts";
