// Two gateway replicas on one Cosmos DB (the emulator), as behind a load balancer in Azure: a caller's
// execute budget is one budget across both, and a key revoked through one is refused by the other at once.
import { type CosmosConfig, SqliteProjectionStore } from "@haymaker/projections";
import { type CosmosEmulator, startCosmosEmulator } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CosmosApiKeyStore } from "./auth/cosmos-api-key-store.ts";
import { CosmosRateLimits } from "./auth/cosmos-rate-limit.ts";
import { errorOf, testGateway } from "./testing/test-gateway.ts";

let emulator: CosmosEmulator;
beforeAll(async () => {
  emulator = await startCosmosEmulator("gateway-replicas");
});
afterAll(() => emulator.stop());

/** One replica: its own Cosmos DB clients for keys and budgets, as a gateway process opens them. */
async function replica(config: CosmosConfig, projections: SqliteProjectionStore) {
  const keys = await CosmosApiKeyStore.open(config);
  // A clock fixed mid-minute: on the real one, ten executes could straddle two windows.
  const limits = await CosmosRateLimits.open(config, { now: () => Date.UTC(2026, 11, 8, 6, 0, 30) });
  const { call } = await testGateway({ keys, rateLimits: limits.rateLimits, projections });
  return {
    call,
    keys,
    close() {
      keys.close();
      limits.close();
    },
  };
}

describe("two gateway replicas sharing Cosmos DB", () => {
  it("share one execute budget per caller, and a revocation through either", async () => {
    const config: CosmosConfig = {
      endpoint: emulator.endpoint,
      key: emulator.key,
      database: emulator.database,
      clientOptions: emulator.clientOptions,
    };
    const projections = SqliteProjectionStore.inMemory();
    const one = await replica(config, projections);
    const two = await replica(config, projections);
    try {
      const { key: admin } = await one.keys.create("admin", "replicas-admin");
      const created = await one.call("POST", "/api/keys", admin, { role: "operator", name: "ci" });
      expect(created.status).toBe(201);
      const { id, key } = (await created.json()) as { id: string; key: string };

      // Ten executes a minute, wherever they land.
      for (let i = 0; i < 10; i++) {
        const answer = await (i % 2 === 0 ? one : two).call("POST", "/api/execute", key, {});
        expect(answer.status, `execute ${i + 1}`).toBe(202);
      }
      for (const gateway of [one, two]) {
        const refused = await gateway.call("POST", "/api/execute", key, {});
        expect((await errorOf(refused, 429)).code).toBe("RateLimited");
        expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
        expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
      }

      // Revoked through one replica, refused by the other on the next request.
      expect((await two.call("GET", "/api/executions", key)).status).toBe(200);
      expect((await one.call("DELETE", `/api/keys/${id}`, admin)).status).toBe(204);
      expect((await errorOf(await two.call("GET", "/api/executions", key), 401)).code).toBe(
        "Unauthenticated",
      );
      expect((await two.call("DELETE", `/api/keys/${id}`, admin)).status).toBe(404);
    } finally {
      one.close();
      two.close();
    }
  });
});
