// force-cleanup: the safety net. For an agent verify-cleanup found remains of, it stops the agent, deletes
// everything tagged with it (children first, then its resource group), checks by listing again, and then
// deletes its identity and secret — always, even when resources would not go, because an identity left
// behind is a standing credential into the tenant while a leftover resource nobody can reach is not.
// An operator's cleanup.requested deletes by tag the same way, for a whole run or scenario, and reports back
// with cleanup.completed (operator-cleanup.ts).
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import { type EventOf, MAX_RESOURCES_PER_AGENT } from "@haymaker/contracts";
import { AgentNotFoundError, type AgentRuntime } from "@haymaker/runtime";
import type { SecretStore } from "@haymaker/stores";
import { type DeletingCloud, type Deletion, deleteTagged } from "./delete-tagged.ts";
import { type IdentityCloud, identityDeletion, secretDeletion } from "./estate.ts";
import { CLOUD_RETRIES, type RetryPolicy } from "./retry.ts";

export const SOURCE = "/haymaker/force-cleanup";

export type CleaningCloud = DeletingCloud & IdentityCloud;

export interface ForceCleanupPorts {
  cloud: CleaningCloud;
  secrets: Pick<SecretStore, "delete">;
  agents: Pick<AgentRuntime, "stop">;
  /** Retries of each cloud call; CLOUD_RETRIES unless a test makes them quick. */
  retry?: RetryPolicy;
}

export async function forceCleanup(
  required: EventOf<"cleanup.required">,
  ports: ForceCleanupPorts,
): Promise<EventOf<"agent.cleaned">> {
  const { data } = required;
  const retry = ports.retry ?? CLOUD_RETRIES;
  let deletion: Deletion | undefined;
  let failure: unknown;
  try {
    // Verify-cleanup's leftovers may be stale: stop the agent first, then list afresh, so nothing it
    // creates meanwhile escapes.
    await stopAgent(ports.agents, data.runtimeRef);
    deletion = await deleteTagged(
      ports.cloud,
      { "haymaker-run": data.runId, "haymaker-agent": data.agentId },
      { retry, alsoGroups: [data.resourceGroup] },
    );
  } catch (error) {
    failure = error;
  }
  // Undefined: gone. A final refusal is reported; a failure that outlasts the retries throws, so the
  // message is retried rather than an identity reported left behind.
  const identityDeleted = (await identityDeletion(ports.cloud, data.identity, retry)) === undefined;
  const secretDeleted = (await secretDeletion(ports.secrets, data.secretRef)) === undefined;
  // The identity and secret are gone; the rest is retried with the message (every deletion is idempotent).
  if (deletion === undefined) throw failure;

  return newEvent("agent.cleaned", {
    source: SOURCE,
    // Derived from the run and agent alone, as verify-cleanup derives it, so an agent is reported cleaned
    // under one id however often and by whichever service.
    id: deterministicEventId("agent.cleaned", data.runId, data.agentId),
    causationid: required.id,
    traceparent: required.traceparent,
    data: {
      runId: data.runId,
      agentId: data.agentId,
      scenarioId: data.scenarioId,
      index: data.index,
      total: data.total,
      ...(data.deployedAt === undefined ? {} : { deployedAt: data.deployedAt }),
      ...(data.finishedAt === undefined ? {} : { finishedAt: data.finishedAt }),
      ...(data.reason === undefined ? {} : { reason: data.reason }),
      identity: data.identity,
      resourceGroup: data.resourceGroup,
      outcome: data.outcome,
      deleted: deletion.deleted.slice(0, MAX_RESOURCES_PER_AGENT),
      notDeleted: deletion.notDeleted.slice(0, MAX_RESOURCES_PER_AGENT),
      identityDeleted,
      secretDeleted,
    },
  });
}

/** Asks the agent to stop; one that has ended, or never started, needs nothing. */
async function stopAgent(agents: Pick<AgentRuntime, "stop">, runtimeRef: string): Promise<void> {
  try {
    await agents.stop(runtimeRef);
  } catch (error) {
    if (!(error instanceof AgentNotFoundError)) throw error;
  }
}
