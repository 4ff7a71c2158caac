// provision: a selected agent → its own resource group, its own Entra identity allowed into that group only,
// the identity's secret in the secret store, and identity.provisioned carrying the secret's reference.
// Every name derives from (runId, agentId) and every cloud step finds before it creates, so a redelivered
// agent.selected converges on the same group, identity and role set, and publishes the same event id again.
// The event is recorded in the ledger before it is published: a repeat that comes after cleanup has deleted
// the agent's things (its first completion was lost with a crashed process) finds the record and creates
// nothing — the one Entra application each agent gets stays one.

import { DEAD_LETTER_REASONS, UnprocessableEventError } from "@haymaker/bus";
import { type CloudControl, CloudControlError } from "@haymaker/cloud-control";
import { deterministicEventId, newEvent } from "@haymaker/cloudevents";
import type { EventOf, Identity } from "@haymaker/contracts";
import type { SecretRef, SecretStore } from "@haymaker/stores";
import type { ProvisionLedger } from "./ledger.ts";

export const SOURCE = "/haymaker/provision";

/** What provision needs to know of a scenario: the roles its agent gets and where its group lives. */
export interface ScenarioAccess {
  roles: readonly string[];
  location: string;
}

export interface ProvisionPorts {
  cloud: CloudControl;
  secrets: SecretStore;
  /** The scenario catalogue, by scenario id. */
  catalogue: ReadonlyMap<string, ScenarioAccess>;
  ledger: ProvisionLedger;
}

/**
 * The agent's resource group, identity display name and secret name. Run and agent ids are at most 32
 * characters each, so this is at most 74: inside ARM's 90 for a group and Key Vault's 127 for a secret.
 */
export function agentResourceName(runId: string, agentId: string): string {
  return `haymaker-${runId}-${agentId}`;
}

/** The tags cleanup finds the agent's things by (docs/architecture.md), over the run's own tags. */
export function agentTags(data: EventOf<"agent.selected">["data"]): Record<string, string> {
  return {
    ...data.tags,
    "haymaker-managed": "true",
    "haymaker-run": data.runId,
    "haymaker-agent": data.agentId,
    "haymaker-scenario": data.scenarioId,
  };
}

/**
 * The agent's identity.provisioned to publish, or undefined for a repeat that has nothing left to do: the
 * agent was provisioned before and its identity is gone (cleanup has been), so publishing again would only
 * send deploy after a deleted secret.
 */
export async function provisionAgent(
  selected: EventOf<"agent.selected">,
  ports: ProvisionPorts,
): Promise<EventOf<"identity.provisioned"> | undefined> {
  const { data } = selected;
  const earlier = await ports.ledger.provisioned(data.runId, data.agentId);
  if (earlier !== undefined) {
    // Published before, or maybe not (a crash between recording and publishing): again while it stands.
    const identity = await step(`looking up identity ${earlier.data.identity.displayName}`, () =>
      ports.cloud.findIdentity(earlier.data.identity.displayName),
    );
    return identity === undefined ? undefined : earlier;
  }
  const scenario = ports.catalogue.get(data.scenarioId);
  if (scenario === undefined) {
    throw new UnprocessableEventError(
      DEAD_LETTER_REASONS.unknownScenario,
      `scenario '${data.scenarioId}' not in the catalogue`,
    );
  }
  const name = agentResourceName(data.runId, data.agentId);
  const tags = agentTags(data);
  const { cloud } = ports;

  const groupId = await step(`creating resource group ${name}`, () =>
    cloud.ensureResourceGroup(name, scenario.location, tags),
  );
  const { identity, secretRef } = await identityWithStoredSecret(name, tags, ports);
  // Scoped to the agent's own group, never wider: the agent may touch nothing else (docs/architecture.md).
  const roles = scenario.roles.map((role) => ({ role, scope: groupId }));
  for (const role of roles) {
    await step(`granting ${role.role} on ${name} to its identity`, () =>
      cloud.assignRole(identity.servicePrincipalId, role),
    );
  }

  const provisioned = newEvent("identity.provisioned", {
    source: SOURCE,
    id: deterministicEventId(SOURCE, data.runId, data.agentId),
    causationid: selected.id,
    traceparent: selected.traceparent,
    tracestate: selected.tracestate,
    data: {
      runId: data.runId,
      agentId: data.agentId,
      scenarioId: data.scenarioId,
      index: data.index,
      total: data.total,
      resourceGroup: name,
      identity,
      secretRef,
      roles,
      deadline: data.deadline,
      tags: data.tags,
    },
  });
  return ports.ledger.record(provisioned);
}

/**
 * Finds or creates the identity and stores the fresh secret it was given at once, before anything else can
 * fail, so the store always holds the newest secret. A retry adds another secret to the same identity and
 * overwrites the stored one; the older secrets die with the identity at cleanup.
 */
async function identityWithStoredSecret(
  name: string,
  tags: Record<string, string>,
  ports: ProvisionPorts,
): Promise<{ identity: Identity; secretRef: SecretRef }> {
  const { identity, secret } = await step(`creating identity ${name}`, () =>
    ports.cloud.createIdentity(name, tags),
  );
  const secretRef = await ports.secrets.put(name, secret);
  return { identity, secretRef };
}

/**
 * Runs one cloud step and, when it fails, says which step and whether a retry can help. Every failure is
 * thrown (the bus retries with backoff, then dead-letters after the subscription's max delivery count);
 * the message is what an operator reads in the dead letter.
 */
async function step<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CloudControlError) throw new ProvisionStepError(what, error);
    throw error;
  }
}

export class ProvisionStepError extends Error {
  override name = "ProvisionStepError";
  readonly retryable: boolean;
  constructor(what: string, cause: CloudControlError) {
    // A new service principal takes a while to reach every directory replica ARM reads from; until it has,
    // role assignment says PrincipalNotFound. That heals by itself, so it counts as retryable.
    const replicating = cause.code === "PrincipalNotFound";
    const retryable = cause.retryable || replicating;
    const hint = replicating
      ? "the new identity has not replicated yet; will retry"
      : retryable
        ? "will retry"
        : "retrying will not help until HayMaker's own identity is allowed to do this or the request is fixed";
    super(`${what} failed: ${cause.message} (${hint})`, { cause });
    this.retryable = retryable;
  }
}
