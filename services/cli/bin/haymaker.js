#!/usr/bin/env node
// The HayMaker command line. Needs Node 24; inside the repository npm and npx put the pinned Node 24 first on PATH.
const [major] = process.versions.node.split(".").map(Number);
if (major < 24) {
  process.stderr.write(`haymaker needs Node 24 or newer (this is ${process.version}).\n`);
  process.exit(2);
}
const { main } = await import("../src/main.ts");
await main();
