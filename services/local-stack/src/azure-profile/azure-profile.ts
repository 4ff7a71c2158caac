// HAYMAKER_PROFILE=azure: every service on its Azure adapter, against local stand-ins that behave like
// Azure — Azurite for Blob Storage, the Cosmos DB stand-in, and the sandbox cloud's Key Vault and Container
// Apps jobs (with its realism on: tags left out of filtered lists, replication delays, the recycle bin,
// Activity Log delay, throttling). What a deployment's Bicep creates before any service starts, this creates
// through the same ARM calls: the vault, the agent job and its managed identity.
import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { REFERENCE_AGENT } from "@haymaker/runtime";
import {
  createSandboxAgentJob,
  createSandboxKeyVault,
  type SandboxCloud,
  SandboxCredential,
} from "@haymaker/sandbox-cloud";
import type { LocalStackFile } from "../local-file.ts";
import type { OrchestratorIdentity } from "../orchestrator-identity.ts";
import type { Credential } from "../services.ts";
import { startAzurite } from "./azurite.ts";
import { startCosmos } from "./cosmos.ts";

/** The image the sandbox runs the reference agent for, as a Container Apps job would pull it. */
export const AGENT_IMAGE = "haymaker.local/agent:latest";
/** Where the agent job and its identity live, apart from agents' groups. */
export const RUNTIME_RESOURCE_GROUP = "haymaker-runtime";
/**
 * The vault's own group: the identity deploy and monitor use is allowed in the runtime's group, and must not
 * be able to grant itself a role on the vault that holds every agent's secret.
 */
export const SECRETS_RESOURCE_GROUP = "haymaker-secrets";
const AGENT_JOB = "haymaker-agent";
const KEY_VAULT = "haymaker-local";

/** The sandbox's options this profile needs: the agent's image, as a local program. */
export const AZURE_PROFILE_IMAGES = {
  [AGENT_IMAGE]: { command: process.execPath, args: [REFERENCE_AGENT] },
};

export interface AzureStandIns {
  /** Settings every service gets (no secret among them). */
  shared: Record<string, string>;
  /** Credentials, each handed only to the services that declare it. */
  credentials: Pick<Record<Credential, Record<string, string>>, "agentRunner" | "reports" | "state">;
  /** What local.json says about them (the banner shows all but the credentials). */
  describe: NonNullable<LocalStackFile["azure"]>;
  stop(): Promise<void>;
}

export interface AzureStandInOptions {
  dataDirectory: string;
  sandbox: SandboxCloud;
  orchestrator: OrchestratorIdentity;
  /** The Send-only agent-telemetry connection string: a secret of the agent job, never in a start request. */
  agentBusConnectionString: string;
  /** The scenarios' directory (absolute): the agent job's HAYMAKER_SCENARIOS_DIR, as deploy reads it too. */
  scenariosDirectory: string;
}

export async function startAzureStandIns(options: AzureStandInOptions): Promise<AzureStandIns> {
  const { sandbox, orchestrator } = options;
  const reports = await startAzurite(join(options.dataDirectory, "azurite"), 0);
  const cosmos = await startCosmos(0).catch(async (error: unknown) => {
    await reports.stop();
    throw error;
  });
  try {
    const deployer = new SandboxCredential({
      authorityHost: sandbox.url,
      tenantId: sandbox.tenantId,
      clientId: orchestrator.clientId,
      clientSecret: orchestrator.clientSecret,
    });
    const job = await createSandboxAgentJob(sandbox, deployer, {
      resourceGroup: RUNTIME_RESOURCE_GROUP,
      jobName: AGENT_JOB,
      image: AGENT_IMAGE,
      env: { HAYMAKER_SCENARIOS_DIR: options.scenariosDirectory },
      secretEnv: { HAYMAKER_SERVICEBUS_CONNECTION_STRING: options.agentBusConnectionString },
    });
    // HayMaker's own identity sets, deletes and purges agents' secrets; the agent job's identity only reads.
    const vault = await createSandboxKeyVault(sandbox, {
      name: KEY_VAULT,
      resourceGroup: SECRETS_RESOURCE_GROUP,
      officers: [orchestrator.clientId],
      users: [job.identityPrincipalId],
    });
    // deploy and monitor start, watch and stop agents and do nothing else in the cloud: an identity of
    // their own, allowed in the runtime's group only, instead of HayMaker's subscription-wide one.
    const runner = { clientId: randomUUID(), clientSecret: randomBytes(32).toString("base64url") };
    sandbox.registerPrincipal({
      clientId: runner.clientId,
      secret: runner.clientSecret,
      subscriptionScopes: [
        `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${RUNTIME_RESOURCE_GROUP}`,
      ],
    });
    return {
      shared: {
        HAYMAKER_KEY_VAULT_URI: vault.vaultUri,
        HAYMAKER_AGENT_JOB_ID: job.jobId,
        HAYMAKER_AGENT_IDENTITY_CLIENT_ID: job.identityClientId,
      },
      credentials: {
        agentRunner: { HAYMAKER_CLIENT_ID: runner.clientId, HAYMAKER_CLIENT_SECRET: runner.clientSecret },
        reports: { HAYMAKER_REPORTS_CONNECTION_STRING: reports.connectionString },
        state: { HAYMAKER_COSMOS_ENDPOINT: cosmos.endpoint, HAYMAKER_COSMOS_KEY: cosmos.key },
      },
      describe: {
        keyVault: vault.vaultUri,
        agentJob: job.jobId,
        reports: { blobEndpoint: reports.blobEndpoint, connectionString: reports.connectionString },
        state: { endpoint: cosmos.endpoint, key: cosmos.key },
      },
      async stop() {
        await cosmos.stop();
        await reports.stop();
      },
    };
  } catch (error) {
    await cosmos.stop();
    await reports.stop();
    throw error;
  }
}
