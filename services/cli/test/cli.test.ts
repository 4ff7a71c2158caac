// Runs the real haymaker process against a real gateway app served on a local port.
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newEvent } from "@haymaker/cloudevents";
import { EXAMPLE_DATA, type HayMakerEvent, loadScenarioCatalogue } from "@haymaker/contracts";
import { createGateway } from "@haymaker/gateway";
import { SqliteApiKeyStore } from "@haymaker/gateway/api-keys";
import { SqliteProjectionStore } from "@haymaker/projections";
import { FileReportStore } from "@haymaker/stores";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haymaker } from "./run-cli.ts";

const SCENARIOS = fileURLToPath(new URL("../../../scenarios", import.meta.url));

const published: HayMakerEvent[] = [];
const projections = SqliteProjectionStore.inMemory();
const keys = new SqliteApiKeyStore(":memory:");
let url = "";
let admin = "";
let reader = "";
let close = () => {};

beforeAll(async () => {
  admin = (await keys.create("admin", "test-admin")).key;
  reader = (await keys.create("reader", "test-reader")).key;
  const app = createGateway(
    {
      publish: async (event) => {
        published.push(event);
        // Runs tagged outcome=rejected are rejected at once, so --wait has an end to follow.
        if (event.type === "com.haymaker.run.requested.v1" && event.data.tags.outcome === "rejected") {
          await projections.apply(event);
          await projections.apply(
            newEvent("run.rejected", {
              source: "/haymaker/validate",
              data: { ...EXAMPLE_DATA["run.rejected"], runId: event.data.runId },
            }),
          );
        }
      },
      catalogue: () => loadScenarioCatalogue(SCENARIOS),
      projections,
      reports: new FileReportStore(mkdtempSync(join(tmpdir(), "cli-reports-"))),
      keys,
      executeLimitPerMinute: 100,
      schedule: "0 0,6,12,18 * * *",
      // Quick polls and heartbeats, so followed logs end soon after their agent does.
      streams: { pollMs: 50, heartbeatMs: 1000 },
    },
    () => {},
  );
  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

const as = (key: string) => ({ HAYMAKER_ENDPOINT: url, HAYMAKER_API_KEY: key });

describe("haymaker", () => {
  it("lists scenarios as JSON that parses back", async () => {
    const result = await haymaker(["scenarios", "list", "--output", "json"], as(reader));
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { items: { id: string }[] };
    expect(body.items.map((s) => s.id)).toContain("nsg-rule-tuning");
  });

  it("lists scenarios as a table no wider than the terminal", async () => {
    const result = await haymaker(["scenarios", "list"], { ...as(reader), COLUMNS: "60" });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ID\s+AREA/);
    expect(result.stdout).not.toContain("\u001b[");
    for (const line of result.stdout.trimEnd().split("\n")) expect(line.length).toBeLessThanOrEqual(60);
    expect(result.stdout).toContain("…");
  });

  it("starts a run and prints what the gateway published", async () => {
    const result = await haymaker(
      ["run", "--scenario", "nsg-rule-tuning", "--duration", "PT20S", "--tag", "team=blue", "-o", "json"],
      as(admin),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const { executionId } = JSON.parse(result.stdout) as { executionId: string };
    expect(published.at(-1)).toMatchObject({
      type: "com.haymaker.run.requested.v1",
      data: {
        runId: executionId,
        scenarios: ["nsg-rule-tuning"],
        duration: "PT20S",
        tags: { team: "blue" },
        requestedBy: "api-key:test-admin",
      },
    });
  });

  it("follows a run with --wait and exits 1 when it is rejected", async () => {
    const result = await haymaker(
      ["run", "--size", "small", "--tag", "outcome=rejected", "--wait"],
      as(admin),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/run-\S+ rejected/);
    expect(result.stdout).toMatch(/status\s+rejected/);
  });

  it("shows a projected run in every format", async () => {
    const runId = "run-20261124-060000-cd34";
    await projections.apply(
      newEvent("run.requested", {
        source: "/haymaker/gateway",
        data: { ...EXAMPLE_DATA["run.requested"], runId },
      }),
    );
    const json = await haymaker(["executions", "show", runId, "-o", "json"], as(reader));
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ execution: { runId, status: "requested" } });
    const yaml = await haymaker(["executions", "show", runId, "-o", "yaml"], as(reader));
    expect(yaml.stdout).toContain(`runId: ${runId}`);
    const table = await haymaker(["executions", "show", runId], as(reader));
    expect(table.stdout).toMatch(new RegExp(`id\\s+${runId}`));
    const list = await haymaker(["executions", "list", "--status", "requested", "--limit", "5"], as(reader));
    expect(list.stdout).toContain(runId);
  });

  it("lists every command in --help, and deploy is run under another name", async () => {
    const help = await haymaker(["--help"]);
    expect(help.code).toBe(0);
    for (const command of [
      "status",
      "scenarios show <id>",
      "scenarios lint <path>...",
      "deploy",
      "executions cancel <id>",
      "executions report <id>",
      "agents show <agent>",
      "logs",
      "resources list",
      "identities list",
      "metrics",
      "cleanup",
      "config set <name>",
      "config show [name]",
    ]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command.replace(/[.[\]]/g, "\\$&")}\\s`, "m"));
    }
    const runHelp = await haymaker(["run", "--help"]);
    const deployHelp = await haymaker(["deploy", "--help"]);
    expect(deployHelp.stdout.replace("deploy", "run").split("\n").slice(3)).toEqual(
      runHelp.stdout.split("\n").slice(3),
    );
    const deployed = await haymaker(["deploy", "--scenario", "nsg-rule-tuning", "-o", "json"], as(admin));
    expect(deployed.code).toBe(0);
    expect(published.at(-1)).toMatchObject({
      data: { runId: JSON.parse(deployed.stdout).executionId, scenarios: ["nsg-rule-tuning"] },
    });
  });

  it("exits 3 when the key is refused", async () => {
    const result = await haymaker(["executions", "list"], as("hm_000000000000_nope"));
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^haymaker: .+ \(\w+, [0-9a-f]{32}\)\n$/);
  });

  it("exits 3 when a reader asks for an admin's command", async () => {
    expect((await haymaker(["keys", "list"], as(reader))).code).toBe(3);
  });

  it("exits 4 for an unknown execution, with the gateway's code and trace id", async () => {
    const result = await haymaker(["executions", "show", "run-20990101-000000-ffff"], as(reader));
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^haymaker: No execution .+ \(ExecutionNotFound, [0-9a-f]{32}\)\n$/);
  });

  it("exits 2 for bad usage, before calling any gateway", async () => {
    for (const args of [
      ["run", "--scenario", "a", "--size", "small"],
      ["run", "--colour", "red"],
      ["executions", "show"],
      ["frobnicate"],
      ["scenarios", "list", "--output", "xml"],
      ["keys", "create", "--role", "root", "--name", "x"],
    ]) {
      const result = await haymaker(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/^haymaker: .*\n$/);
    }
  });

  it("creates, lists and revokes a key as admin", async () => {
    const created = await haymaker(
      ["keys", "create", "--role", "operator", "--name", "ci", "-o", "json"],
      as(admin),
    );
    expect(created.code).toBe(0);
    const record = JSON.parse(created.stdout) as { id: string; role: string; key: string };
    expect(record).toMatchObject({ role: "operator", key: expect.stringMatching(/^hm_/) });
    expect(await keys.verify(record.key)).toMatchObject({ name: "ci" });
    const listed = await haymaker(["keys", "list", "-o", "json"], as(admin));
    expect(JSON.parse(listed.stdout).items.map((k: { id: string }) => k.id)).toContain(record.id);
    expect((await haymaker(["keys", "revoke", record.id], as(admin))).code).toBe(0);
    expect(await keys.verify(record.key)).toBeUndefined();
    expect((await haymaker(["keys", "revoke", record.id], as(admin))).code).toBe(4);
  });

  it("finds the local stack through local.json when nothing else names a gateway", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "cli-local-"));
    // As the local stack writes them: 0600, the key file in the data directory, the pid of a live process.
    writeFileSync(join(dataDir, "admin.key"), `${admin}\n`, { mode: 0o600 });
    writeFileSync(
      join(dataDir, "local.json"),
      JSON.stringify({ pid: process.pid, gateway: { url, apiKeyFile: join(dataDir, "admin.key") } }),
      { mode: 0o600 },
    );
    const result = await haymaker(["keys", "list", "-o", "yaml"], { HAYMAKER_DATA_DIR: dataDir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("name: test-admin");
  });
});
