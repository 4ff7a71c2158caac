// haymaker cleanup follows the cleanup to its end (--wait, the default on a terminal), with the real binary
// against the real gateway; the test plays force-cleanup, projecting the cleanup.completed it would publish.
import { newEvent } from "@haymaker/cloudevents";
import { type CleanedAgent, type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRealGateway } from "./real-gateway.ts";
import { haymaker, onTerminal, startHaymaker } from "./run-cli.ts";

const RUN = "run-20261124-090000-c1e1";

let gateway: Awaited<ReturnType<typeof startRealGateway>>;
beforeAll(async () => {
  gateway = await startRealGateway();
  const { project } = gateway;
  await project("run.requested", { runId: RUN, requestedAt: new Date().toISOString() });
  await project("agent.selected", { runId: RUN });
  await project("identity.provisioned", { runId: RUN });
  await project("agent.resource.created", { runId: RUN });
});
afterAll(() => gateway.close());

/** The next cleanup.requested the gateway publishes, once it has. */
async function nextRequest(before: number): Promise<EventOf<"cleanup.requested">> {
  for (let waited = 0; waited < 20_000; waited += 50) {
    const event = gateway.published.slice(before).find((e) => e.type === "com.haymaker.cleanup.requested.v1");
    if (event) return event as EventOf<"cleanup.requested">;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("the gateway published no cleanup.requested");
}

/** What force-cleanup would report for the example agent, failing or not. */
async function complete(request: EventOf<"cleanup.requested">, fail: boolean): Promise<void> {
  const [agent] = EXAMPLE_DATA["cleanup.completed"].agents as CleanedAgent[];
  const cleaned: CleanedAgent = {
    ...(agent as CleanedAgent),
    runId: RUN,
    ...(fail ? {} : { notDeleted: [] }),
  };
  await gateway.projections.apply(
    newEvent("cleanup.completed", {
      source: "/haymaker/force-cleanup",
      data: {
        ...EXAMPLE_DATA["cleanup.completed"],
        cleanupId: request.data.cleanupId,
        runId: RUN,
        agents: [cleaned],
        counts: { ...EXAMPLE_DATA["cleanup.completed"].counts, resourcesNotDeleted: fail ? 1 : 0 },
      },
    }),
  );
}

describe("cleanup --wait", () => {
  it("follows the cleanup until force-cleanup reports back, shows what was not deleted and why, and exits 1", async () => {
    const { as, admin } = gateway;
    const before = gateway.published.length;
    const running = startHaymaker(["cleanup", "--execution", RUN, "--yes", "--wait"], {
      ...as(admin),
      COLUMNS: "250",
    });
    const request = await nextRequest(before);
    // Still waiting: the cleanup is only requested.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(running.child.exitCode).toBeNull();
    await complete(request, true);
    const result = await running.result;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${request.data.cleanupId} requested`);
    expect(result.stdout).toMatch(/^AGENT\s+KIND\s+WHAT\s+RESULT\n/);
    expect(result.stdout).toContain("NOT DELETED: 409 Conflict: the account is locked");
    expect(result.stdout).toMatch(new RegExp(`${RUN}\\.a01\\s+identity\\s+haymaker-\\S+\\s+deleted`));
    expect(result.stdout).toContain("Could not delete 1 resources, 0 identities and 0 secrets.");
  });

  it("exits 0 with -o json once everything is gone, printing the completed cleanup", async () => {
    const { as, admin } = gateway;
    const before = gateway.published.length;
    const running = startHaymaker(
      ["cleanup", "--execution", RUN, "--yes", "--wait", "-o", "json"],
      as(admin),
    );
    await complete(await nextRequest(before), false);
    const result = await running.result;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: "completed",
      counts: { resourcesNotDeleted: 0 },
    });
  });

  it("waits by default on a terminal, and not with --no-wait or when stdout is not one", async () => {
    const { as, admin, published } = gateway;
    const env = { ...as(admin), HAYMAKER_CONFIG: "/nonexistent/config.json", NO_COLOR: "1" };
    const before = published.length;
    const onTty = onTerminal(["cleanup", "--execution", RUN, "--yes"], env, "");
    await complete(await nextRequest(before), false);
    const followed = await onTty;
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain("Deleted 1 resources, 1 identities and 1 secrets.");

    // Requested and left to run: nobody completes these, so a wait would never end.
    const piped = await haymaker(["cleanup", "--execution", RUN, "--yes"], as(admin));
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toContain("waiting for force-cleanup");
    const noWait = await onTerminal(["cleanup", "--execution", RUN, "--yes", "--no-wait"], env, "");
    expect(noWait.code).toBe(0);
    expect(noWait.stdout).not.toContain("waiting for force-cleanup");
    expect(
      published.slice(before).filter((e) => e.type === "com.haymaker.cleanup.requested.v1"),
    ).toHaveLength(3);

    const both = await haymaker(["cleanup", "--execution", RUN, "--yes", "--wait", "--no-wait"], as(admin));
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give --wait or --no-wait, not both");
  });
});
