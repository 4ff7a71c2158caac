#!/usr/bin/env node
// The reference HayMaker agent: performs one scenario (deploy, operate, cleanup) in its own resource group.
// Needs Node 24; inside the repository npm and npx put the pinned Node 24 first on PATH.
const [major] = process.versions.node.split(".").map(Number);
if (major < 24) {
  process.stderr.write(`haymaker-agent needs Node 24 or newer (this is ${process.version}).\n`);
  process.exit(2);
}
// Loading the agent takes a moment; a stop request that comes meanwhile must not kill it untidily.
const stop = new AbortController();
const stopEarly = () => stop.abort();
process.once("SIGTERM", stopEarly);
process.once("SIGINT", stopEarly);
const { main } = await import("../src/main.ts");
process.off("SIGTERM", stopEarly);
process.off("SIGINT", stopEarly);
await main(stop);
