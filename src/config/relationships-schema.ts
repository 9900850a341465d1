/**
 * The `relationships:` and `catalog:` sections of a config file: relationships declared in the
 * file (read-only at run time) and where the ones added at run time are kept.
 */
import { z } from "zod";
import { relationshipInputShape } from "../catalog/relationships/input-schema.ts";

export const configRelationshipSchema = z.strictObject({
  service: z.string().trim().min(1, "must not be empty"),
  table: z.string().trim().min(1, "must not be empty"),
  ...relationshipInputShape,
});

export const catalogStoreSchema = z.strictObject({
  store: z.enum(["file", "postgres"]).default("file"),
  url: z.string().trim().min(1, "must not be empty").optional(),
  table: z.string().trim().min(1, "must not be empty").optional(),
});

export type RawConfigRelationship = z.infer<typeof configRelationshipSchema>;
export type RawCatalogStore = z.infer<typeof catalogStoreSchema>;
