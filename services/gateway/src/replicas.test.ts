// Two gateway replicas on one Cosmos DB (the emulator), as behind a load balancer in Azure: a caller's
// execute budget is one budget across both, a key revoked through one is refused by the other at once, and
// a replay started through one is followed and aborted through the other.
import {
  CosmosReplayOperationStore,
  type DeadLetterQueues,
  type Progress,
  ReplayOperations,
  type WorkOptions,
} from "@haymaker/dead-letters";
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

/** Dead-letter queues whose replay works a batch of 10 every 20 ms until it is aborted. */
const endlessQueues = {
  list: async () => Array.from({ length: 100_000 }, () => ({})),
  replay: async (_filter: unknown, _ids: unknown, options: WorkOptions): Promise<Progress> => {
    const progress: Progress = { done: 0, failed: 0, errors: [] };
    while (!options.signal?.aborted) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      progress.done += 10;
      options.onProgress?.({ ...progress, errors: [] });
    }
    return progress;
  },
} as unknown as DeadLetterQueues;

/** One replica: its own Cosmos DB clients for keys, budgets and replays, as a gateway process opens them. */
async function replica(config: CosmosConfig, projections: SqliteProjectionStore) {
  const operations = new ReplayOperations(await CosmosReplayOperationStore.open(config), endlessQueues);
  const keys = await CosmosApiKeyStore.open(config);
  // A clock fixed mid-minute: on the real one, ten executes could straddle two windows.
  const limits = await CosmosRateLimits.open(config, { now: () => Date.UTC(2026, 11, 8, 6, 0, 30) });
  const { call } = await testGateway({
    keys,
    rateLimits: limits.rateLimits,
    projections,
    deadLetters: { queues: endlessQueues, operations, editEnabled: false },
  });
  return {
    call,
    keys,
    async close() {
      await operations.close();
      keys.close();
      limits.close();
    },
  };
}

describe("two gateway replicas sharing Cosmos DB", () => {
  it("share one execute budget per caller, revocations, and replay operations", async () => {
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
      // A replay started through one replica is followed and stopped through the other.
      const started = await one.call("POST", "/api/dead-letters/replay", admin, { group: "g-0123456789ab" });
      expect(started.status).toBe(202);
      const { operation } = (await started.json()) as { operation: { id: string } };
      const seen = await two.call("GET", `/api/replays/${operation.id}`, admin);
      expect(((await seen.json()) as { status: string }).status).toBe("running");
      const aborted = await two.call("POST", `/api/replays/${operation.id}/abort`, admin);
      expect(aborted.status).toBe(202);
      expect(((await aborted.json()) as { operation: { status: string } }).operation.status).toBe("aborted");
      expect(
        (await errorOf(await one.call("POST", `/api/replays/${operation.id}/abort`, admin), 409)).code,
      ).toBe("ReplayFinished");
    } finally {
      await one.close();
      await two.close();
    }
  });
});
