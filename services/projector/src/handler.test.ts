import { UnprocessableEventError } from "@haymaker/bus";
import { EXAMPLE_DATA } from "@haymaker/contracts";
import { silentLogger } from "@haymaker/logging";
import { SqliteProjectionStore } from "@haymaker/projections";
import { runStory, storyEvent, testEvent } from "@haymaker/projections/testing";
import { describe, expect, it, onTestFinished } from "vitest";
import { projectEvent } from "./handler.ts";

const RUN = "run-projector";
const STORY = runStory({
  runId: RUN,
  requestedAt: "2026-11-24T06:00:00Z",
  agents: [{ scenarioId: "vm-restart" }],
});

function memoryStore(): SqliteProjectionStore {
  const store = SqliteProjectionStore.inMemory();
  onTestFinished(() => store.close());
  return store;
}

describe("projector", () => {
  it("projects an event, and says so when the same event comes again", async () => {
    const store = memoryStore();
    const requested = storyEvent(STORY, RUN, "requested");
    expect(await projectEvent(store, requested, silentLogger)).toEqual({ applied: true });
    expect(await projectEvent(store, requested, silentLogger)).toEqual({ applied: false });
    expect((await store.getExecution(RUN))?.execution).toMatchObject({
      status: "requested",
      requestedBy: "scheduler",
    });
  });

  it("projects an operator's cleanup.completed: the cleanup reads completed, the agent's identity deleted", async () => {
    const store = memoryStore();
    for (const event of STORY.filter((each) => !each.type.includes("cleaned"))) {
      await projectEvent(store, event, silentLogger);
    }
    const example = EXAMPLE_DATA["cleanup.completed"];
    const completed = testEvent(
      "cleanup.completed",
      {
        ...example,
        runId: RUN,
        agents: example.agents.map((agent) => ({ ...agent, runId: RUN, scenarioId: "vm-restart" })),
      },
      { id: "cleanup-completed-1", time: "2026-11-24T09:00:00Z" },
    );
    expect(await projectEvent(store, completed, silentLogger)).toEqual({ applied: true });
    expect(await store.getCleanup(example.cleanupId)).toMatchObject({ status: "completed", runId: RUN });
    expect((await store.listIdentities({ runId: RUN })).items[0]).toMatchObject({
      identityDeleted: true,
      secretDeleted: true,
    });
  });

  it("dead-letters an event that can never be projected as InvalidEvent, naming the field", async () => {
    const store = memoryStore();
    const valid = storyEvent(STORY, RUN, "a01.progress");
    const invalid = { ...valid, data: { ...valid.data, step: 0 } } as typeof valid;
    const error = await projectEvent(store, invalid, silentLogger).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UnprocessableEventError);
    expect((error as UnprocessableEventError).reason).toBe("InvalidEvent");
    expect((error as Error).message).toMatch(
      /^EventDataError: com\.haymaker\.agent\.progress\.v1: data\.step: /,
    );
    expect(await store.getAgent(RUN, "a01")).toBeUndefined();
  });

  it("lets any other failure through, so the bus retries the event", async () => {
    const store = SqliteProjectionStore.inMemory();
    await store.close();
    const error = await projectEvent(store, storyEvent(STORY, RUN, "requested"), silentLogger).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnprocessableEventError);
  });
});
