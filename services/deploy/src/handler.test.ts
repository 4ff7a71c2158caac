import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { UnprocessableEventError } from "@haymaker/bus";
import { newEvent, withTraceContext } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";
import { type AgentStatus, ProcessRuntime } from "@haymaker/runtime";
import { FileSecretStore, KeyVaultSecretStore } from "@haymaker/stores";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agentRecords, awaitAgentRecords, RECORD_ENV_AGENT } from "../test/fixtures/agent-records.ts";
import type { AgentSettings } from "./agent-environment.ts";
import { deployConfig } from "./config.ts";
import { agentRuntimeName, type DeployPorts, deployAgent } from "./handler.ts";

const SECRET = "agent-test-secret-0f3c9a";
const RUN = "run-deploy-test";
const BUS =
  "Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;";
const SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";

const settings: AgentSettings = {
  scenariosDirectory: "/srv/haymaker/scenarios",
  armEndpoint: "http://127.0.0.1:8443",
  authorityHost: "http://127.0.0.1:8443",
  bus: { HAYMAKER_SERVICEBUS_CONNECTION_STRING: BUS },
  logLevel: "debug",
  cleanupReserve: "PT10M",
};

function provisioned(
  data: Partial<EventOf<"identity.provisioned">["data"]> = {},
): EventOf<"identity.provisioned"> {
  const base = EXAMPLE_DATA["identity.provisioned"];
  const resourceGroup = `haymaker-${RUN}-${data.agentId ?? base.agentId}`;
  return newEvent("identity.provisioned", {
    source: "/haymaker/provision",
    data: {
      ...base,
      runId: RUN,
      resourceGroup,
      secretRef: `local:${resourceGroup}`,
      roles: [
        { role: "Contributor", scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceGroup}` },
      ],
      tags: { team: "blue", "cost-centre": "42" },
      ...data,
    },
  });
}

describe("deploy", () => {
  let dataDirectory: string;
  let records: string;
  let runtime: ProcessRuntime;
  let ports: DeployPorts;
  beforeEach(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-deploy-"));
    records = join(dataDirectory, "records");
    mkdirSync(records);
    runtime = new ProcessRuntime({
      directory: join(dataDirectory, "agents"),
      command: process.execPath,
      args: [RECORD_ENV_AGENT, records, "0"],
      graceMs: 2000,
    });
    const secrets = new FileSecretStore(dataDirectory);
    await secrets.put(`haymaker-${RUN}-a01`, SECRET);
    await secrets.put(`haymaker-${RUN}-a02`, SECRET);
    ports = { secrets, runtime, agent: settings };
  });
  afterEach(async () => {
    // An agent's supervisor writes its record as the agent exits: let every agent end before the directory goes.
    for (const ref of await runtime.running()) await ended(ref);
    await rm(dataDirectory, { recursive: true, force: true });
  });

  async function ended(ref: string): Promise<AgentStatus> {
    for (let i = 0; i < 200; i++) {
      const status = await runtime.status(ref);
      if (status.state !== "running") return status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`agent ${ref} is still running`);
  }

  it("starts the agent with the contract's environment, its secret read from the store", async () => {
    const event = provisioned();
    const deployed = await deployAgent(event, ports);
    const [record, ...more] = await awaitAgentRecords(records, RUN, "a01");
    expect(more).toEqual([]);
    const { PATH: _path, ...env } = record!.env;
    const identity = EXAMPLE_DATA["identity.provisioned"].identity;
    expect(env).toEqual({
      HAYMAKER_RUN_ID: RUN,
      HAYMAKER_AGENT_ID: "a01",
      HAYMAKER_SCENARIO_ID: "storage-blob-lifecycle",
      HAYMAKER_SCENARIOS_DIR: "/srv/haymaker/scenarios",
      HAYMAKER_SUBSCRIPTION_ID: SUBSCRIPTION,
      HAYMAKER_RESOURCE_GROUP: `haymaker-${RUN}-a01`,
      HAYMAKER_DEADLINE: event.data.deadline,
      HAYMAKER_TAGS: JSON.stringify({ team: "blue", "cost-centre": "42" }),
      AZURE_TENANT_ID: identity.tenantId,
      AZURE_CLIENT_ID: identity.appId,
      HAYMAKER_ARM_ENDPOINT: "http://127.0.0.1:8443",
      HAYMAKER_AUTHORITY_HOST: "http://127.0.0.1:8443",
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: BUS,
      HAYMAKER_LOG_LEVEL: "debug",
      HAYMAKER_CLEANUP_RESERVE: "PT10M",
    });
    expect(record!.secretSha256).toBe(createHash("sha256").update(SECRET).digest("hex"));

    expect(deployed).toMatchObject({
      type: "com.haymaker.agent.deployed.v1",
      source: "/haymaker/deploy",
      causationid: event.id,
      correlationid: RUN,
      subject: `runs/${RUN}/agents/a01`,
      data: {
        runId: RUN,
        agentId: "a01",
        scenarioId: "storage-blob-lifecycle",
        index: 0,
        total: 5,
        resourceGroup: `haymaker-${RUN}-a01`,
        identity,
        secretRef: `local:haymaker-${RUN}-a01`,
        runtimeRef: `local:haymaker-${RUN}-a01`,
        deadline: event.data.deadline,
      },
    });
    const status = await ended(deployed.data.runtimeRef);
    expect(status.state).toBe("succeeded");
    expect(deployed.data.deployedAt).toBe(status.startedAt);
    // The secret reached the agent and nothing else: not the event, its log, or the runtime's state.
    expect(JSON.stringify(deployed)).not.toContain(SECRET);
    expect(readFileSync(runtime.logFile(deployed.data.runtimeRef), "utf8")).toContain("agent a01 started");
    for (const file of [
      runtime.logFile(deployed.data.runtimeRef),
      join(dataDirectory, "agents", `haymaker-${RUN}-a01.json`),
      join(records, `${RUN}-a01.jsonl`),
    ]) {
      expect(readFileSync(file, "utf8")).not.toContain(SECRET);
    }
  });

  it("hands the agent a child of the trace it deploys in, so the agent's events continue it", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await withTraceContext({ traceparent }, () => deployAgent(provisioned(), ports));
    const [record] = await awaitAgentRecords(records, RUN, "a01");
    expect(record?.env.TRACEPARENT).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(record?.env.TRACEPARENT).not.toBe(traceparent);
  });

  it("starts one agent however often the same identity arrives, and publishes the same event again", async () => {
    const event = provisioned();
    const [first, concurrent] = await Promise.all([deployAgent(event, ports), deployAgent(event, ports)]);
    await awaitAgentRecords(records, RUN, "a01");
    await ended(first.data.runtimeRef);
    const later = await deployAgent(event, ports);

    expect(agentRecords(records, RUN, "a01")).toHaveLength(1);
    expect(concurrent.id).toBe(first.id);
    expect(later.id).toBe(first.id);
    expect(later.data).toEqual(first.data);
    expect(concurrent.data).toEqual(first.data);
  });

  it("answers a repeat that comes after cleanup deleted the secret with the same event, not a dead letter", async () => {
    const event = provisioned();
    const first = await deployAgent(event, ports);
    await ended(first.data.runtimeRef);
    await ports.secrets.delete(event.data.secretRef);
    const again = await deployAgent(event, ports);
    expect(again.id).toBe(first.id);
    expect(again.data).toEqual(first.data);
    expect(agentRecords(records, RUN, "a01")).toHaveLength(1);
  });

  it("gives every agent its own runtime name and event id", async () => {
    const a01 = await deployAgent(provisioned(), ports);
    const a02 = await deployAgent(provisioned({ agentId: "a02", index: 1 }), ports);
    // Both have ended (and their supervisors written their last state) before the directory is removed.
    await Promise.all([ended(a01.data.runtimeRef), ended(a02.data.runtimeRef)]);
    expect(a02.data.runtimeRef).toBe(`local:haymaker-${RUN}-a02`);
    expect(a02.id).not.toBe(a01.id);
    expect(agentRecords(records, RUN, "a01")).toHaveLength(1);
  });

  it("dead-letters an identity whose secret is not in the store, starting nothing", async () => {
    const attempt = deployAgent(provisioned({ agentId: "a03", secretRef: "local:haymaker-gone" }), ports);
    await expect(attempt).rejects.toBeInstanceOf(UnprocessableEventError);
    await expect(attempt).rejects.toMatchObject({
      reason: "HandlerError",
      message: "the agent's secret cannot be read: secret local:haymaker-gone not found",
    });
    expect(existsSync(join(dataDirectory, "agents", `haymaker-${RUN}-a03.json`))).toBe(false);
  });

  describe("for agents that read their own secret (Container Apps)", () => {
    const VAULT_SECRET = "https://hm-kv.vault.azure.net/secrets/haymaker-run-deploy-test-a04";
    const READER = "0f0e0d0c-0b0a-4999-8888-777766665555";
    const untouchable = {
      get: () => Promise.reject(new Error("deploy must not read an agent's secret")),
    } as unknown as DeployPorts["secrets"];

    it("gives the agent a pointer to its secret and the managed identity to read it with, never the value", async () => {
      const event = provisioned({ agentId: "a04", secretRef: VAULT_SECRET });
      await deployAgent(event, {
        ...ports,
        secrets: untouchable,
        agent: { ...settings, bus: undefined, secretReaderClientId: READER },
      });
      const [record] = await awaitAgentRecords(records, RUN, "a04");
      expect(record!.env).toMatchObject({
        HAYMAKER_AGENT_SECRET_ID: VAULT_SECRET,
        HAYMAKER_MANAGED_IDENTITY_CLIENT_ID: READER,
      });
      // Neither the secret nor a bus credential: the job's own secrets give the agent its bus connection.
      expect(Object.keys(record!.env)).not.toContain("AZURE_CLIENT_SECRET");
      expect(Object.keys(record!.env)).not.toContain("HAYMAKER_SERVICEBUS_CONNECTION_STRING");
      expect(record!.secretSha256).toBeNull();
    });

    it("dead-letters a secret kept in a local store, which an agent in Azure could not read", async () => {
      const attempt = deployAgent(provisioned({ agentId: "a05" }), {
        ...ports,
        agent: { ...settings, bus: undefined, secretReaderClientId: READER },
      });
      await expect(attempt).rejects.toMatchObject({
        reason: "HandlerError",
        message: expect.stringMatching(/is in a local store, which an agent in Azure cannot read/),
      });
      expect(existsSync(join(dataDirectory, "agents", `haymaker-${RUN}-a05.json`))).toBe(false);
    });
  });
});

describe("agent runtime names", () => {
  it("are haymaker-<runId>-<agentId> when that fits a DNS label", () => {
    expect(agentRuntimeName("run-20261124-060000", "a01")).toBe("haymaker-run-20261124-060000-a01");
  });

  it("are shortened with a hash, still distinct, when the ids are long", () => {
    // Both ids at their 32-character maximum.
    const runId = "run-with-a-long-operator-chosen1";
    const first = agentRuntimeName(runId, "agent-with-a-long-name-000000001");
    const second = agentRuntimeName(runId, "agent-with-a-long-name-000000002");
    for (const name of [first, second]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^[a-z0-9](?:[a-z0-9]|-(?!-))*$/);
      expect(name.startsWith("haymaker-run-with-a-long")).toBe(true);
    }
    expect(first).not.toBe(second);
  });
});

describe("deploy's settings", () => {
  const AGENT_BUS =
    "Endpoint=sb://127.0.0.1:5672;SharedAccessKeyName=agent-telemetry-send;SharedAccessKey=a;EntityPath=agent-telemetry;";
  const bus = {
    HAYMAKER_SERVICEBUS_CONNECTION_STRING: BUS,
    HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: AGENT_BUS,
  };
  let dataDirectory: string;
  beforeEach(async () => {
    dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-deploy-config-"));
  });
  afterEach(() => rm(dataDirectory, { recursive: true, force: true }));

  it("defaults to the reference agent, and passes the agents' own bus connection and its log level on to them", async () => {
    const config = deployConfig({ ...bus, HAYMAKER_DATA_DIR: dataDirectory, HAYMAKER_LOG_LEVEL: "warn" });
    expect(config).toMatchObject({
      dataDirectory,
      concurrency: 4,
      agent: {
        scenariosDirectory: resolve("scenarios"),
        bus: { HAYMAKER_SERVICEBUS_CONNECTION_STRING: AGENT_BUS },
        logLevel: "warn",
      },
    });
    expect(config.agent.armEndpoint).toBeUndefined();
    // The reference agent program is there to be started.
    await expect(config.runtime.check()).resolves.toBeUndefined();
  });

  it("takes another agent program, and its runtime says when that program is missing", async () => {
    const config = deployConfig({
      ...bus,
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_AGENT_COMMAND: join(dataDirectory, "no-such-agent"),
    });
    await expect(config.runtime.check()).rejects.toThrow(/no-such-agent does not exist/);
  });

  it("refuses to start without a send-only agent-telemetry credential when it has a connection string, never handing agents its own", () => {
    const settings = (env: Record<string, string>) => () =>
      deployConfig({ HAYMAKER_DATA_DIR: dataDirectory, HAYMAKER_SERVICEBUS_CONNECTION_STRING: BUS, ...env });
    expect(settings({})).toThrow(
      /HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING is required with HAYMAKER_SERVICEBUS_CONNECTION_STRING/,
    );
    expect(settings({ HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: BUS })).toThrow(
      /HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: must be a rule of the agent-telemetry topic/,
    );
    expect(
      settings({ HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: `${BUS}EntityPath=agent-telemetry;` }),
    ).toThrow(/HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: holds deploy's own key/);
    expect(settings({ HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: "SharedAccessKey=secret-value" })).toThrow(
      /must start with Endpoint=sb:\/\//,
    );
    expect(
      settings({ HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: "SharedAccessKey=secret-value" }),
    ).not.toThrow(/secret-value/);
    // With a namespace (managed identity in Azure) the agent gets the namespace and signs in as itself.
    const azure = deployConfig({
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_SERVICEBUS_NAMESPACE: "ns.servicebus.windows.net",
    });
    expect(azure.agent.bus).toEqual({ HAYMAKER_SERVICEBUS_NAMESPACE: "ns.servicebus.windows.net" });
  });

  it("keeps secrets out of a Container Apps agent's environment: a managed identity reads them, the job holds the bus key", () => {
    const jobs = (env: Record<string, string>) => () =>
      deployConfig({
        HAYMAKER_DATA_DIR: dataDirectory,
        HAYMAKER_SERVICEBUS_CONNECTION_STRING: BUS,
        HAYMAKER_AGENT_JOB_ID: `/subscriptions/${SUBSCRIPTION}/resourceGroups/hm/providers/Microsoft.App/jobs/agent`,
        ...env,
      });
    expect(jobs({})).toThrow(/HAYMAKER_AGENT_IDENTITY_CLIENT_ID is required with HAYMAKER_AGENT_JOB_ID/);
    const reader = { HAYMAKER_AGENT_IDENTITY_CLIENT_ID: "0f0e0d0c-0b0a-4999-8888-777766665555" };
    expect(
      jobs({ ...reader, HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: `${BUS}EntityPath=agent-telemetry` }),
    ).toThrow(/HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: unset it when agents read their secret/);
    // Local processes have no managed identity: a pointer would leave every agent unable to read its secret.
    expect(() =>
      deployConfig({
        HAYMAKER_DATA_DIR: dataDirectory,
        HAYMAKER_SERVICEBUS_CONNECTION_STRING: BUS,
        ...reader,
      }),
    ).toThrow(/HAYMAKER_AGENT_IDENTITY_CLIENT_ID: set it only with HAYMAKER_AGENT_JOB_ID/);
    const pointers = jobs({ ...reader, HAYMAKER_TENANT_ID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" })();
    expect(pointers.agent).toMatchObject({
      bus: undefined,
      secretReaderClientId: reader.HAYMAKER_AGENT_IDENTITY_CLIENT_ID,
    });
  });

  it("names every bad variable at once", () => {
    expect(() =>
      deployConfig({
        HAYMAKER_DATA_DIR: dataDirectory,
        HAYMAKER_AGENT_ARGS: "--fast",
        HAYMAKER_CLEANUP_RESERVE: "ten minutes",
        HAYMAKER_ARM_ENDPOINT: "sandbox",
      }),
    ).toThrow(
      /HAYMAKER_CLEANUP_RESERVE: expected an ISO-8601 duration[\s\S]*HAYMAKER_ARM_ENDPOINT: must be an absolute URL[\s\S]*HAYMAKER_AGENT_ARGS: must be a JSON array of strings[\s\S]*HAYMAKER_SERVICEBUS_CONNECTION_STRING or HAYMAKER_SERVICEBUS_NAMESPACE is required/,
    );
  });

  it("reads the secret store with the rest: Key Vault when named, and its problems named with every other part's", () => {
    expect(deployConfig({ ...bus, HAYMAKER_DATA_DIR: dataDirectory }).secrets).toBeInstanceOf(
      FileSecretStore,
    );
    const vault = {
      HAYMAKER_KEY_VAULT_URI: "https://contoso.vault.azure.net/",
      HAYMAKER_TENANT_ID: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
      HAYMAKER_CLIENT_ID: "haymaker",
      HAYMAKER_CLIENT_SECRET: "not-a-real-secret",
    };
    expect(deployConfig({ ...bus, ...vault, HAYMAKER_DATA_DIR: dataDirectory }).secrets).toBeInstanceOf(
      KeyVaultSecretStore,
    );
    const attempt = () =>
      deployConfig({
        ...bus,
        ...vault,
        HAYMAKER_DATA_DIR: dataDirectory,
        HAYMAKER_DEPLOY_CONCURRENCY: "many",
        HAYMAKER_KEY_VAULT_URI: "https://contoso.vault.azure.net/secrets/x",
      });
    expect(attempt).toThrow(/^deploy cannot start/);
    expect(attempt).toThrow(/HAYMAKER_DEPLOY_CONCURRENCY: must be a whole number/);
    expect(attempt).toThrow(/HAYMAKER_KEY_VAULT_URI: must be a Key Vault's URI/);
    expect(attempt).not.toThrow(/not-a-real-secret/);
  });
});
