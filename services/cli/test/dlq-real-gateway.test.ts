// haymaker dlq against the REAL gateway over a real (embedded, in-process) broker holding real dead
// letters: find the failure group, look at one, replay the group to its end, and be refused a purge
// without the admin role. dlq-stand-in.test.ts covers what a real gateway cannot do on cue.
import { newEvent } from "@haymaker/cloudevents";
import { EXAMPLE_DATA } from "@haymaker/contracts";
import { DeadLetterQueues, ReplayOperations, TOPOLOGY_ENTITIES } from "@haymaker/dead-letters";
import { deadLetterEvents } from "@haymaker/dead-letters/testing";
import { type HayMakerBus, startHayMakerBus } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRealGateway } from "./real-gateway.ts";
import { haymaker } from "./run-cli.ts";

const RUNS = ["run-20261124-060000-aa01", "run-20261124-060000-aa02"];

let bus: HayMakerBus;
let operations: ReplayOperations;
let gateway: Awaited<ReturnType<typeof startRealGateway>>;
let operator = "";
beforeAll(async () => {
  bus = await startHayMakerBus();
  const queues = new DeadLetterQueues(bus.client, TOPOLOGY_ENTITIES);
  operations = ReplayOperations.inMemory(queues);
  gateway = await startRealGateway({ deadLetters: { queues, operations, editEnabled: false } });
  operator = (await gateway.keys.create("operator", "test-operator")).key;
  await deadLetterEvents(
    bus.client,
    "agent-selected",
    "provision",
    RUNS.map((runId) =>
      newEvent("agent.selected", {
        source: "/haymaker/select",
        data: { ...EXAMPLE_DATA["agent.selected"], runId, scenarioId: "retired-scenario" },
      }),
    ),
  );
}, 30_000);
afterAll(async () => {
  gateway?.close();
  await operations?.close();
  await bus?.stop();
});

describe("dlq against the real gateway", () => {
  it("finds the failure group, shows a dead letter, replays the group and is refused a purge", async () => {
    const { as, reader } = gateway;
    const groups = await haymaker(["dlq", "groups", "-o", "json"], as(operator));
    expect(groups.code).toBe(0);
    const [group] = JSON.parse(groups.stdout).items as { group: string; count: number; reason: string }[];
    expect(group).toMatchObject({ count: 2, reason: "UnknownScenario", subscription: "provision" });

    const list = await haymaker(["dlq", "list", "--group", group?.group ?? ""], {
      ...as(operator),
      COLUMNS: "200",
    });
    expect(list.stdout).toMatch(/^ID\s+SUBSCRIPTION\s+REASON\s+EVENT TYPE\s+RUN\s+REPLAYS\s+ENQUEUED\n/);
    const id = /^(agent-selected\.provision\.\d+)\s+provision\s+UnknownScenario\s/m.exec(list.stdout)?.[1];
    expect(id).toBeDefined();
    const shown = await haymaker(["dlq", "show", id ?? ""], { ...as(operator), COLUMNS: "200" });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^eventType\s+com\.haymaker\.agent\.selected\.v1$/m);
    expect(shown.stdout).toContain('\nevent data:\n  {\n    "runId": "run-20261124-060000-aa0');

    const purge = await haymaker(["dlq", "purge", "--group", group?.group ?? "", "--yes"], as(operator));
    expect(purge.code).toBe(3);
    expect((await haymaker(["dlq", "groups"], as(reader))).code).toBe(3);

    const replay = await haymaker(
      ["dlq", "replay", "--group", group?.group ?? "", "--name", "after-fix", "--yes", "-o", "json"],
      as(operator),
    );
    expect(replay.stderr).toMatch(/replaying: 2\/2, 0 failed, 0 left \(completed\)\n$/);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({
      kind: "replay",
      name: "after-fix",
      status: "completed",
      total: 2,
      replayed: 2,
      requestedBy: "api-key:test-operator",
    });
    const after = await haymaker(["dlq", "list", "--group", group?.group ?? ""], as(operator));
    expect(after.stdout).toBe("(no dead letters)\n");
  }, 60_000);
});
