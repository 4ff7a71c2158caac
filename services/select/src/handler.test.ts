import { UnprocessableEventError } from "@haymaker/bus";
import { newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";
import { describe, expect, it } from "vitest";
import { agentIdFor, selectAgents } from "./handler.ts";

const catalogue = new Set(Array.from({ length: 20 }, (_, i) => `scenario-${String(i).padStart(2, "0")}`));

function validated(data: Partial<EventOf<"run.validated">["data"]>): EventOf<"run.validated"> {
  const base = EXAMPLE_DATA["run.validated"];
  const merged = { ...base, ...data };
  if (data.scenarios) delete (merged as { size?: unknown }).size;
  return newEvent("run.validated", {
    source: "/haymaker/validate",
    data: merged as EventOf<"run.validated">["data"],
  });
}

describe("select", () => {
  it("picks as many distinct scenarios as the size asks for, one agent each, numbered a01…", () => {
    const run = validated({ size: "medium", runId: "run-size-check" });
    const agents = selectAgents(run, catalogue);
    expect(agents).toHaveLength(15);
    expect(new Set(agents.map((a) => a.data.scenarioId)).size).toBe(15);
    expect(agents.map((a) => a.data.agentId)).toEqual(Array.from({ length: 15 }, (_, i) => agentIdFor(i)));
    expect(agents.every((a) => a.data.total === 15 && catalogue.has(a.data.scenarioId))).toBe(true);
    expect(agents[0]?.data.agentId).toBe("a01");
    expect(agents[0]).toMatchObject({
      causationid: run.id,
      correlationid: run.data.runId,
      subject: `runs/${run.data.runId}/agents/a01`,
    });
  });

  it("selects the same agents, with the same event ids, when the same run is handled again", () => {
    const run = validated({ size: "small", runId: "run-repeat" });
    const first = selectAgents(run, catalogue);
    const again = selectAgents(run, catalogue);
    expect(again.map((a) => [a.id, a.data.scenarioId, a.data.deadline])).toEqual(
      first.map((a) => [a.id, a.data.scenarioId, a.data.deadline]),
    );
    const otherRun = selectAgents(validated({ size: "small", runId: "run-other" }), catalogue);
    expect(otherRun.map((a) => a.data.scenarioId)).not.toEqual(first.map((a) => a.data.scenarioId));
  });

  it("takes named scenarios in the order given, and sets the deadline from the run's duration", () => {
    const run = validated({ scenarios: ["scenario-07", "scenario-02"], duration: "PT2H" });
    const agents = selectAgents(run, catalogue);
    expect(agents.map((a) => a.data.scenarioId)).toEqual(["scenario-07", "scenario-02"]);
    expect(Date.parse(agents[0]!.data.deadline) - Date.parse(run.time)).toBe(2 * 3600 * 1000);
    expect(agents[1]?.data).toMatchObject({ index: 1, total: 2, duration: "PT2H" });
  });

  it("selects the whole catalogue when it is smaller than the size", () => {
    const small = new Set(["only-one", "only-two"]);
    expect(
      selectAgents(validated({ size: "large" }), small)
        .map((a) => a.data.scenarioId)
        .sort(),
    ).toEqual(["only-one", "only-two"]);
  });

  it("refuses a run naming scenarios the catalogue does not have, as UnknownScenario", () => {
    const run = validated({ scenarios: ["scenario-01", "vm-ghost", "db-ghost"] });
    expect(() => selectAgents(run, catalogue)).toThrow(UnprocessableEventError);
    try {
      selectAgents(run, catalogue);
    } catch (error) {
      expect((error as UnprocessableEventError).reason).toBe("UnknownScenario");
      expect((error as Error).message).toBe("scenarios 'vm-ghost', 'db-ghost' not in the catalogue");
    }
  });
});
