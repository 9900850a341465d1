/**
 * A configuration problem, reported as `<field path>: <problem>` so the user can find
 * the line at fault (e.g. `services[1].url: must be a postgres:// or postgresql:// URL`).
 */
export class ConfigError extends Error {
  /** where the problem is: a field path like `services[1].url`, an env var name, or a file */
  readonly field: string;
  /** the problem alone, without the field */
  readonly problem: string;

  constructor(field: string, problem: string, options?: { cause?: unknown }) {
    super(field ? `${field}: ${problem}` : problem, options);
    this.name = "ConfigError";
    this.field = field;
    this.problem = problem;
  }
}
