// force-cleanup: the safety net. For an agent verify-cleanup found remains of, it stops the agent, deletes
// everything tagged with it (children first, then its resource group), checks by listing again, and then
// deletes its identity and secret — always, even when resources would not go, because an identity left
// behind is a standing credential into the tenant while a leftover resource nobody can reach is not.
// An operator's cleanup.requested deletes by tag the same way, for a whole run or scenario.
import type { CloudControl } from "@haymaker/cloud-control";
import { CloudControlError } from "@haymaker/cloud-control";
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import { type EventOf, type Identity, MAX_RESOURCES_PER_AGENT } from "@haymaker/contracts";
import { AgentNotFoundError, type AgentRuntime } from "@haymaker/runtime";
import { type SecretStore, StoreInputError } from "@haymaker/stores";
import { type DeletingCloud, type Deletion, deleteTagged, type NotDeleted } from "./delete-tagged.ts";
import { CLOUD_RETRIES, type RetryPolicy, withRetries } from "./retry.ts";

export const SOURCE = "/haymaker/force-cleanup";

export type CleaningCloud = DeletingCloud & Pick<CloudControl, "findIdentity" | "deleteIdentity">;

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
  const identityDeleted = await deleteIdentity(ports.cloud, data.identity, retry);
  const secretDeleted = await deleteSecret(ports.secrets, data.secretRef);
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

/**
 * True once no identity of that name is left. A final refusal (403: HayMaker may not delete it) returns
 * false, for the report to show; a transient failure that outlasts the retries throws, so the message is
 * retried rather than an identity reported left behind.
 */
async function deleteIdentity(
  cloud: CleaningCloud,
  identity: Identity,
  retry: RetryPolicy,
): Promise<boolean> {
  try {
    await withRetries(() => cloud.deleteIdentity(identity), retry);
    // An identity made again under the same name (provision retried after a crash) is the agent's too.
    const again = await withRetries(() => cloud.findIdentity(identity.displayName), retry);
    if (again !== undefined) await withRetries(() => cloud.deleteIdentity(again), retry);
    return true;
  } catch (error) {
    if (error instanceof CloudControlError && !error.retryable) return error.status === 404;
    throw error;
  }
}

/** True once the secret is gone. A ref this store cannot hold is an answer no retry changes: false. */
async function deleteSecret(secrets: Pick<SecretStore, "delete">, secretRef: string): Promise<boolean> {
  try {
    await secrets.delete(secretRef);
    return true;
  } catch (error) {
    if (error instanceof StoreInputError) return false;
    throw error;
  }
}

/** What an operator's cleanup found and did; logged, since no event reports it yet. */
export interface OperatorCleanup {
  dryRun: boolean;
  tags: Record<string, string>;
  found: { resourceId: string; type: string }[];
  deleted: string[];
  notDeleted: NotDeleted[];
  /** Display names of the identities of the agents found: deleted, or that would be. */
  identities: string[];
  identitiesNotDeleted: string[];
}

/**
 * An operator asked to clean up a run and/or a scenario. Everything HayMaker manages carries
 * haymaker-managed=true, so the query cannot reach anything HayMaker did not create. The agents' identities
 * are found by the name provision gives them, from the run and agent tags of what was found. Their secrets
 * and runtimes are not: their references travel only in the pipeline's events. A dry run only looks.
 */
export async function operatorCleanup(
  request: EventOf<"cleanup.requested">,
  ports: Pick<ForceCleanupPorts, "cloud" | "retry">,
): Promise<OperatorCleanup> {
  const { runId, scenarioId, dryRun } = request.data;
  const retry = ports.retry ?? CLOUD_RETRIES;
  const tags = {
    "haymaker-managed": "true",
    ...(runId === undefined ? {} : { "haymaker-run": runId }),
    ...(scenarioId === undefined ? {} : { "haymaker-scenario": scenarioId }),
  };
  const summary = (found: OperatorCleanup["found"], deletion?: Deletion) => ({
    dryRun,
    tags,
    found: found.map(({ resourceId, type }) => ({ resourceId, type })),
    deleted: deletion?.deleted ?? [],
    notDeleted: deletion?.notDeleted ?? [],
  });

  if (dryRun) {
    const found = await withRetries(() => ports.cloud.listTagged(tags), retry);
    const identities: string[] = [];
    for (const name of identityNamesOf(found)) {
      if ((await withRetries(() => ports.cloud.findIdentity(name), retry)) !== undefined)
        identities.push(name);
    }
    return { ...summary(found), identities, identitiesNotDeleted: [] };
  }

  const deletion = await deleteTagged(ports.cloud, tags, { retry });
  const identities: string[] = [];
  const identitiesNotDeleted: string[] = [];
  for (const name of identityNamesOf(deletion.found)) {
    const identity = await withRetries(() => ports.cloud.findIdentity(name), retry);
    if (identity === undefined) continue;
    ((await deleteIdentity(ports.cloud, identity, retry)) ? identities : identitiesNotDeleted).push(name);
  }
  return { ...summary(deletion.found, deletion), identities, identitiesNotDeleted };
}

/** haymaker-<runId>-<agentId>: the display name provision gives an agent's identity. */
function identityNameFor(runId: string, agentId: string): string {
  return `haymaker-${runId}-${agentId}`;
}

function identityNamesOf(found: readonly { tags: Record<string, string> }[]): string[] {
  const names = new Set<string>();
  for (const { tags } of found) {
    const runId = tagValue(tags, "haymaker-run");
    const agentId = tagValue(tags, "haymaker-agent");
    if (runId !== undefined && agentId !== undefined) names.add(identityNameFor(runId, agentId));
  }
  return [...names];
}

/** ARM tag names are case-insensitive. */
function tagValue(tags: Record<string, string>, name: string): string | undefined {
  return Object.entries(tags).find(([key]) => key.toLowerCase() === name)?.[1];
}
