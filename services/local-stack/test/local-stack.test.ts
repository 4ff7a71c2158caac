// `make run` as a user sees it: the stack starts, says where everything is, records it in local.json,
// restarts a crashed service, stops cleanly, and a second start on the same data directory resumes with
// the same sandbox tenant and HayMaker identity.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ServiceBusClient } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import { LOCAL_SERVICES } from "../src/services.ts";
import { type ExecutionView, execute, sandboxLook, servicePids, startStack, untilReported } from "./stack.ts";

const BIN = fileURLToPath(new URL("../bin/haymaker-local.js", import.meta.url));
const CLI = fileURLToPath(new URL("../../cli/bin/haymaker.js", import.meta.url));

describe("the local stack (make run)", () => {
  it("brings up the bus, the sandbox cloud, every service and the gateway, and says where they are", async () => {
    const stack = await startStack();
    const { local } = stack;
    const file = join(stack.dataDirectory, "local.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(stack.output()).toContain(`gateway   ${local.gateway.url}`);
    expect(stack.output()).toContain(`listening on 127.0.0.1:${local.broker.port}`);
    expect(stack.output()).toContain(`sandbox   ${local.sandbox.url}`);
    expect(stack.output()).toContain(`services  ${LOCAL_SERVICES.map((s) => s.name).join(", ")}`);
    // The secret is in the 0600 file for tools, never printed.
    expect(stack.output()).not.toContain(local.sandbox.orchestrator.clientSecret);

    const health = await fetch(`${local.gateway.url}/api/health`);
    expect(health.status).toBe(200);
    // The CLI trusts what the stack wrote (it refuses a local.json or key file it cannot trust): it finds
    // the gateway and calls it with the admin key, with nothing configured.
    const cli = await promisify(execFile)(process.execPath, [CLI, "keys", "list", "-o", "json"], {
      env: {
        PATH: process.env.PATH ?? "",
        HAYMAKER_DATA_DIR: stack.dataDirectory,
        HAYMAKER_CONFIG: join(stack.dataDirectory, "none.json"),
      },
    });
    expect(JSON.parse(cli.stdout).items.map((key: { name: string }) => key.name)).toContain("local-admin");
    // HayMaker's own credential is in the environment of the services that sign in with it, and no other's
    // (deploy's included, so the agents it starts cannot find it either).
    const pids = servicePids(stack);
    for (const service of LOCAL_SERVICES) {
      const pid = pids.get(service.name);
      const names = readFileSync(`/proc/${pid}/environ`, "utf8")
        .split("\0")
        .map((entry) => entry.split("=")[0]);
      expect({ service: service.name, has: names.includes("HAYMAKER_CLIENT_SECRET") }).toEqual({
        service: service.name,
        has: service.needs.includes("orchestrator"),
      });
    }
    // The first start made an admin key: 0600, never printed, and the gateway wants it.
    expect(statSync(local.gateway.apiKeyFile).mode & 0o777).toBe(0o600);
    expect(stack.output()).not.toContain(stack.apiKey);
    expect((await fetch(`${local.gateway.url}/api/scenarios`)).status).toBe(401);
    const scenarios = (await (await stack.api("/api/scenarios")).json()) as {
      items: unknown[];
    };
    expect(scenarios.items.length).toBeGreaterThanOrEqual(10);
    // HayMaker's own identity works against the sandbox: ARM and Graph answer it.
    await expect(sandboxLook(stack).tagged("run-nothing-yet")).resolves.toEqual([]);
    await expect(sandboxLook(stack).applications("run-nothing-yet")).resolves.toEqual([]);
    // The bus answers with HayMaker's topology.
    const client = new ServiceBusClient(local.broker.connectionString);
    await expect(client.createReceiver("agent-selected", "provision").peekMessages(1)).resolves.toEqual([]);
    await client.close();

    expect(await stack.stop()).toBe(0);
    expect(existsSync(file)).toBe(false);

    // A second start on the same data directory keeps the sandbox tenant and HayMaker's identity.
    const again = await startStack({ HAYMAKER_DATA_DIR: stack.dataDirectory });
    expect(again.local.sandbox.tenantId).toBe(local.sandbox.tenantId);
    expect(again.local.sandbox.subscriptionId).toBe(local.sandbox.subscriptionId);
    expect(again.local.sandbox.orchestrator.clientId).toBe(local.sandbox.orchestrator.clientId);
    expect(again.apiKey).toBe(stack.apiKey);
    await expect(sandboxLook(again).tagged("run-nothing-yet")).resolves.toEqual([]);
    expect(await again.stop()).toBe(0);
  }, 240_000);

  it("stops running agents first on Ctrl+C, and a second start finishes their run with nothing left", async () => {
    const first = await startStack();
    const runId = await execute(first, { scenarios: ["nsg-rule-tuning"], duration: "PT5M" });
    for (let i = 0; i < 240; i++) {
      const view = await first
        .api(`/api/executions/${runId}`)
        .then((r) => (r.ok ? (r.json() as Promise<ExecutionView>) : undefined));
      if ((view?.agents[0]?.progress as { stage?: string } | undefined)?.stage === "operate") break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await first.stop()).toBe(0);
    expect(first.output()).toContain("stopping 1 running agent(s); each cleans up first");

    const again = await startStack({ HAYMAKER_DATA_DIR: first.dataDirectory });
    try {
      const view = await untilReported(again, runId, 120_000);
      expect(view.agents[0]).toMatchObject({ stage: "cleaned", outcome: "failed" });
      expect(view.agents[0]?.reason).toMatch(/stopped before its deadline/);
      expect(view.execution.summary).toMatchObject({ agents: 1, leftovers: 0 });
      expect(await sandboxLook(again).tagged(runId)).toEqual([]);
      expect(await sandboxLook(again).applications(runId)).toEqual([]);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  }, 240_000);

  it("restarts a service that crashes", async () => {
    const stack = await startStack();
    try {
      const before = stack.output().length;
      const pid = servicePids(stack).get("select");
      expect(pid).toBeGreaterThan(0);
      process.kill(pid!, "SIGKILL");
      // A new select process takes its place within the first backoff (1 s).
      let replacement: number | undefined;
      for (let i = 0; i < 100 && (replacement === undefined || replacement === pid); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        replacement = servicePids(stack).get("select");
      }
      expect(replacement).toBeGreaterThan(0);
      expect(replacement).not.toBe(pid);
      expect(stack.output().slice(before)).toMatch(/select\s+\| exited \(SIGKILL\); restarting in 1s/);
    } finally {
      expect(await stack.stop()).toBe(0);
    }
  }, 120_000);

  it("refuses bad settings, naming each variable", async () => {
    const child = spawn(process.execPath, [BIN], {
      env: {
        ...process.env,
        HAYMAKER_DATA_DIR: mkdtempSync(join(tmpdir(), "haymaker-bad-")),
        HAYMAKER_BROKER_PORT: "seventy",
        HAYMAKER_LOG_LEVEL: "loud",
        HAYMAKER_SANDBOX_FAULTS: "deletes=lots",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(output).toContain("HAYMAKER_BROKER_PORT: ");
    expect(output).toContain("HAYMAKER_LOG_LEVEL: must be one of");
    expect(output).toContain("HAYMAKER_SANDBOX_FAULTS: must be comma-separated <kind>=<rate> pairs");
  });
});
