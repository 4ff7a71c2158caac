import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{contracts,shared,services}/**/*.test.ts"],
    // The emulator suite needs Docker and is opt-in: npm run test:emulators (its own config).
    exclude: [...configDefaults.exclude, "shared/testing/emulators/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Broker tests start real servers and wait on lock timers; two cores are shared with them.
    pool: "forks",
  },
});
