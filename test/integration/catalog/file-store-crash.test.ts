import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FileRelationshipStore } from "../../../src/catalog/relationships/file-store.ts";
import { parseStoredCatalog } from "../../../src/catalog/relationships/stored-schema.ts";

const writer = join(import.meta.dirname, "support", "catalog-writer.ts");
const kills = 50;

interface Run {
  loaded: number;
  reached: number;
}

/** Starts the writer, lets it write for a random while after it loaded, kills it with SIGKILL. */
function runAndKill(path: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", writer, path], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const run: Run = { loaded: -1, reached: -1 };
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        const [what, n] = line.split(" ");
        if (what === "loaded") {
          run.loaded = Number(n);
          run.reached = Number(n);
          setTimeout(() => child.kill("SIGKILL"), Math.floor(Math.random() * 120));
        } else if (what === "wrote") run.reached = Number(n);
      }
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`writer exited without being killed (${_code})`));
      else resolve(run);
    });
  });
}

let dir: string;
after(() => rm(dir, { recursive: true, force: true }));

test(`the catalog file survives ${kills} kill -9 during writes: old or new, never broken`, async () => {
  dir = await mkdtemp(join(tmpdir(), "weft-catalog-crash-"));
  const path = join(dir, "catalog.json");
  // a temp file of a crashed write is never read in place of the catalog
  await writeFile(join(dir, ".catalog.json.1.deadbeef.tmp"), "{ torn");
  let lastVersion = 0;
  let writesSeen = 0;
  for (let i = 0; i < kills; i++) {
    const run = await runAndKill(path);
    assert.equal(run.loaded, lastVersion, "the writer starts from the version the file holds");
    const doc = parseStoredCatalog(JSON.parse(await readFile(path, "utf8")));
    // the write in flight may have been renamed into place before its "wrote" line was printed
    assert.ok(
      doc.version === run.reached || doc.version === run.reached + 1,
      `file version ${doc.version}, writer reached ${run.reached}`,
    );
    assert.equal(doc.relationships.length, 1 + (doc.version % 7));
    for (const rel of doc.relationships) assert.ok(rel.description?.startsWith(`v${doc.version} `));
    writesSeen += doc.version - lastVersion;
    lastVersion = doc.version;
  }
  assert.ok(writesSeen > kills, `the writer should have written between kills (${writesSeen} versions)`);
  const store = new FileRelationshipStore(path, { info() {}, warn() {}, error() {} });
  assert.equal((await store.load()).version, lastVersion);
  await store.close();
  const leftovers = (await readdir(dir)).filter((n) => n.endsWith(".tmp"));
  assert.deepEqual(leftovers, [], "temp files of crashed writes are removed at load");
});
