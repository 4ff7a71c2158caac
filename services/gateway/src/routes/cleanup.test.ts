// POST /api/cleanup for real, and following it at /api/cleanups/{id} until force-cleanup reports back.
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";
import { runStory, testEvent } from "@haymaker/projections/testing";
import { describe, expect, it } from "vitest";
import { errorOf, testGateway } from "../testing/test-gateway.ts";
import { withoutSecrets } from "../without-secrets.ts";

const RUN = "run-20261124-080000-c1c1";
/** A run cancelled before its cleanup: its agents' resources, identities and secrets are all left. */
const abandoned = runStory({
  runId: RUN,
  requestedAt: new Date(Date.now() - 3_600_000).toISOString(),
  agents: [{ scenarioId: "nsg-rule-tuning" }, { scenarioId: "vm-start-stop" }],
  ending: "none",
}).filter((event) => !/\.(cleanup-required|cleaned)$/.test(event.id));

async function populated() {
  const g = await testGateway();
  for (const event of abandoned) await g.projections.apply(event);
  return g;
}

describe("an operator's cleanup, followed to the end", () => {
  it("names the identities and secret references the projections know, and answers 202 with a Location that answers at once", async () => {
    const g = await populated();
    const response = await g.request("POST", "/api/cleanup", {
      role: "operator",
      body: { executionId: RUN },
    });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { cleanupId: string; status: string; links: { self: string } };
    expect(body.cleanupId).toMatch(/^cleanup-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(body.status).toBe("requested");
    expect(response.headers.get("location")).toBe(`/api/cleanups/${body.cleanupId}`);
    expect(body.links.self).toBe(response.headers.get("location"));

    const [event] = g.published as EventOf<"cleanup.requested">[];
    expect(event?.data.cleanupId).toBe(body.cleanupId);
    expect(
      event?.data.agents.map((agent) => [agent.agentId, agent.identity?.displayName, agent.secretRef]),
    ).toEqual([
      ["a01", `haymaker-${RUN}-a01`, `local:${RUN}-a01`],
      ["a02", `haymaker-${RUN}-a02`, `local:${RUN}-a02`],
    ]);

    // Readable before any projector has seen the event.
    const followed = await g.request("GET", body.links.self);
    expect(followed.status).toBe(200);
    expect(await followed.json()).toMatchObject({
      cleanupId: body.cleanupId,
      status: "requested",
      runId: RUN,
      requestedBy: "api-key:test-operator",
      agentsNamed: 2,
    });
    // The run's event stream keeps the request, and hands it out without the secrets' references.
    const stored = (await g.projections.runEvents(RUN, { limit: 500 })).items.at(-1)?.event;
    expect(stored?.type).toBe("com.haymaker.cleanup.requested.v1");
    expect(JSON.stringify(stored)).toContain(`local:${RUN}-a01`);
    expect(JSON.stringify(withoutSecrets(stored))).not.toContain(`local:${RUN}-a01`);
  });

  it("shows what force-cleanup deleted and could not once it reports back", async () => {
    const g = await populated();
    const { cleanupId } = (await (
      await g.request("POST", "/api/cleanup", { role: "operator", body: { scenario: "vm-start-stop" } })
    ).json()) as { cleanupId: string };
    const [requested] = g.published as EventOf<"cleanup.requested">[];
    expect(requested?.correlationid).toBe(cleanupId);
    expect(requested?.data.agents.map((agent) => agent.agentId)).toEqual(["a02"]);
    const example = EXAMPLE_DATA["cleanup.completed"];
    await g.projections.apply(
      testEvent(
        "cleanup.completed",
        {
          ...example,
          cleanupId,
          runId: undefined,
          scenarioId: "vm-start-stop",
          agents: example.agents.map((agent) => ({
            ...agent,
            runId: RUN,
            agentId: "a02",
            scenarioId: "vm-start-stop",
          })),
        },
        { id: "completed-1", time: new Date().toISOString() },
      ),
    );
    const done = (await (await g.request("GET", `/api/cleanups/${cleanupId}`)).json()) as {
      status: string;
      counts: Record<string, number>;
      agents: { notDeleted: { reason: string }[] }[];
    };
    expect(done.status).toBe("completed");
    expect(done.counts).toMatchObject({ resourcesNotDeleted: 1, identitiesDeleted: 1 });
    expect(done.agents[0]?.notDeleted[0]?.reason).toBe("409 Conflict: the account is locked");
    const identities = (await (await g.request("GET", `/api/identities?executionId=${RUN}`)).json()) as {
      items: { agentId: string; identityDeleted: boolean }[];
    };
    expect(identities.items.map((identity) => [identity.agentId, identity.identityDeleted])).toEqual([
      ["a01", false],
      ["a02", true],
    ]);
  });

  it("answers 404 for an unknown cleanup and 400, naming the id, for one that cannot be", async () => {
    const g = await testGateway();
    expect(
      (await errorOf(await g.request("GET", "/api/cleanups/cleanup-20261124-000000-0000"), 404)).code,
    ).toBe("CleanupNotFound");
    const bad = await errorOf(await g.request("GET", "/api/cleanups/run-20261124-000000-0000"), 400);
    expect(bad.code).toBe("InvalidCleanupId");
    expect(bad.details[0]?.path).toBe("id");
    expect(
      (await g.request("GET", "/api/cleanups/cleanup-20261124-000000-0000", { role: "none" })).status,
    ).toBe(401);
  });

  it("still answers 202 when recording the request fails: the projector records it from the bus", async () => {
    const g = await populated();
    const apply = g.projections.apply.bind(g.projections);
    g.projections.apply = async () => {
      throw new Error("database is locked");
    };
    const response = await g.request("POST", "/api/cleanup", {
      role: "operator",
      body: { executionId: RUN },
    });
    expect(response.status).toBe(202);
    expect(g.published).toHaveLength(1);
    expect(String(g.errors[0])).toContain("database is locked");
    g.projections.apply = apply;
  });
});
