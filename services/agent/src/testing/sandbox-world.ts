// What the agent's tests run it against: the sandbox cloud (ARM with role scopes) and the embedded broker
// with HayMaker's topology, both in the test process. An "orchestrator" principal with the whole
// subscription stands in for provision: it creates each agent's resource group and registers the agent's
// identity, scoped to that group only.
import { randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { type GenericResourceExpanded, ResourceManagementClient } from "@azure/arm-resources";
import {
  type SandboxCloud,
  SandboxCredential,
  sandboxArmClientOptions,
  startSandboxCloud,
  useSandboxAuthentication,
} from "@haymaker/sandbox-cloud";
import { type HayMakerBus, startHayMakerBus } from "@haymaker/testing";

export const SUBSCRIPTION_ID = "5f1c3a2e-7b4d-4e8f-9a6b-0c1d2e3f4a5b";
export const TENANT_ID = "8d7c6b5a-4e3f-4a1b-9c8d-7e6f5a4b3c2d";
export const SCENARIOS_DIR = fileURLToPath(new URL("../../../../scenarios", import.meta.url));
export const AGENT_BIN = fileURLToPath(new URL("../../bin/haymaker-agent.js", import.meta.url));

export interface AgentIdentity {
  clientId: string;
  /** Long and random, so a test can search every output for it. */
  secret: string;
}

export interface SandboxWorld {
  cloud: SandboxCloud;
  bus: HayMakerBus;
  /** Acts on the whole subscription, as HayMaker's own services do. */
  orchestrator: ResourceManagementClient;
  stop(): Promise<void>;
}

export async function startSandboxWorld(): Promise<SandboxWorld> {
  const cloud = await startSandboxCloud({ port: 0, tenantId: TENANT_ID, subscriptionId: SUBSCRIPTION_ID });
  const bus = await startHayMakerBus();
  const clientId = randomUUID();
  const secret = randomBytes(24).toString("base64url");
  cloud.registerPrincipal({ clientId, secret, subscriptionScopes: [`/subscriptions/${SUBSCRIPTION_ID}`] });
  const credential = new SandboxCredential({
    authorityHost: cloud.url,
    tenantId: TENANT_ID,
    clientId,
    clientSecret: secret,
  });
  const orchestrator = useSandboxAuthentication(
    new ResourceManagementClient(credential, SUBSCRIPTION_ID, sandboxArmClientOptions(cloud.url)),
    credential,
  );
  return {
    cloud,
    bus,
    orchestrator,
    async stop() {
      await bus.stop();
      await cloud.close();
    },
  };
}

/** Creates a resource group and an identity that may act in `scopeGroup` (the same group, unless a test says). */
export async function provisionAgent(
  world: SandboxWorld,
  resourceGroup: string,
  scopeGroup = resourceGroup,
): Promise<AgentIdentity> {
  await world.orchestrator.resourceGroups.createOrUpdate(resourceGroup, { location: "westeurope" });
  const identity = {
    clientId: randomUUID(),
    secret: `agent-secret-${randomBytes(24).toString("base64url")}`,
  };
  world.cloud.registerPrincipal({
    clientId: identity.clientId,
    secret: identity.secret,
    subscriptionScopes: [`/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${scopeGroup}`],
  });
  return identity;
}

export interface AgentEnvOptions {
  runId: string;
  agentId: string;
  scenarioId: string;
  resourceGroup: string;
  identity: AgentIdentity;
  deadline: Date;
  extra?: Record<string, string>;
}

/** The environment deploy gives an agent. */
export function agentEnv(world: SandboxWorld, options: AgentEnvOptions): Record<string, string> {
  return {
    HAYMAKER_RUN_ID: options.runId,
    HAYMAKER_AGENT_ID: options.agentId,
    HAYMAKER_SCENARIO_ID: options.scenarioId,
    HAYMAKER_SCENARIOS_DIR: SCENARIOS_DIR,
    HAYMAKER_SUBSCRIPTION_ID: SUBSCRIPTION_ID,
    HAYMAKER_RESOURCE_GROUP: options.resourceGroup,
    HAYMAKER_DEADLINE: options.deadline.toISOString(),
    AZURE_TENANT_ID: TENANT_ID,
    AZURE_CLIENT_ID: options.identity.clientId,
    AZURE_CLIENT_SECRET: options.identity.secret,
    HAYMAKER_ARM_ENDPOINT: world.cloud.url,
    HAYMAKER_SERVICEBUS_CONNECTION_STRING: world.bus.broker.connectionString,
    HAYMAKER_LOG_LEVEL: "info",
    // This sandbox has no replication delay, so a 401 or 403 is final at once; tests that deny access on
    // purpose would otherwise wait out the default window.
    HAYMAKER_PROPAGATION_WINDOW: "PT0S",
    ...options.extra,
  };
}

/** Everything in a resource group, nested resources included, as the orchestrator sees it. */
export async function resourcesIn(
  world: SandboxWorld,
  resourceGroup: string,
): Promise<GenericResourceExpanded[]> {
  const found: GenericResourceExpanded[] = [];
  for await (const resource of world.orchestrator.resources.listByResourceGroup(resourceGroup))
    found.push(resource);
  return found;
}
