#!/usr/bin/env node
// Starts HayMaker on its embedded defaults (what `make run` runs). Needs Node 24; inside the repository npm
// and npx put the pinned Node 24 first on PATH.
const [major] = process.versions.node.split(".").map(Number);
if (major < 24) {
  process.stderr.write(
    `HayMaker needs Node 24 or newer (this is ${process.version}). Use \`make run\`, which uses the Node the repository pins.\n`,
  );
  process.exit(2);
}
const { main } = await import("../src/main.ts");
await main();
