// The optional emulator suite: `npm run test:emulators`. Kept out of the root config (and so out of make
// test and .ci/run, which counts a skipped test as a failure), because it needs Docker and skips without it.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["*.test.ts"],
    // Pulling an image and starting an emulator (the Cosmos DB one especially) takes minutes.
    hookTimeout: 600_000,
    testTimeout: 120_000,
    pool: "forks",
    // One emulator at a time: each takes gigabytes of memory and the machines have two cores.
    fileParallelism: false,
  },
});
