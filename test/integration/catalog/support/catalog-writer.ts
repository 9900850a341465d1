/**
 * A child process for the crash test: writes catalog versions in a loop through the file store
 * and prints each version once its write returned. The test kills it with SIGKILL at random.
 * Each version's document says which version it is, so a torn or mixed write would show.
 */
import { FileRelationshipStore } from "../../../../src/catalog/relationships/file-store.ts";
import type { Relationship } from "../../../../src/catalog/relationships/types.ts";

const path = process.argv[2];
if (!path) throw new Error("usage: catalog-writer <catalog.json>");

function relationshipsFor(version: number): Relationship[] {
  // a few KB per document, so a write spans several disk blocks
  return Array.from({ length: 1 + (version % 7) }, (_, i) => ({
    service: "hr",
    table: "todo",
    name: `rel_${i}`,
    alias: null,
    label: `Rel ${i}`,
    description: `v${version} ${"x".repeat(500)}`,
    type: "belongs_to",
    field: ["assigned_to"],
    is_virtual: true,
    ref_service: "crm",
    ref_table: "contact",
    ref_field: ["display_name"],
    junction_service: null,
    junction_table: null,
    junction_field: null,
    junction_ref_field: null,
    always_fetch: false,
    key_comparison: "exact",
  }));
}

const silent = { info() {}, warn() {}, error() {} };
const store = new FileRelationshipStore(path, silent);
const loaded = await store.load();
process.stdout.write(`loaded ${loaded.version}\n`);
for (;;) {
  const { stored } = await store.update(undefined, (current) => ({
    relationships: relationshipsFor(current.version + 1),
    result: null,
  }));
  process.stdout.write(`wrote ${stored.version}\n`);
}
