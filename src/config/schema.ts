import { z } from "zod";
import { parseByteSize } from "./byte-size.ts";
import { catalogStoreSchema, configRelationshipSchema } from "./relationships-schema.ts";
import { authMethods, configDefaults, logLevels } from "./types.ts";

/**
 * The shape of a config file after `${ENV}` substitution. Only shapes and single-field
 * rules live here; rules that span fields (uniqueness, kind-specific fields, paths on
 * disk) are in validate.ts so each error can name exactly one field.
 */

// After env substitution a number or boolean may arrive as text ("port: ${PORT}").
const fromText = (parse: (text: string) => unknown) => (value: unknown) =>
  typeof value === "string" ? parse(value.trim()) : value;

const integerText = fromText((text) => (/^-?\d+$/.test(text) ? Number(text) : text));
const booleanText = fromText((text) => (text === "true" ? true : text === "false" ? false : text));

function integerIn(min: number, max: number) {
  const message = `must be an integer between ${min} and ${max}`;
  return z.preprocess(integerText, z.number().int(message).min(min, message).max(max, message));
}

const portField = integerIn(0, 65535);
const booleanField = z.preprocess(booleanText, z.boolean());
const nonEmpty = z.string().trim().min(1, "must not be empty");

const byteSizeMessage = 'must be a positive number of bytes or a size like "512MB" or "1GB"';
const byteSizeField = z.unknown().transform((value, ctx) => {
  const bytes = typeof value === "number" ? value : typeof value === "string" ? parseByteSize(value) : null;
  if (bytes === null || !Number.isSafeInteger(bytes) || bytes <= 0) {
    ctx.addIssue({ code: "custom", message: byteSizeMessage });
    return z.NEVER;
  }
  return bytes;
});

const listenSchema = z.strictObject({
  host: nonEmpty.default(configDefaults.host),
  port: portField.default(configDefaults.port),
  httpPort: portField.default(configDefaults.httpPort),
});

const userSchema = z.strictObject({
  name: nonEmpty,
  password: z.string().optional(),
});

const serviceSchema = z.strictObject({
  name: z.string(),
  kind: z.string(),
  url: nonEmpty.optional(),
  path: nonEmpty.optional(),
  pool: integerIn(1, 1000).optional(),
  schema: nonEmpty.optional(),
  readOnly: booleanField.optional(),
});

const adminKeySchema = z.strictObject({
  name: nonEmpty,
  key: z.string().min(16, "must be at least 16 characters (a random secret, e.g. openssl rand -hex 24)"),
  role: z.enum(["admin", "read"]),
});

export const rawConfigSchema = z.strictObject({
  listen: listenSchema.default({
    host: configDefaults.host,
    port: configDefaults.port,
    httpPort: configDefaults.httpPort,
  }),
  stateDir: nonEmpty.default(configDefaults.stateDir),
  database: nonEmpty
    .max(63, "must be at most 63 characters (a Postgres identifier)")
    .default(configDefaults.database),
  strictDatabase: booleanField.default(false),
  users: z.array(userSchema).default([]),
  auth: z.enum(authMethods as [string, ...string[]]).default(configDefaults.auth),
  tls: z.strictObject({ cert: nonEmpty, key: nonEmpty }).nullable().default(null),
  log: z.strictObject({ level: z.enum(logLevels).default("info") }).default({ level: "info" }),
  services: z.array(serviceSchema).default([]),
  relationships: z.array(configRelationshipSchema).default([]),
  catalog: catalogStoreSchema.default({ store: "file" }),
  admin: z.strictObject({ keys: z.array(adminKeySchema).default([]) }).default({ keys: [] }),
  limits: z
    .strictObject({ queryMemory: byteSizeField.default(configDefaults.queryMemory) })
    .default({ queryMemory: configDefaults.queryMemory }),
});

export type RawConfig = z.infer<typeof rawConfigSchema>;
export type RawService = z.infer<typeof serviceSchema>;
