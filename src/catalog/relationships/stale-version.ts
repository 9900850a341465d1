import { CatalogError } from "./types.ts";

export function staleVersion(ifMatch: number, current: number): CatalogError {
  return new CatalogError(
    "conflict",
    `the catalog is at version ${current}, not ${ifMatch}: it changed since it was read; read it again and retry`,
  );
}
