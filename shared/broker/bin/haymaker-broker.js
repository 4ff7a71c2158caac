#!/usr/bin/env node
// HayMaker runs on Node 24 (it needs node:sqlite and runs TypeScript directly). Inside the repository,
// npm and npx put the pinned Node 24 first on PATH.
const [major] = process.versions.node.split(".").map(Number);
if (major < 24) {
  process.stderr.write(
    `haymaker-broker needs Node 24 or newer (this is ${process.version}). Run it through npx from the HayMaker repository, which uses the Node it pins.\n`,
  );
  process.exit(2);
}
const { main } = await import("../src/cli.ts");
await main(process.argv.slice(2));
