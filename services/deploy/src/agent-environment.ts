// The environment an agent starts with: everything it needs to perform its scenario, and nothing of the
// service that starts it. This is the agent contract's input side (docs/agent-contract.md); the reference
// agent in services/agent reads exactly these variables.
import { childTraceparent, currentTraceContext } from "@haymaker/cloudevents";
import type { EventOf } from "@haymaker/contracts";

/** What every agent gets from deploy's own settings, the same for all agents. */
export interface AgentSettings {
  /** Absolute: the agent may run in another working directory. */
  scenariosDirectory: string;
  /** Left out in Azure, where the agent uses the public cloud's endpoints. */
  armEndpoint?: string;
  authorityHost?: string;
  /**
   * How the agent reaches the bus to send its telemetry: HAYMAKER_SERVICEBUS_CONNECTION_STRING (a Send-only
   * rule of agent-telemetry, never deploy's own connection) or HAYMAKER_SERVICEBUS_NAMESPACE (signed in to
   * with the agent's own identity). Undefined when the agents' job gives them their bus credential itself
   * (a job secret): see agent-bus.ts.
   */
  bus:
    | { HAYMAKER_SERVICEBUS_CONNECTION_STRING: string }
    | { HAYMAKER_SERVICEBUS_NAMESPACE: string }
    | undefined;
  /**
   * The client id of the managed identity agents read their own secret with (Key Vault Secrets User). Set,
   * agents get a pointer to their secret instead of the secret: a Container Apps execution's environment is
   * readable by anyone who may read the job.
   */
  secretReaderClientId?: string;
  logLevel: string;
  /** ISO 8601 duration the agent keeps free before its deadline for cleanup; the agent's default if unset. */
  cleanupReserve?: string;
}

/** The subscription an ARM id lies in. */
export function subscriptionOf(armId: string): string {
  const match = /^\/subscriptions\/([^/]+)\//i.exec(armId);
  if (!match?.[1]) throw new Error(`"${armId.slice(0, 120)}" is not an ARM id inside a subscription`);
  return match[1];
}

/** TRACEPARENT for the agent: a child of the trace deploy runs in, so the agent's events continue it. */
function traceEnvironment(): Record<string, string> {
  const trace = currentTraceContext();
  return trace === undefined ? {} : { TRACEPARENT: childTraceparent(trace.traceparent) };
}

/** The agent's client secret itself (a local process), or where it reads it (a Container Apps execution). */
export type AgentSecret = { value: string } | { secretId: string; managedIdentityClientId: string };

export function agentEnvironment(
  provisioned: EventOf<"identity.provisioned">["data"],
  secret: AgentSecret,
  settings: AgentSettings,
): Record<string, string> {
  const { identity } = provisioned;
  // Every role is scoped to the agent's group (the contract checks it), so any of them names its subscription.
  const scope = provisioned.roles[0]?.scope ?? "";
  return {
    HAYMAKER_RUN_ID: provisioned.runId,
    HAYMAKER_AGENT_ID: provisioned.agentId,
    HAYMAKER_SCENARIO_ID: provisioned.scenarioId,
    HAYMAKER_SCENARIOS_DIR: settings.scenariosDirectory,
    HAYMAKER_SUBSCRIPTION_ID: subscriptionOf(scope),
    HAYMAKER_RESOURCE_GROUP: provisioned.resourceGroup,
    HAYMAKER_DEADLINE: provisioned.deadline,
    // The run's own tags only: the agent adds HayMaker's haymaker-* tags itself, and refuses them here.
    HAYMAKER_TAGS: JSON.stringify(provisioned.tags),
    AZURE_TENANT_ID: identity.tenantId,
    AZURE_CLIENT_ID: identity.appId,
    ...("value" in secret
      ? { AZURE_CLIENT_SECRET: secret.value }
      : {
          HAYMAKER_AGENT_SECRET_ID: secret.secretId,
          HAYMAKER_MANAGED_IDENTITY_CLIENT_ID: secret.managedIdentityClientId,
        }),
    ...(settings.armEndpoint ? { HAYMAKER_ARM_ENDPOINT: settings.armEndpoint } : {}),
    ...(settings.authorityHost ? { HAYMAKER_AUTHORITY_HOST: settings.authorityHost } : {}),
    ...(settings.bus ?? {}),
    HAYMAKER_LOG_LEVEL: settings.logLevel,
    ...traceEnvironment(),
    ...(settings.cleanupReserve ? { HAYMAKER_CLEANUP_RESERVE: settings.cleanupReserve } : {}),
  };
}
