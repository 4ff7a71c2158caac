// The gateway's shared state opened together: locally SQLite files and budgets in memory; in Cosmos DB one
// state container, opened once, that keys, budgets and replay operations all write to.
import { existsSync, mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPLAYS_FILE, type ReplayOperation } from "@haymaker/dead-letters";
import * as projections from "@haymaker/projections";
import { type CosmosEmulator, startCosmosEmulator } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { inMemoryRateLimits } from "./auth/rate-limit.ts";
import { API_KEYS_FILE } from "./auth/sqlite-api-key-store.ts";
import { openGatewayState } from "./gateway-state.ts";

vi.mock("@haymaker/projections", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@haymaker/projections")>();
  return { ...actual, openStateContainer: vi.fn(actual.openStateContainer) };
});

let emulator: CosmosEmulator;
let operations = 0;

function operation(): ReplayOperation {
  operations += 1;
  return {
    id: `rpl-state-${operations}`,
    kind: "replay",
    status: "running",
    selection: { group: "g-0123456789ab" },
    requestedBy: "api-key:test",
    startedAt: "2026-12-08T06:00:00.000Z",
    total: 1,
    replayed: 0,
    failed: 0,
    remaining: 1,
    errors: [],
  };
}

beforeAll(async () => {
  emulator = await startCosmosEmulator();
});
afterAll(() => emulator.stop());

describe("openGatewayState", () => {
  it("keeps keys and replay operations in the data directory, and budgets in memory, without Cosmos DB", async () => {
    const directory = mkdtempSync(join(tmpdir(), "gateway-state-"));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const state = await openGatewayState(undefined, directory);
    onTestFinished(() => state.close());
    expect(state.rateLimits).toBe(inMemoryRateLimits);
    await state.keys.create("admin", "local");
    await state.replayOperations.create({ operation: operation() });
    expect(existsSync(join(directory, API_KEYS_FILE))).toBe(true);
    expect(existsSync(join(directory, REPLAYS_FILE))).toBe(true);
  });

  it("opens the state container once for keys, budgets and replay operations, and writes all three there", async () => {
    const opened = vi.mocked(projections.openStateContainer);
    opened.mockClear();
    const config = { ...emulator, database: "gateway-state-shared" };
    const directory = mkdtempSync(join(tmpdir(), "gateway-state-"));
    onTestFinished(() => rm(directory, { recursive: true, force: true }));
    const state = await openGatewayState(config, directory);
    onTestFinished(() => state.close());
    expect(opened).toHaveBeenCalledOnce();

    await state.keys.create("admin", "shared");
    expect((await state.rateLimits("execute", 5).take("api-key:one")).allowed).toBe(true);
    await state.replayOperations.create({ operation: operation() });

    const container = await opened.getMockImplementation()?.(config);
    if (container === undefined) throw new Error("openStateContainer has no implementation");
    onTestFinished(() => container.database.client.dispose());
    const { resources } = await container.items.query<{ kind: string }>("SELECT c.kind FROM c").fetchAll();
    expect(resources.map((document) => document.kind).sort()).toEqual([
      "api-key",
      "rate-window",
      "replay-operation",
    ]);
    expect(existsSync(join(directory, API_KEYS_FILE))).toBe(false);
    expect(existsSync(join(directory, REPLAYS_FILE))).toBe(false);
  });
});
