// The newest gateway routes (status, cleanup, scenarios/{id}, agents/{run}.{agent}, logs ?follow=true),
// with the real binary against the real gateway. pending-routes.test.ts covers what a real gateway cannot
// be made to do on cue: drop a stream midway, resend a line, never end.
import { EXAMPLE_DATA } from "@haymaker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRealGateway } from "./real-gateway.ts";
import { haymaker } from "./run-cli.ts";

const RUN = "run-20261124-060000-ab12";
const DONE_RUN = "run-20261124-000000-dd00";
const SCENARIO = EXAMPLE_DATA["agent.selected"].scenarioId;

let gateway: Awaited<ReturnType<typeof startRealGateway>>;
beforeAll(async () => {
  gateway = await startRealGateway();
  const { project } = gateway;
  await project("run.requested", { runId: RUN, requestedAt: new Date().toISOString() });
  await project("run.validated", { runId: RUN });
  await project("agent.selected", { runId: RUN });
  await project("identity.provisioned", { runId: RUN });
  await project("agent.deployed", { runId: RUN });
  await project("agent.resource.created", { runId: RUN });
  await project("run.requested", { runId: DONE_RUN, requestedAt: new Date().toISOString() });
  await project("agent.selected", { runId: DONE_RUN });
  for (const [i, level] of ["info", "warn"].entries()) {
    await project("agent.log", {
      runId: DONE_RUN,
      level,
      message: `line ${i + 1}`,
      at: `2026-11-24T00:04:1${i}.000Z`,
    });
  }
  await project("agent.cleaned", { runId: DONE_RUN });
});
afterAll(() => gateway.close());

describe("against the real gateway", () => {
  it("status shows the active runs, agent stages and schedule", async () => {
    const { as, reader } = gateway;
    const json = await haymaker(["status", "-o", "json"], as(reader));
    expect(json.code).toBe(0);
    const status = JSON.parse(json.stdout);
    expect(status.activeExecutions.map((e: { runId: string }) => e.runId)).toContain(RUN);
    expect(status.schedule.cron).toBe("0 0,6,12,18 * * *");
    const table = await haymaker(["status"], { ...as(reader), COLUMNS: "200" });
    expect(table.stdout).toMatch(/schedule\s+0 0,6,12,18 \* \* \*/);
    expect(table.stdout).toMatch(new RegExp(`^${RUN}\\s+running`, "m"));
  });

  it("scenarios show prints a whole scenario, and exits 4 for an unknown one", async () => {
    const { as, reader } = gateway;
    const json = await haymaker(["scenarios", "show", "nsg-rule-tuning", "-o", "json"], as(reader));
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: "nsg-rule-tuning",
      steps: { deploy: expect.any(Array) },
    });
    expect((await haymaker(["scenarios", "show", "nsg-rule-tuning"], as(reader))).stdout).toMatch(
      /^PHASE\s+#/m,
    );
    expect((await haymaker(["scenarios", "show", "no-such-scenario"], as(reader))).code).toBe(4);
  });

  it("agents show reads the agent by RUN.AGENT", async () => {
    const { as, reader } = gateway;
    const json = await haymaker(["agents", "show", `${RUN}.a01`, "-o", "json"], as(reader));
    expect(JSON.parse(json.stdout)).toMatchObject({ runId: RUN, agentId: "a01", scenarioId: SCENARIO });
    expect((await haymaker(["agents", "show", `${RUN}.a09`], as(reader))).code).toBe(4);
  });

  it("logs --follow prints every line, then exits 0 at the stream's end", async () => {
    const { as, reader } = gateway;
    const result = await haymaker(["logs", "--agent", `${DONE_RUN}.a01`, "--follow"], as(reader));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      "2026-11-24T00:04:10.000Z INFO  line 1\n2026-11-24T00:04:11.000Z WARN  line 2\n",
    );
    const ndjson = await haymaker(
      ["logs", "--agent", `${DONE_RUN}.a01`, "-f", "--tail", "1", "-o", "json"],
      as(reader),
    );
    expect(
      ndjson.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line).message),
    ).toEqual(["line 2"]);
  });

  it("cleanup shows a dry run, then requests the cleanup with --yes", async () => {
    const { as, admin, reader, published } = gateway;
    const dry = await haymaker(["cleanup", "--execution", RUN, "--dry-run", "-o", "json"], as(admin));
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      counts: { agents: 1, resources: 1, identities: 1 },
    });
    const before = published.length;
    const yes = await haymaker(["cleanup", "--execution", RUN, "--yes"], { ...as(admin), COLUMNS: "200" });
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain("Cleanup requested: deleting 1 resources and 1 identities of 1 agents.");
    expect(published.slice(before)).toEqual([
      expect.objectContaining({
        type: "com.haymaker.cleanup.requested.v1",
        data: expect.objectContaining({ runId: RUN }),
      }),
    ]);
    expect((await haymaker(["cleanup", "--execution", RUN, "--yes"], as(reader))).code).toBe(3);
    expect(
      (await haymaker(["cleanup", "--execution", "run-20990101-000000-ffff", "--yes"], as(admin))).code,
    ).toBe(4);
  });
});
