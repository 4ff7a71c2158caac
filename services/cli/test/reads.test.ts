// The commands whose gateway routes exist today, run with the real binary against the real gateway:
// executions cancel/report, agents show, logs, resources, identities, metrics, paging; and the offline
// scenarios lint.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLE_DATA } from "@haymaker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCENARIOS, startRealGateway } from "./real-gateway.ts";
import { haymaker } from "./run-cli.ts";

const RUN = "run-20261124-060000-ab12";
const OTHER_RUN = "run-20261125-060000-cd34";
const SCENARIO = EXAMPLE_DATA["agent.selected"].scenarioId;
const STORAGE = EXAMPLE_DATA["agent.resource.created"].resourceId;
const RG = `/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/haymaker-${RUN}-a01`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/hmab12a01`;

let gateway: Awaited<ReturnType<typeof startRealGateway>>;
beforeAll(async () => {
  gateway = await startRealGateway();
  const { project } = gateway;
  await project("run.requested", { runId: RUN, requestedAt: new Date(Date.now() - 3600_000).toISOString() });
  await project("agent.selected", { runId: RUN });
  await project("identity.provisioned", { runId: RUN });
  await project("agent.deployed", { runId: RUN, deployedAt: "2026-11-24T06:03:00Z" });
  await project("agent.resource.created", { runId: RUN });
  await project("agent.resource.created", {
    runId: RUN,
    resourceId: VAULT,
    resourceType: "Microsoft.KeyVault/vaults",
  });
  await project("agent.resource.deleted", { runId: RUN });
  for (const [i, level] of ["info", "warn", "error"].entries()) {
    await project("agent.log", {
      runId: RUN,
      level,
      message: `line ${i + 1}`,
      at: `2026-11-24T06:04:1${i}.000Z`,
    });
  }
  await project("run.requested", { runId: OTHER_RUN, requestedAt: new Date().toISOString() });
  await project("agent.selected", { runId: OTHER_RUN, agentId: "a02", scenarioId: "nsg-rule-tuning" });
  await project("agent.resource.created", {
    runId: OTHER_RUN,
    agentId: "a02",
    scenarioId: "nsg-rule-tuning",
    resourceId: `/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/haymaker-${OTHER_RUN}-a02/providers/Microsoft.Storage/storageAccounts/hmcd34a02`,
  });
});
afterAll(() => gateway.close());

describe("executions cancel and report", () => {
  it("cancels a run as an operator and refuses what cannot be cancelled", async () => {
    const { as, admin, reader, published } = gateway;
    const cancelled = await haymaker(
      ["executions", "cancel", OTHER_RUN, "--reason", "change freeze", "-o", "json"],
      as(admin),
    );
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toEqual({ executionId: OTHER_RUN, status: "cancelling" });
    expect(published.at(-1)).toMatchObject({
      type: "com.haymaker.run.cancel.requested.v1",
      data: { runId: OTHER_RUN, reason: "change freeze" },
    });
    expect((await haymaker(["executions", "cancel", "run-20990101-000000-ffff"], as(admin))).code).toBe(4);
    expect((await haymaker(["executions", "cancel", OTHER_RUN], as(reader))).code).toBe(3);
    await gateway.project("run.rejected", { runId: "run-20261120-060000-ee00" });
    const ended = await haymaker(["executions", "cancel", "run-20261120-060000-ee00"], as(admin));
    expect(ended.code).toBe(1);
    expect(ended.stderr).toMatch(/^haymaker: .*already ended.* \(Execution\w+, [0-9a-f]{32}\)\n$/);
  });

  it("prints the report as JSON, as a table, and the Markdown raw", async () => {
    const { as, reader, reports, project } = gateway;
    const runId = "run-20261123-060000-ff11";
    const refs = await reports.put(runId, {
      json: { runId, status: "completed", summary: { agents: 1, completed: 1 }, agents: [] },
      markdown: "# HayMaker run\n\n| agent | outcome |\n",
    });
    await project("run.completed", { runId, report: refs });
    const json = await haymaker(["executions", "report", runId, "-o", "json"], as(reader));
    expect(JSON.parse(json.stdout)).toMatchObject({ runId, status: "completed" });
    expect((await haymaker(["executions", "report", runId], as(reader))).stdout).toMatch(
      /status\s+completed/,
    );
    const markdown = await haymaker(["executions", "report", runId, "--format", "markdown"], as(reader));
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toBe("# HayMaker run\n\n| agent | outcome |\n");
    expect((await haymaker(["executions", "report", RUN], as(reader))).code).toBe(4);
    expect((await haymaker(["executions", "report", RUN, "--format", "pdf"], as(reader))).code).toBe(2);
  });
});

describe("agents show and logs", () => {
  it("shows an agent named RUN.AGENT or with --execution", async () => {
    const { as, reader } = gateway;
    const json = await haymaker(["agents", "show", `${RUN}.a01`, "-o", "json"], as(reader));
    expect(json.code).toBe(0);
    const agent = JSON.parse(json.stdout);
    expect(agent).toMatchObject({ runId: RUN, agentId: "a01", scenarioId: SCENARIO, stage: "running" });
    const table = await haymaker(["agents", "show", "--execution", RUN, "a01"], as(reader));
    expect(table.stdout).toMatch(/stage\s+running/);
    expect(table.stdout).toMatch(/identity\s+haymaker-run-20261124-0600-k3f9-a01 \(app 0a1b2c3d-/);
    expect(table.stdout).toMatch(/^STAGE\s+AT\n(.*\n)*deployed\s+\S+/m);
    expect((await haymaker(["agents", "show", `${RUN}.a09`], as(reader))).code).toBe(4);
    const bare = await haymaker(["agents", "show", "a01"], as(reader));
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("RUN.AGENT");
    expect(
      (await haymaker(["agents", "show", `${RUN}.a01`, "--execution", OTHER_RUN], as(reader))).code,
    ).toBe(2);
  });

  it("prints log lines as <time> <LEVEL> <message>, or the page as JSON", async () => {
    const { as, reader } = gateway;
    const lines = await haymaker(["logs", "--agent", `${RUN}.a01`], as(reader));
    expect(lines.code).toBe(0);
    expect(lines.stdout).toBe(
      [
        "2026-11-24T06:04:10.000Z INFO  line 1",
        "2026-11-24T06:04:11.000Z WARN  line 2",
        "2026-11-24T06:04:12.000Z ERROR line 3",
        "",
      ].join("\n"),
    );
    const tail = await haymaker(
      ["logs", "--execution", RUN, "--agent", "a01", "--tail", "1", "-o", "json"],
      as(reader),
    );
    expect(JSON.parse(tail.stdout).items.map((l: { message: string }) => l.message)).toEqual(["line 3"]);
    expect((await haymaker(["logs", "--agent", "a01"], as(reader))).code).toBe(2);
    expect((await haymaker(["logs", "--agent", `${RUN}.a01`, "--tail", "x"], as(reader))).code).toBe(2);
  });
});

describe("resources, identities and metrics", () => {
  it("lists resources filtered, and counts them per group and status over every page", async () => {
    const { as, reader } = gateway;
    const created = await haymaker(["resources", "list", "--status", "created", "-o", "json"], as(reader));
    expect(
      JSON.parse(created.stdout)
        .items.map((r: { resourceId: string }) => r.resourceId)
        .sort(),
    ).toEqual([VAULT, expect.stringContaining("hmcd34a02")].sort());
    const byType = await haymaker(["resources", "list", "--group-by", "type", "-o", "json"], as(reader));
    expect(JSON.parse(byType.stdout)).toEqual({
      groupBy: "type",
      items: [
        { group: "Microsoft.KeyVault/vaults", total: 1, created: 1, deleted: 0, left: 0 },
        { group: "Microsoft.Storage/storageAccounts", total: 2, created: 1, deleted: 1, left: 0 },
      ],
    });
    const byRun = await haymaker(
      ["resources", "list", "--group-by", "execution", "--scenario", SCENARIO],
      as(reader),
    );
    expect(byRun.stdout).toMatch(
      new RegExp(`^EXECUTION\\s+TOTAL\\s+CREATED\\s+DELETED\\s+LEFT\\n${RUN}\\s+2\\s+1\\s+1\\s+0\\n$`),
    );
    const table = await haymaker(
      ["resources", "list", "--execution", RUN, "--type", "Microsoft.Storage/storageAccounts"],
      as(reader),
    );
    expect(table.stdout).toContain("deleted");
    expect(table.stdout).toContain(STORAGE.slice(0, 20));
    expect((await haymaker(["resources", "list", "--group-by", "colour"], as(reader))).code).toBe(2);
    expect((await haymaker(["resources", "list", "--status", "gone"], as(reader))).code).toBe(2);
  });

  it("lists identities without secrets", async () => {
    const { as, reader } = gateway;
    const json = await haymaker(["identities", "list", "--execution", RUN, "-o", "json"], as(reader));
    const { items } = JSON.parse(json.stdout);
    expect(items).toEqual([expect.objectContaining({ runId: RUN, agentId: "a01", identityDeleted: false })]);
    expect(json.stdout).not.toContain("vault.azure.net/secrets");
    const table = await haymaker(["identities", "list"], as(reader));
    expect(table.stdout).toMatch(/^RUN\s+AGENT\s+SCENARIO\s+NAME\s+APP ID/);
  });

  it("shows metrics as a summary and a per-scenario table", async () => {
    const { as, reader } = gateway;
    const json = await haymaker(["metrics", "--period", "30d", "-o", "json"], as(reader));
    const metrics = JSON.parse(json.stdout);
    expect(metrics.period).toBe("30d");
    expect(metrics.scenarios.map((s: { scenarioId: string }) => s.scenarioId)).toEqual(
      expect.arrayContaining([SCENARIO, "nsg-rule-tuning"]),
    );
    const table = await haymaker(["metrics", "--scenario", SCENARIO], { ...as(reader), COLUMNS: "200" });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/runs\s+1: 1 in progress/);
    expect(table.stdout).toMatch(new RegExp(`^SCENARIO\\s+RUNS\\s+AGENTS.*\\n${SCENARIO}\\s+1\\s+1\\s`, "m"));
    expect((await haymaker(["metrics", "--period", "1y"], as(reader))).code).toBe(2);
  });
});

describe("lists", () => {
  it("reads every page with --all, and otherwise notes that there are more", async () => {
    const { as, reader } = gateway;
    const first = await haymaker(["executions", "list", "--limit", "1", "-o", "json"], as(reader));
    expect(JSON.parse(first.stdout).items).toHaveLength(1);
    expect(first.stderr).toBe("more executions than shown: pass --all to read every page\n");
    const all = await haymaker(["executions", "list", "--limit", "1", "--all", "-o", "json"], as(reader));
    const runs = JSON.parse(all.stdout).items.map((e: { runId: string }) => e.runId);
    expect(runs).toEqual(expect.arrayContaining([RUN, OTHER_RUN]));
    expect(all.stderr).toBe("");
    const agents = await haymaker(["agents", "list", "--all"], as(reader));
    expect(agents.stdout).toContain("a02");
  });
});

describe("scenarios lint", () => {
  it("passes the repository's scenarios without a gateway", async () => {
    const result = await haymaker(["scenarios", "lint", SCENARIOS]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^\d+ scenario files, no problems\n$/);
  });

  it("prints every problem with its file and field, and exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-lint-"));
    const good = readFileSync(join(SCENARIOS, "nsg-rule-tuning.yaml"), "utf8");
    writeFileSync(join(dir, "nsg-rule-tuning.yaml"), good);
    writeFileSync(
      join(dir, "broken.yaml"),
      good.replace(/^technologyArea: .*$/m, "technologyArea: plumbing"),
    );
    writeFileSync(join(dir, "old.yml"), good);
    writeFileSync(join(dir, "renamed.yaml"), good);
    const table = await haymaker(["scenarios", "lint", dir, join(dir, "nsg-rule-tuning.yaml")]);
    expect(table.code).toBe(1);
    expect(table.stdout).toContain(`${join(dir, "broken.yaml")}: technologyArea: `);
    expect(table.stdout).toContain(`${join(dir, "renamed.yaml")}: id: `);
    expect(table.stdout).toContain(`${join(dir, "old.yml")}: expected the .yaml extension`);
    const json = await haymaker(["scenarios", "lint", join(dir, "broken.yaml"), "-o", "json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).problems).toEqual(
      expect.arrayContaining([
        { file: join(dir, "broken.yaml"), path: "technologyArea", reason: expect.any(String) },
      ]),
    );
    expect((await haymaker(["scenarios", "lint", join(dir, "missing.yaml")])).code).toBe(2);
    expect((await haymaker(["scenarios", "lint"])).code).toBe(2);
  });
});
