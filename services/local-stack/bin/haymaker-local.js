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
await main().catch((error) => {
  // One line naming the cause, never a stack trace; the in-process servers end with the process, and
  // Azurite (its own process) stops when the stack exits.
  process.stderr.write(`haymaker: could not start: ${error?.message ?? String(error)}\n`);
  process.exit(1);
});
