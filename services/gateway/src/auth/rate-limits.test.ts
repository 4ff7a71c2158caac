// The rate-limit contract against both adapters: in memory (one process: its "replicas" are the same
// budgets) and Cosmos DB on the emulator (replicas are clients of their own on one state container).
import { ConfigError } from "@haymaker/config";
import { openStateContainer } from "@haymaker/projections";
import { type CosmosEmulator, startCosmosEmulator } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { CosmosRateLimits } from "./cosmos-rate-limit.ts";
import { rateLimitsFromEnv } from "./open-rate-limits.ts";
import { inMemoryRateLimits, type RateLimit, RateLimiter, type RateLimits } from "./rate-limit.ts";
import { describeRateLimitContract } from "./rate-limit-contract.ts";

describeRateLimitContract("in memory", async (now) => {
  const budgets = new Map<string, RateLimit>();
  const limits: RateLimits = (budget, perMinute) => {
    const limit = budgets.get(budget) ?? new RateLimiter(perMinute, { now });
    budgets.set(budget, limit);
    return limit;
  };
  return { replica: () => limits };
});

let emulator: CosmosEmulator;
let databases = 0;
beforeAll(async () => {
  emulator = await startCosmosEmulator();
});
afterAll(() => emulator.stop());

describeRateLimitContract("Cosmos DB (emulator)", async (now) => {
  const config = {
    endpoint: emulator.endpoint,
    key: emulator.key,
    database: `gateway-rate-${++databases}`,
    clientOptions: emulator.clientOptions,
  };
  // Each replica a client of its own, as each gateway process has, both starting at once.
  const replicas = await Promise.all([0, 1].map(() => CosmosRateLimits.open(config, { now })));
  for (const replica of replicas) onTestFinished(() => replica.close());
  let next = 0;
  return { replica: () => (replicas[next++ % replicas.length] as CosmosRateLimits).rateLimits };
});

describe("CosmosRateLimits", () => {
  it("keeps one small document per caller and minute, due to expire, in the caller's own partition", async () => {
    const config = {
      endpoint: emulator.endpoint,
      key: emulator.key,
      database: "gateway-rate-documents",
      clientOptions: emulator.clientOptions,
    };
    const at = Date.UTC(2026, 11, 8, 6, 0, 10);
    const limits = await CosmosRateLimits.open(config, { now: () => at });
    const container = await openStateContainer(config);
    try {
      await limits.rateLimits("execute", 10).take("api-key:0123456789ab");
      await limits.rateLimits("execute", 10).take("api-key:0123456789ab");
      const { resources } = await container.items.query("SELECT * FROM c").fetchAll();
      expect(resources).toHaveLength(1);
      expect(resources[0]).toMatchObject({
        pk: "gateway:rate-limit:execute:api-key:0123456789ab",
        kind: "rate-window",
        count: 2,
        windowStart: "2026-12-08T06:00:00.000Z",
        ttl: 120,
        expiresAt: Math.floor(at / 1000) + 120,
      });
    } finally {
      limits.close();
      container.database.client.dispose();
    }
  });
});

describe("rateLimitsFromEnv", () => {
  it("names every bad Cosmos DB variable at once, from the call itself (not a rejected promise), echoing none", () => {
    const failure = () =>
      rateLimitsFromEnv({ HAYMAKER_COSMOS_ENDPOINT: "ftp://secret-host", HAYMAKER_COSMOS_DATABASE: "a/b" });
    expect(failure).toThrow(ConfigError);
    expect(failure).toThrow(/HAYMAKER_COSMOS_ENDPOINT[\s\S]*HAYMAKER_COSMOS_DATABASE/);
    expect(failure).not.toThrow(/secret-host/);
  });

  it("counts in memory without a Cosmos DB endpoint, in Cosmos DB with one", async () => {
    const local = await rateLimitsFromEnv({});
    expect(local.rateLimits).toBe(inMemoryRateLimits);
    local.close();
    const shared = await rateLimitsFromEnv({ ...emulator.env, HAYMAKER_COSMOS_DATABASE: "gateway-rate-env" });
    const other = await rateLimitsFromEnv({ ...emulator.env, HAYMAKER_COSMOS_DATABASE: "gateway-rate-env" });
    try {
      expect((await shared.rateLimits("execute", 1).take("api-key:env")).allowed).toBe(true);
      expect((await other.rateLimits("execute", 1).take("api-key:env")).allowed).toBe(false);
    } finally {
      shared.close();
      other.close();
    }
  });
});
