import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{contracts,shared,services}/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Broker tests start real servers and wait on lock timers; two cores are shared with them.
    pool: "forks",
  },
});
