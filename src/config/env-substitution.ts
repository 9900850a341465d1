import { ConfigError } from "./config-error.ts";
import { formatFieldPath } from "./field-path.ts";

// `$${X}` is the escape for a literal `${X}`; `${NAME}` is a substitution.
const placeholder = /\$(\$?)\{([^}]*)\}/g;
const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${ENV_VAR}` in every string of a parsed YAML document (keys stay as
 * written). A missing variable is a ConfigError naming the field and the variable.
 */
export function substituteEnv(node: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[] = []): unknown {
  if (typeof node === "string") return substituteString(node, env, path);
  if (Array.isArray(node)) return node.map((item, i) => substituteEnv(item, env, [...path, i]));
  if (node !== null && typeof node === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = substituteEnv(value, env, [...path, key]);
    return out;
  }
  return node;
}

function substituteString(text: string, env: NodeJS.ProcessEnv, path: PropertyKey[]): string {
  return text.replace(placeholder, (_match, escaped: string, name: string) => {
    if (escaped) return `\${${name}}`;
    const field = formatFieldPath(path) || "(root)";
    if (!envName.test(name)) {
      throw new ConfigError(field, `"\${${name}}" is not a valid environment variable reference`);
    }
    const value = env[name];
    if (value === undefined) throw new ConfigError(field, `environment variable ${name} is not set`);
    return value;
  });
}
