// deploy: a provisioned identity → its agent started in the runtime with its scenario, identity and deadline,
// and agent.deployed carrying the runtime's reference. The runtime name derives from (runId, agentId) and
// starting under a name that already runs is a no-op, so a redelivered identity.provisioned never starts a
// second agent; the event id and deployedAt (the runtime's own start time) come out the same again.
import { createHash } from "node:crypto";
import { DEAD_LETTER_REASONS, UnprocessableEventError } from "@haymaker/bus";
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import type { EventOf } from "@haymaker/contracts";
import type { AgentRuntime } from "@haymaker/runtime";
import { SecretNotFoundError, type SecretStore, StoreInputError } from "@haymaker/stores";
import { type AgentSecret, type AgentSettings, agentEnvironment } from "./agent-environment.ts";

export const SOURCE = "/haymaker/deploy";

export interface DeployPorts {
  secrets: SecretStore;
  runtime: AgentRuntime;
  agent: AgentSettings;
  now?: () => Date;
}

// Runtimes name agents with DNS labels: the local runtime takes 63 characters; Container Apps jobs take 32
// and will shorten again in their adapter.
const RUNTIME_NAME_MAX = 63;

/** `haymaker-<runId>-<agentId>`, shortened with a hash of the whole when it would not fit a DNS label. */
export function agentRuntimeName(runId: string, agentId: string): string {
  const name = `haymaker-${runId}-${agentId}`;
  if (name.length <= RUNTIME_NAME_MAX) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 10);
  return `${name.slice(0, RUNTIME_NAME_MAX - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

export async function deployAgent(
  provisioned: EventOf<"identity.provisioned">,
  ports: DeployPorts,
): Promise<EventOf<"agent.deployed">> {
  const { data } = provisioned;
  const name = agentRuntimeName(data.runId, data.agentId);
  // A repeat (this service died before completing the first delivery) finds the agent without its secret,
  // which cleanup may have deleted by the time the delivery comes back.
  const runtimeRef =
    (await ports.runtime.find(name)) ??
    (await ports.runtime.start({
      name,
      env: agentEnvironment(data, await agentSecret(data.secretRef, ports), ports.agent),
    }));
  // The runtime remembers when it first started the agent; a redelivery reports that, not "now".
  const { startedAt } = await ports.runtime.status(runtimeRef);
  const deployedAt = startedAt ?? (ports.now?.() ?? new Date()).toISOString();

  return newEvent("agent.deployed", {
    source: SOURCE,
    id: deterministicEventId(SOURCE, data.runId, data.agentId),
    causationid: provisioned.id,
    traceparent: provisioned.traceparent,
    tracestate: provisioned.tracestate,
    data: {
      runId: data.runId,
      agentId: data.agentId,
      scenarioId: data.scenarioId,
      index: data.index,
      total: data.total,
      resourceGroup: data.resourceGroup,
      identity: data.identity,
      secretRef: data.secretRef,
      runtimeRef,
      deployedAt,
      deadline: data.deadline,
    },
  });
}

/** The secret itself for a local agent; for one in Azure, where it reads it (deploy never sees the value). */
async function agentSecret(ref: string, ports: DeployPorts): Promise<AgentSecret> {
  const managedIdentityClientId = ports.agent.secretReaderClientId;
  if (managedIdentityClientId === undefined) return { value: await readSecret(ref, ports.secrets) };
  if (ref.startsWith("local:")) {
    throw new UnprocessableEventError(
      DEAD_LETTER_REASONS.handlerError,
      `the agent's secret ${ref} is in a local store, which an agent in Azure cannot read: provision must keep secrets in Key Vault (HAYMAKER_KEY_VAULT_URI)`,
    );
  }
  return { secretId: ref, managedIdentityClientId };
}

/**
 * A secret that is not in the store (cleanup already took it, or provision wrote to another store) or a
 * reference this store cannot hold will not appear by retrying: dead-letter it for an operator.
 */
async function readSecret(ref: string, secrets: SecretStore): Promise<string> {
  try {
    return await secrets.get(ref);
  } catch (error) {
    if (error instanceof SecretNotFoundError || error instanceof StoreInputError) {
      throw new UnprocessableEventError(
        DEAD_LETTER_REASONS.handlerError,
        `the agent's secret cannot be read: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
}
