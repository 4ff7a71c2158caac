// An operator's cleanup of a run and/or a scenario (cleanup.requested, from the gateway). Everything
// HayMaker manages carries haymaker-managed=true, so the tag query cannot reach anything HayMaker did not
// create. Deleted: whatever is tagged; the agents the gateway named from the projections (their groups,
// identities and secrets — a secret's reference travels only in events, so it is known from there alone);
// and the identities of agents found by tag, by the name provision gives them. Reported back per agent with
// cleanup.completed, under an id derived from the cleanup's, so a redelivered request is reported once.
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import {
  type CleanedAgent,
  type CleanupAgent,
  type EventOf,
  MAX_CLEANUP_AGENTS,
  MAX_CLEANUP_LISTED_RESOURCES,
  resourceGroupOf,
} from "@haymaker/contracts";
import type { SecretStore } from "@haymaker/stores";
import { type Deletion, deleteTagged, forEachLimited, type NotDeleted } from "./delete-tagged.ts";
import { agentResourceName, identityDeletion, secretDeletion } from "./estate.ts";
import { type CleaningCloud, SOURCE } from "./handler.ts";
import { CLOUD_RETRIES, type RetryPolicy, withRetries } from "./retry.ts";
import { shortReason } from "./short-reason.ts";

/** Identities and secrets deleted at once. */
const PARALLEL_AGENTS = 8;

export interface OperatorCleanupPorts {
  cloud: CleaningCloud;
  secrets: Pick<SecretStore, "delete">;
  /** Retries of each cloud call; CLOUD_RETRIES unless a test makes them quick. */
  retry?: RetryPolicy;
}

type Request = EventOf<"cleanup.requested">;

/** What a dry run found: logged, never published. */
export interface OperatorCleanupPreview {
  tags: Record<string, string>;
  found: { resourceId: string; type: string }[];
  /** Display names of the identities that would be deleted. */
  identities: string[];
}

/** One agent the cleanup deals with: named by the gateway, or found by tag. */
interface AgentInCleanup extends CleanupAgent {
  named: boolean;
}

export async function previewOperatorCleanup(
  request: Request,
  ports: Pick<OperatorCleanupPorts, "cloud" | "retry">,
): Promise<OperatorCleanupPreview> {
  const retry = ports.retry ?? CLOUD_RETRIES;
  const tags = tagsOf(request);
  const found = await withRetries(() => ports.cloud.listTagged(tags), retry);
  const identities: string[] = [];
  for (const agent of agentsOf(request, found).values()) {
    const name = agentResourceName(agent.runId, agent.agentId);
    if ((await withRetries(() => ports.cloud.findIdentity(name), retry)) !== undefined) identities.push(name);
  }
  return { tags, found: found.map(({ resourceId, type }) => ({ resourceId, type })), identities };
}

export async function operatorCleanup(
  request: Request,
  ports: OperatorCleanupPorts,
  now: () => Date = () => new Date(),
): Promise<EventOf<"cleanup.completed">> {
  const retry = ports.retry ?? CLOUD_RETRIES;
  const named = request.data.agents;
  const deletion = await deleteTagged(ports.cloud, tagsOf(request), {
    retry,
    // An agent's own group, even if its tags were lost; deleting one that is gone already is a no-op.
    alsoGroups: named.map((agent) => agentResourceName(agent.runId, agent.agentId)),
  });
  const agents = agentsOf(request, deletion.found);
  const cleaned = new Map<string, CleanedAgent>();
  for (const [key, agent] of agents) {
    cleaned.set(key, {
      runId: agent.runId,
      agentId: agent.agentId,
      scenarioId: agent.scenarioId,
      deleted: [],
      notDeleted: [],
    });
  }
  const unowned = sortByOwner(deletion, agents, cleaned);
  await forEachLimited([...agents], PARALLEL_AGENTS, async ([key, agent]) => {
    const result = cleaned.get(key) as CleanedAgent;
    const identity = await identityOutcome(ports.cloud, agent, retry);
    if (identity !== undefined) result.identity = identity;
    if (agent.secretRef !== undefined) result.secret = await secretOutcome(ports.secrets, agent.secretRef);
  });
  const { runId, scenarioId, cleanupId, requestedBy } = request.data;
  const everyAgent = [...cleaned.values()];
  const { listed, truncated } = withinLimits(everyAgent, unowned);
  return newEvent("cleanup.completed", {
    source: SOURCE,
    id: deterministicEventId("cleanup.completed", cleanupId),
    causationid: request.id,
    traceparent: request.traceparent,
    ...(runId === undefined ? { correlationid: request.correlationid } : {}),
    data: {
      cleanupId,
      ...(runId === undefined ? {} : { runId }),
      ...(scenarioId === undefined ? {} : { scenarioId }),
      requestedBy,
      completedAt: now().toISOString(),
      agents: listed.agents,
      unowned: listed.unowned,
      counts: countsOf(everyAgent, unowned),
      truncated,
    },
  });
}

function tagsOf(request: Request): Record<string, string> {
  const { runId, scenarioId } = request.data;
  return {
    "haymaker-managed": "true",
    ...(runId === undefined ? {} : { "haymaker-run": runId }),
    ...(scenarioId === undefined ? {} : { "haymaker-scenario": scenarioId }),
  };
}

const keyOf = (runId: string, agentId: string) => `${runId}.${agentId}`;

/**
 * The agents named by the gateway, then those whose run and agent tags what was found carries. A found
 * agent's scenario is its tag's, else the request's; one with neither is left to `unowned`.
 */
function agentsOf(
  request: Request,
  found: readonly { tags: Record<string, string> }[],
): Map<string, AgentInCleanup> {
  const agents = new Map<string, AgentInCleanup>();
  for (const agent of request.data.agents)
    agents.set(keyOf(agent.runId, agent.agentId), { ...agent, named: true });
  for (const { tags } of found) {
    const runId = tagValue(tags, "haymaker-run");
    const agentId = tagValue(tags, "haymaker-agent");
    const scenarioId = tagValue(tags, "haymaker-scenario") ?? request.data.scenarioId;
    if (runId === undefined || agentId === undefined || scenarioId === undefined) continue;
    const key = keyOf(runId, agentId);
    if (!agents.has(key)) agents.set(key, { runId, agentId, scenarioId, named: false });
  }
  return agents;
}

/** Files each deleted and not-deleted id under its agent (by its tags, else by its group's name). */
function sortByOwner(
  deletion: Deletion,
  agents: ReadonlyMap<string, AgentInCleanup>,
  cleaned: Map<string, CleanedAgent>,
): { deleted: string[]; notDeleted: NotDeleted[] } {
  const byResource = new Map<string, string>(); // lowercased ARM id → agent key
  for (const { resourceId, tags } of deletion.found) {
    const runId = tagValue(tags, "haymaker-run");
    const agentId = tagValue(tags, "haymaker-agent");
    if (runId !== undefined && agentId !== undefined)
      byResource.set(resourceId.toLowerCase(), keyOf(runId, agentId));
  }
  const byGroup = new Map<string, string>(); // lowercased group name → agent key
  for (const [key, agent] of agents) byGroup.set(agentResourceName(agent.runId, agent.agentId), key);
  const ownerOf = (resourceId: string) => {
    const key = byResource.get(resourceId.toLowerCase()) ?? byGroup.get(resourceGroupOf(resourceId) ?? "");
    return key === undefined ? undefined : cleaned.get(key);
  };
  const unowned = { deleted: [] as string[], notDeleted: [] as NotDeleted[] };
  for (const resourceId of deletion.deleted) (ownerOf(resourceId) ?? unowned).deleted.push(resourceId);
  for (const entry of deletion.notDeleted) (ownerOf(entry.resourceId) ?? unowned).notDeleted.push(entry);
  return unowned;
}

/**
 * The agent's identity: the one the projections knew and any of its name. Absent when none was known or
 * found. A failure that outlasts the retries is reported, not retried by the bus: the operator sees it and
 * can ask again, and every deletion is idempotent.
 */
async function identityOutcome(
  cloud: CleaningCloud,
  agent: AgentInCleanup,
  retry: RetryPolicy,
): Promise<CleanedAgent["identity"]> {
  const displayName = agent.identity?.displayName ?? agentResourceName(agent.runId, agent.agentId);
  try {
    const identity = agent.identity ?? (await withRetries(() => cloud.findIdentity(displayName), retry));
    if (identity === undefined) return undefined;
    const refusal = await identityDeletion(cloud, identity, retry);
    return refusal === undefined
      ? { displayName, deleted: true }
      : { displayName, deleted: false, reason: refusal };
  } catch (error) {
    return { displayName, deleted: false, reason: shortReason(error) };
  }
}

async function secretOutcome(
  secrets: Pick<SecretStore, "delete">,
  secretRef: string,
): Promise<NonNullable<CleanedAgent["secret"]>> {
  try {
    const refusal = await secretDeletion(secrets, secretRef);
    return refusal === undefined ? { deleted: true } : { deleted: false, reason: refusal };
  } catch (error) {
    return { deleted: false, reason: shortReason(error) };
  }
}

function countsOf(agents: readonly CleanedAgent[], unowned: { deleted: string[]; notDeleted: NotDeleted[] }) {
  const sum = (count: (agent: CleanedAgent) => number) =>
    agents.reduce((total, agent) => total + count(agent), 0);
  const outcomes = (pick: (agent: CleanedAgent) => { deleted: boolean } | undefined, deleted: boolean) =>
    sum((agent) => (pick(agent)?.deleted === deleted ? 1 : 0));
  return {
    resourcesDeleted: sum((agent) => agent.deleted.length) + unowned.deleted.length,
    resourcesNotDeleted: sum((agent) => agent.notDeleted.length) + unowned.notDeleted.length,
    identitiesDeleted: outcomes((agent) => agent.identity, true),
    identitiesNotDeleted: outcomes((agent) => agent.identity, false),
    secretsDeleted: outcomes((agent) => agent.secret, true),
    secretsNotDeleted: outcomes((agent) => agent.secret, false),
  };
}

/**
 * The agents and ids the event can carry: at most MAX_CLEANUP_AGENTS agents (those with something left
 * first) and MAX_CLEANUP_LISTED_RESOURCES ids. Deleted ids go first: the projections count every unlisted
 * resource of a listed agent as deleted anyway, while what is left must be named to be shown.
 */
function withinLimits(
  agents: readonly CleanedAgent[],
  unowned: { deleted: string[]; notDeleted: NotDeleted[] },
): { listed: { agents: CleanedAgent[]; unowned: typeof unowned }; truncated: boolean } {
  const failedFirst = [...agents].sort((a, b) => Number(hasFailure(b)) - Number(hasFailure(a)));
  const kept = failedFirst.slice(0, MAX_CLEANUP_AGENTS).map((agent) => ({ ...agent }));
  let budget = MAX_CLEANUP_LISTED_RESOURCES;
  const take = <T>(items: readonly T[]): T[] => {
    const taken = items.slice(0, Math.max(0, budget));
    budget -= taken.length;
    return taken;
  };
  for (const agent of kept) agent.notDeleted = take(agent.notDeleted);
  const listedUnowned = { deleted: [] as string[], notDeleted: take(unowned.notDeleted) };
  for (const agent of kept) agent.deleted = take(agent.deleted);
  listedUnowned.deleted = take(unowned.deleted);
  const listed = (list: readonly CleanedAgent[]) =>
    list.reduce((total, agent) => total + agent.deleted.length + agent.notDeleted.length, 0);
  const all = listed(agents) + unowned.deleted.length + unowned.notDeleted.length;
  const truncated =
    kept.length < agents.length ||
    listed(kept) + listedUnowned.deleted.length + listedUnowned.notDeleted.length < all;
  return { listed: { agents: kept, unowned: listedUnowned }, truncated };
}

function hasFailure(agent: CleanedAgent): boolean {
  return agent.notDeleted.length > 0 || agent.identity?.deleted === false || agent.secret?.deleted === false;
}

/** ARM tag names are case-insensitive. */
function tagValue(tags: Record<string, string>, name: string): string | undefined {
  return Object.entries(tags).find(([key]) => key.toLowerCase() === name)?.[1];
}
