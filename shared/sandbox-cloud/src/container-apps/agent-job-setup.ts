// Sets up, through ARM in a running sandbox, what HayMaker's Azure profile runs agents with: a user-assigned
// identity and a manual Container Apps job (in a managed environment) whose one container runs the given
// image with the given environment, secrets as the job's own secrets (secretRef), and the identity attached.
// The same calls an operator's Bicep makes in Azure; here with plain ARM requests and the caller's
// credential, which must be allowed to write the group (HayMaker's own identity is).
import type { TokenCredential } from "@azure/core-auth";
import { armScope } from "../auth/audiences.ts";

export interface SandboxAgentJobOptions {
  /** Created when missing. */
  resourceGroup: string;
  jobName: string;
  /** An image name the sandbox maps to a program (SandboxCloudOptions.containerImages). */
  image: string;
  /** Arguments replacing the image's default ones. */
  args?: string[];
  /** Plain variables of the job's container: visible to anyone who may read the job. */
  env?: Record<string, string>;
  /** Variables whose values become job secrets, referenced by secretRef (named after the variable). */
  secretEnv?: Record<string, string>;
  /** Default `<jobName>-identity`. */
  identityName?: string;
  /** Default `haymaker-environment`. */
  environmentName?: string;
  location?: string;
  /** Default 9 hours: an agent runs 8 by default, plus its teardown. */
  replicaTimeoutSeconds?: number;
}

export interface SandboxAgentJob {
  /** HAYMAKER_AGENT_JOB_ID. */
  jobId: string;
  identityId: string;
  /** The identity's client id, for ManagedIdentityCredential({ clientId }) in the agent. */
  identityClientId: string;
  /** The identity's object id, for role assignments (e.g. Key Vault Secrets User on a vault). */
  identityPrincipalId: string;
}

export async function createSandboxAgentJob(
  sandbox: { url: string; subscriptionId: string },
  credential: TokenCredential,
  options: SandboxAgentJobOptions,
): Promise<SandboxAgentJob> {
  const location = options.location ?? "westeurope";
  const group = `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${options.resourceGroup}`;
  const put = async (id: string, apiVersion: string, body: unknown) => {
    const token = await credential.getToken(armScope);
    const response = await fetch(`${sandbox.url}${id}?api-version=${apiVersion}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token?.token ?? ""}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { error?: { code?: string; message?: string } } & Record<
      string,
      unknown
    >;
    if (!response.ok) {
      throw new Error(
        `createSandboxAgentJob: PUT ${id} answered ${response.status} ${answer.error?.code ?? ""}: ${answer.error?.message ?? ""}`,
      );
    }
    return answer;
  };

  await put(group, "2021-04-01", { location });
  const environmentId = `${group}/providers/Microsoft.App/managedEnvironments/${options.environmentName ?? "haymaker-environment"}`;
  await put(environmentId, "2026-07-01", { location, properties: {} });
  const identityId = `${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${options.identityName ?? `${options.jobName}-identity`}`;
  const identity = (await put(identityId, "2023-01-31", { location })) as {
    properties: { clientId: string; principalId: string };
  };
  const secrets = Object.entries(options.secretEnv ?? {}).map(([variable, value]) => ({
    name: secretNameOf(variable),
    value,
  }));
  const jobId = `${group}/providers/Microsoft.App/jobs/${options.jobName}`;
  await put(jobId, "2026-07-01", {
    location,
    identity: { type: "UserAssigned", userAssignedIdentities: { [identityId]: {} } },
    properties: {
      environmentId,
      configuration: {
        triggerType: "Manual",
        manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 },
        replicaTimeout: options.replicaTimeoutSeconds ?? 9 * 3600,
        // An agent that failed has already acted; running it again would act twice.
        replicaRetryLimit: 0,
        secrets,
      },
      template: {
        containers: [
          {
            name: "agent",
            image: options.image,
            ...(options.args === undefined ? {} : { args: options.args }),
            env: [
              ...Object.entries(options.env ?? {}).map(([name, value]) => ({ name, value })),
              ...Object.keys(options.secretEnv ?? {}).map((name) => ({
                name,
                secretRef: secretNameOf(name),
              })),
            ],
          },
        ],
      },
    },
  });
  return {
    jobId,
    identityId,
    identityClientId: identity.properties.clientId,
    identityPrincipalId: identity.properties.principalId,
  };
}

/** HAYMAKER_AGENT_BUS → haymaker-agent-bus: Container Apps secret names are lower-case with '-'. */
function secretNameOf(variable: string): string {
  return variable
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
