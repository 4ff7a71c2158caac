// createUnlessLive on the emulator: the first record stands for every racer, and an expired one gives way.
import { type CosmosEmulator, startCosmosEmulator } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { openStateContainer } from "./state-container.ts";
import { expiryFields } from "./state-documents.ts";
import { createUnlessLive } from "./state-writes.ts";

let emulator: CosmosEmulator;
beforeAll(async () => {
  emulator = await startCosmosEmulator();
});
afterAll(() => emulator.stop());

async function open(database: string) {
  const container = await openStateContainer({ ...emulator, database });
  onTestFinished(() => container.database.client.dispose());
  return container;
}

const NOW = Date.parse("2026-12-01T00:00:00Z");

describe("createUnlessLive", () => {
  it("keeps the first record, and gives every later writer that one back", async () => {
    const container = await open("writes-first");
    const first = await createUnlessLive(container, { id: "f", pk: "test:f", kind: "fact", value: 1 }, NOW);
    expect(first.value).toBe(1);
    const second = await createUnlessLive(container, { id: "f", pk: "test:f", kind: "fact", value: 2 }, NOW);
    expect(second.value).toBe(1);
  });

  it("gives racing writers one and the same record, whoever wins", async () => {
    const container = await open("writes-race");
    const [one, ...others] = await Promise.all(
      Array.from({ length: 10 }, (_, value) =>
        createUnlessLive(container, { id: "r", pk: "test:r", kind: "fact", value }, NOW),
      ),
    );
    for (const other of others) expect(other.value).toBe(one?.value);
    expect((await container.item("r", "test:r").read<{ value: number }>()).resource?.value).toBe(one?.value);
  });

  it("replaces a record whose time has passed, even while it is still stored", async () => {
    const container = await open("writes-expired");
    await createUnlessLive(
      container,
      { id: "e", pk: "test:e", kind: "fact", value: 1, ...expiryFields(60, NOW) },
      NOW,
    );
    const later = NOW + 61_000;
    const replaced = await createUnlessLive(
      container,
      { id: "e", pk: "test:e", kind: "fact", value: 2, ...expiryFields(60, later) },
      later,
    );
    expect(replaced.value).toBe(2);
    expect((await container.item("e", "test:e").read<{ value: number }>()).resource?.value).toBe(2);
  });
});
