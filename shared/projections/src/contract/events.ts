// Valid HayMaker events for tests, at chosen times with chosen ids, and the whole life of a run as the
// pipeline would emit it. Built through the contracts' parseEvent, so every fixture is a valid event.
import {
  type EventDataInput,
  type EventName,
  type EventOf,
  eventType,
  type HayMakerEvent,
  parseEvent,
  subjectFor,
} from "@haymaker/contracts";

export interface TestEventOptions {
  /** RFC 3339. */
  time: string;
  id: string;
}

export function testEvent<N extends EventName>(
  name: N,
  data: EventDataInput<N>,
  options: TestEventOptions,
): EventOf<N> {
  const { runId, agentId } = data as { runId?: string; agentId?: string };
  return parseEvent({
    specversion: "1.0",
    id: options.id,
    source: "/haymaker/contract-test",
    type: eventType(name),
    ...(runId === undefined ? {} : { subject: subjectFor({ runId, agentId }) }),
    time: options.time,
    datacontenttype: "application/json",
    data,
    correlationid: runId ?? `request-${options.id}`,
  }) as EventOf<N>;
}

export const SUBSCRIPTION = "/subscriptions/11111111-2222-3333-4444-555555555555";

/** An agent's id from its 0-based index: a01, a02… */
export function agentIdAt(index: number): string {
  return `a${String(index + 1).padStart(2, "0")}`;
}

export function resourceGroupOf(runId: string, agentId: string): string {
  return `haymaker-${runId}-${agentId}`;
}

/** The two resources every story agent creates: a storage account (left to cleanup) and a network (deleted). */
export function storyResources(runId: string, agentId: string) {
  const group = `${SUBSCRIPTION}/resourceGroups/${resourceGroupOf(runId, agentId)}`;
  return {
    storage: `${group}/providers/Microsoft.Storage/storageAccounts/st${agentId}`,
    network: `${group}/providers/Microsoft.Network/virtualNetworks/vnet-${agentId}`,
  };
}

export function identityOf(runId: string, agentId: string, index: number) {
  const suffix = (n: number) => `0a1b2c3d-0000-4000-8000-${String(index * 10 + n).padStart(12, "0")}`;
  return {
    displayName: `haymaker-${runId}-${agentId}`,
    appId: suffix(1),
    objectId: suffix(2),
    servicePrincipalId: suffix(3),
    tenantId: "0a1b2c3d-0000-4000-8000-999999999999",
  };
}

export interface StoryAgent {
  scenarioId: string;
  outcome?: "completed" | "failed" | "timed-out" | "cancelled";
  /** Cleanup fails to delete the storage account (it is left). */
  leaveStorage?: boolean;
}

export interface RunStoryOptions {
  runId: string;
  /** When the run is requested (RFC 3339); each later event follows it by whole minutes. */
  requestedAt: string;
  agents: readonly StoryAgent[];
  /** How the run ends; "none" leaves it running. Default "completed". */
  ending?: "completed" | "failed" | "none";
}

/** Every event of one run, in the order the pipeline emits them (by time). Event ids are stable: `<runId>.<step>`. */
export function runStory(options: RunStoryOptions): HayMakerEvent[] {
  const { runId, agents } = options;
  const start = Date.parse(options.requestedAt);
  const at = (minutes: number, seconds = 0) =>
    new Date(start + minutes * 60_000 + seconds * 1000).toISOString();
  const event = <N extends EventName>(
    name: N,
    step: string,
    minutes: number,
    data: EventDataInput<N>,
    seconds = 0,
  ) => testEvent(name, data, { id: `${runId}.${step}`, time: at(minutes, seconds) });
  const request = {
    runId,
    requestedBy: "scheduler",
    requestedAt: at(0),
    scenarios: agents.map((agent) => agent.scenarioId),
    duration: "PT1H",
    tags: { team: "detection-engineering" },
  };
  const events: HayMakerEvent[] = [
    event("run.requested", "requested", 0, request),
    event("run.validated", "validated", 1, {
      ...request,
      checks: [
        { name: "credentials", ok: true },
        { name: "quota", ok: false, detail: "vCPU quota at 85%" },
      ],
    }),
  ];
  agents.forEach((agent, index) => {
    const agentId = agentIdAt(index);
    const s = index; // agents run side by side, a second apart
    const key = { runId, agentId, scenarioId: agent.scenarioId };
    const position = { ...key, index, total: agents.length };
    const resourceGroup = resourceGroupOf(runId, agentId);
    const identity = identityOf(runId, agentId, index);
    const estate = {
      resourceGroup,
      identity,
      secretRef: `local:${runId}-${agentId}`,
      runtimeRef: `local:agent-${runId}-${agentId}`,
    };
    const { storage, network } = storyResources(runId, agentId);
    const outcome = agent.outcome ?? "completed";
    const deadline = at(62);
    const step = (name: string) => `${agentId}.${name}`;
    events.push(
      event("agent.selected", step("selected"), 2, { ...position, duration: "PT1H", deadline, tags: {} }, s),
      event(
        "identity.provisioned",
        step("provisioned"),
        3,
        {
          ...position,
          resourceGroup,
          identity,
          secretRef: estate.secretRef,
          roles: [{ role: "Contributor", scope: `${SUBSCRIPTION}/resourceGroups/${resourceGroup}` }],
          deadline,
          tags: {},
        },
        s,
      ),
      event(
        "agent.deployed",
        step("deployed"),
        4,
        { ...position, ...estate, deployedAt: at(4, s), deadline },
        s,
      ),
      event("agent.log", step("log-1"), 5, { ...key, level: "info", message: "deploying", at: at(5, s) }, s),
      event(
        "agent.resource.created",
        step("storage-created"),
        6,
        { ...key, resourceId: storage, resourceType: "Microsoft.Storage/storageAccounts", at: at(6, s) },
        s,
      ),
      event(
        "agent.resource.created",
        step("network-created"),
        7,
        { ...key, resourceId: network, resourceType: "Microsoft.Network/virtualNetworks", at: at(7, s) },
        s,
      ),
      event(
        "agent.progress",
        step("progress"),
        8,
        { ...key, stage: "operate", step: 2, stepsTotal: 4, iteration: 3, message: "rotating blob tiers" },
        s,
      ),
      event("agent.check", step("check-1"), 9, { ...position, ...estate, deadline, checkNumber: 1 }, s),
      event(
        "agent.log",
        step("log-2"),
        10,
        { ...key, level: "warn", message: "throttled, retrying", at: at(10, s), fields: { attempt: 2 } },
        s,
      ),
      event(
        "agent.resource.deleted",
        step("network-deleted"),
        11,
        { ...key, resourceId: network, resourceType: "Microsoft.Network/virtualNetworks", at: at(11, s) },
        s,
      ),
      event(
        "agent.finished",
        step("finished"),
        40,
        {
          ...position,
          ...estate,
          outcome,
          exitCode: outcome === "completed" ? 0 : 1,
          deployedAt: at(4, s),
          finishedAt: at(40, s),
          ...(outcome === "completed" ? {} : { reason: `the agent ended as ${outcome}` }),
        },
        s,
      ),
      event(
        "cleanup.required",
        step("cleanup-required"),
        41,
        {
          ...position,
          ...estate,
          outcome,
          deployedAt: at(4, s),
          finishedAt: at(40, s),
          leftovers: [{ resourceId: storage, type: "Microsoft.Storage/storageAccounts" }],
        },
        s,
      ),
      event(
        "agent.cleaned",
        step("cleaned"),
        42,
        {
          ...position,
          identity,
          resourceGroup,
          outcome,
          deployedAt: at(4, s),
          finishedAt: at(40, s),
          deleted: agent.leaveStorage ? [] : [storage],
          notDeleted: agent.leaveStorage ? [{ resourceId: storage, reason: "locked by a delete lock" }] : [],
          identityDeleted: true,
          secretDeleted: true,
        },
        s,
      ),
    );
  });
  const ending = options.ending ?? "completed";
  if (ending === "completed") {
    const count = (outcome: string) =>
      agents.filter((agent) => (agent.outcome ?? "completed") === outcome).length;
    events.push(
      event("run.completed", "completed", 45, {
        runId,
        report: { json: `local:reports/${runId}/report.json`, markdown: `local:reports/${runId}/report.md` },
        summary: {
          agents: agents.length,
          completed: count("completed"),
          failed: count("failed"),
          timedOut: count("timed-out"),
          cancelled: count("cancelled"),
          leftovers: agents.filter((agent) => agent.leaveStorage).length,
        },
      }),
    );
  }
  if (ending === "failed") {
    events.push(
      event("run.failed", "failed", 45, { runId, phase: "report", reason: "the report store is full" }),
    );
  }
  // Agents run side by side, so the pipeline interleaves their events: in time order.
  return events.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

/** The story's event with this step name (e.g. "a01.cleaned", "completed"). */
export function storyEvent(events: readonly HayMakerEvent[], runId: string, step: string): HayMakerEvent {
  const found = events.find((event) => event.id === `${runId}.${step}`);
  if (!found) throw new Error(`no event ${runId}.${step} in the story`);
  return found;
}
