// How the agents deploy starts reach the bus: a credential of their own that may send on agent-telemetry and
// nothing else — never deploy's own connection, which could read and write every topic of the pipeline.
//
// - With a connection string (the local stack, or a SAS key in Azure), deploy needs
//   HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: a Send-only rule on the agent-telemetry topic
//   (`…;EntityPath=agent-telemetry`). The local stack creates one (`agent-telemetry-send`) and passes it.
// - With a namespace and managed identity, the agent gets the namespace and signs in to it with its own
//   identity (the AZURE_CLIENT_* deploy gives it), which Service Bus lets send only where a role assignment
//   (Azure Service Bus Data Sender on the agent-telemetry topic) allows; or the operator sets the variable
//   above to a Send-only SAS connection string, which then wins.
// - When agents run as Container Apps job executions (they read their secret through the job's managed
//   identity), deploy passes no bus credential at all: an execution's environment is readable by anyone who
//   may read the job, so the Send-only connection string is one of the job's own secrets, referred to by
//   the job template's HAYMAKER_SERVICEBUS_CONNECTION_STRING (secretRef), which every start copies.
import type { BusConnection } from "@haymaker/bus";
import { ConfigError } from "@haymaker/config";
import { AGENT_TELEMETRY_TOPIC } from "@haymaker/contracts";
import type { AgentSettings } from "./agent-environment.ts";

const VARIABLE = "HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING";

function field(connectionString: string, name: string): string | undefined {
  return new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*([^;]*)`, "i").exec(connectionString)?.[1]?.trim();
}

/**
 * The bus settings every agent gets, given deploy's own connection. Throws a ConfigError naming the
 * variable, never its value.
 */
export function agentBusFromEnv(
  service: string,
  env: Record<string, string | undefined>,
  deployBus: BusConnection,
  fromJob = false,
): AgentSettings["bus"] {
  const agentConnection = env[VARIABLE] || undefined;
  if (fromJob) {
    if (agentConnection === undefined) return undefined;
    throw new ConfigError(service, [
      `${VARIABLE}: unset it when agents read their secret through a managed identity (HAYMAKER_AGENT_IDENTITY_CLIENT_ID): a connection string in an execution's environment is readable by anyone who may read the job; make it a secret of the agent job, referred to by HAYMAKER_SERVICEBUS_CONNECTION_STRING (secretRef) in its template`,
    ]);
  }
  if (agentConnection === undefined) {
    if ("fullyQualifiedNamespace" in deployBus)
      return { HAYMAKER_SERVICEBUS_NAMESPACE: deployBus.fullyQualifiedNamespace };
    throw new ConfigError(service, [
      `${VARIABLE} is required with HAYMAKER_SERVICEBUS_CONNECTION_STRING: agents get their own connection string, allowed to send on ${AGENT_TELEMETRY_TOPIC} only (the local stack passes one), never deploy's`,
    ]);
  }
  if (!/^Endpoint=sb:\/\/[^;]+;/i.test(agentConnection))
    throw new ConfigError(service, [
      `${VARIABLE}: must start with Endpoint=sb://<host>; as Service Bus connection strings do`,
    ]);
  if (field(agentConnection, "EntityPath")?.toLowerCase() !== AGENT_TELEMETRY_TOPIC)
    throw new ConfigError(service, [
      `${VARIABLE}: must be a rule of the ${AGENT_TELEMETRY_TOPIC} topic (…;EntityPath=${AGENT_TELEMETRY_TOPIC}) with Send rights only, not a namespace-wide one`,
    ]);
  const ownKey =
    "connectionString" in deployBus ? field(deployBus.connectionString, "SharedAccessKey") : undefined;
  if (ownKey !== undefined && field(agentConnection, "SharedAccessKey") === ownKey)
    throw new ConfigError(service, [
      `${VARIABLE}: holds deploy's own key; agents need a Send-only rule of ${AGENT_TELEMETRY_TOPIC} of their own`,
    ]);
  return { HAYMAKER_SERVICEBUS_CONNECTION_STRING: agentConnection };
}
