import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createConnector } from "../connectors/registry.ts";
import { demoSeed, generateDemoData } from "./generate.ts";
import { type OpenConnector, writeDemoDatabase } from "./write-database.ts";

/**
 * Bump whenever the generated rows or the DDL change: existing demo files are then
 * rebuilt on the next start.
 */
export const demoGeneratorVersion = 1;

const markerFile = "demo-version.json";

interface Marker {
  version: number;
  seed: number;
}

export interface DemoPaths {
  hrPath: string;
  crmPath: string;
}

/**
 * Makes sure `<dir>/hr.db` and `<dir>/crm.db` hold the current demo data: builds them
 * when a file or the version marker is missing or the marker names another generator
 * version; otherwise leaves them alone (users may have edited them).
 */
export async function ensureDemoData(dir: string, onProgress?: (msg: string) => void): Promise<DemoPaths> {
  return ensureDemoDataWith(dir, createConnector, onProgress);
}

/** ensureDemoData with the connector factory injected (tests, other registries). */
export async function ensureDemoDataWith(
  dir: string,
  open: OpenConnector,
  onProgress?: (msg: string) => void,
): Promise<DemoPaths> {
  const root = resolve(dir);
  const paths: DemoPaths = { hrPath: join(root, "hr.db"), crmPath: join(root, "crm.db") };
  const wanted: Marker = { version: demoGeneratorVersion, seed: demoSeed };
  if (isCurrent(root, paths, wanted)) return paths;

  const started = Date.now();
  onProgress?.(`building demo data in ${root} (generator version ${wanted.version})`);
  mkdirSync(root, { recursive: true });
  const data = generateDemoData(wanted.seed);
  await writeDemoDatabase(data.hr, paths.hrPath, open, onProgress);
  await writeDemoDatabase(data.crm, paths.crmPath, open, onProgress);
  // The marker goes last: a build interrupted before this point is redone next time.
  const markerPath = join(root, markerFile);
  writeFileSync(`${markerPath}.tmp`, `${JSON.stringify(wanted)}\n`);
  renameSync(`${markerPath}.tmp`, markerPath);
  onProgress?.(`demo data ready in ${Date.now() - started} ms`);
  return paths;
}

function isCurrent(root: string, paths: DemoPaths, wanted: Marker): boolean {
  if (!existsSync(paths.hrPath) || !existsSync(paths.crmPath)) return false;
  try {
    const marker = JSON.parse(readFileSync(join(root, markerFile), "utf8")) as Partial<Marker>;
    return marker.version === wanted.version && marker.seed === wanted.seed;
  } catch {
    return false;
  }
}
