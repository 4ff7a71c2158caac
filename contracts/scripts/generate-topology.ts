// Writes the files derived from the bus topology in contracts/src/topology.ts:
// the embedded broker's Config.json and the topology Bicep loads. Run: npm run generate
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generatedFiles, topology } from "../src/index.ts";

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

for (const file of generatedFiles(topology)) {
  const target = join(repositoryRoot, file.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, file.content);
  console.log(`wrote ${file.path}`);
}
