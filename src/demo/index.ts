/** The embedded demo: two SQLite databases (hr, crm) generated from a seeded PRNG. See docs/demo.md. */
export { demoCounts } from "./demo-tables.ts";
export {
  type DemoPaths,
  demoGeneratorVersion,
  ensureDemoData,
  ensureDemoDataWith,
} from "./ensure-demo-data.ts";
export { demoSeed, generateDemoData } from "./generate.ts";
