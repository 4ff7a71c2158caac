// Contract: a run's event stream — every event about the run but log lines, once each, numbered in the
// order applied, followed by sequence number.
import { eventNameOf } from "@haymaker/contracts";
import { describe, expect, it } from "vitest";
import { ProjectionQueryError } from "../errors.ts";
import { runStory, testEvent } from "./events.ts";
import { applyAll, type MakeProjectionStore } from "./helpers.ts";

const RUN = "run-events";
const story = runStory({
  runId: RUN,
  requestedAt: "2026-11-24T06:00:00Z",
  agents: [{ scenarioId: "storage-blob-lifecycle" }, { scenarioId: "vnet-peering", outcome: "failed" }],
});
const logLine = testEvent(
  "agent.log",
  {
    runId: RUN,
    agentId: "a01",
    scenarioId: "storage-blob-lifecycle",
    level: "info",
    message: "created a storage account",
    at: "2026-11-24T06:05:00Z",
  },
  { id: "events-log-1", time: "2026-11-24T06:05:00Z" },
);

export function describeRunEventsContract(makeStore: MakeProjectionStore): void {
  describe("run events", () => {
    it("keeps every event of the run but log lines, once each, numbered in the order applied", async () => {
      const store = await makeStore();
      const other = runStory({
        runId: "run-other",
        requestedAt: "2026-11-24T07:00:00Z",
        agents: [{ scenarioId: "vnet-peering" }],
      });
      // Applied out of time order, with a duplicate and a log line among them.
      const order = [story[1], story[0], logLine, ...story.slice(2), story[0], ...other];
      await applyAll(
        store,
        order.filter((event) => event !== undefined),
      );
      const page = await store.runEvents(RUN);
      const expected = [story[1], story[0], ...story.slice(2)].filter(
        (event) => event !== undefined && eventNameOf(event.type) !== "agent.log",
      );
      expect(page.items.map((item) => item.event.id)).toEqual(expected.map((event) => event?.id));
      expect(page.items.map((item) => item.sequence)).toEqual(expected.map((_, index) => index + 1));
      expect(page.lastSequence).toBe(expected.length);
      expect(page.items[0]).toEqual({ runId: RUN, sequence: 1, event: story[1] });
      expect(page.items.every((item) => item.runId === RUN)).toBe(true);
    });

    it("follows a run: what was applied after a sequence number, a page at a time", async () => {
      const store = await makeStore();
      await applyAll(store, story.slice(0, 3));
      const first = await store.runEvents(RUN, { limit: 2 });
      expect(first.items.map((item) => item.sequence)).toEqual([1, 2]);
      expect(first.lastSequence).toBe(3);
      const rest = await store.runEvents(RUN, { afterSequence: 2 });
      expect(rest.items.map((item) => item.event.id)).toEqual([story[2]?.id]);
      await applyAll(store, story.slice(3, 5));
      const later = await store.runEvents(RUN, { afterSequence: rest.lastSequence });
      expect(later.items.map((item) => item.event.id)).toEqual(story.slice(3, 5).map((event) => event.id));
      expect(later.items.map((item) => item.sequence)).toEqual([4, 5]);
      expect(await store.runEvents(RUN, { afterSequence: 5 })).toEqual({ items: [], lastSequence: 5 });
    });

    it("has nothing for a run it has not seen, and names a malformed id or limit", async () => {
      const store = await makeStore();
      expect(await store.runEvents("run-unknown")).toEqual({ items: [], lastSequence: 0 });
      await expect(store.runEvents("Not A Run")).rejects.toThrow(ProjectionQueryError);
      await expect(store.runEvents(RUN, { limit: 0 })).rejects.toMatchObject({ field: "limit" });
      await expect(store.runEvents(RUN, { afterSequence: -1 })).rejects.toMatchObject({
        field: "afterSequence",
      });
    });
  });
}
