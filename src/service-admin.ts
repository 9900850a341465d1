/**
 * How the HTTP API creates services (part of the composition root): a body is checked with the
 * config file's rules, and the services made over the API are saved to `<stateDir>/services.json`.
 */
import type { ServiceStore } from "./catalog/service-store.ts";
import { ConfigError } from "./config/config-error.ts";
import type { RawService } from "./config/schema.ts";
import { validateService } from "./config/validate-service.ts";
import type { ServiceAdmin } from "./http/admin-catalog.ts";
import { ApiError } from "./http/errors.ts";

export function apiServiceAdmin(
  configured: ReadonlySet<string>,
  store: ServiceStore,
  stateDir: string,
): ServiceAdmin {
  return {
    configured,
    validate(raw) {
      try {
        // a relative sqlite path is relative to the state dir (the API has no config file folder)
        return validateService(raw as RawService, 0, stateDir);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        const field = err.field.replace(/^services\[0\]\./, "");
        throw new ApiError(400, `${field}: ${err.problem}`, field);
      }
    },
    save: (services) => store.save(services),
  };
}
