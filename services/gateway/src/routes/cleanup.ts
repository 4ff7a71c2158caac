// POST /api/cleanup — deletes what HayMaker left behind for a run or a scenario (operator). With dryRun it
// only answers what HayMaker knows is still there; otherwise it also writes cleanup.requested, naming the
// identities and secret references the projections know of, and force-cleanup deletes those and
// everything still tagged as HayMaker's for that run or scenario (the cloud, not this answer, is the truth
// of what is there), then reports back with cleanup.completed. The 202's Location, /api/cleanups/{id},
// follows it to the end; it answers at once, since the request is recorded as it is published.
import { newEvent } from "@haymaker/cloudevents";
import {
  type CleanupAgent,
  checkInput,
  type EventOf,
  MAX_CLEANUP_AGENTS,
  RunIdSchema,
  ScenarioIdSchema,
} from "@haymaker/contracts";
import type { IdentityRecord, Page, ProjectionStore, ResourceRecord } from "@haymaker/projections";
import type { Hono } from "hono";
import * as v from "valibot";
import { callerOf, requireRole } from "../auth/authenticate.ts";
import { apiError, jsonBody } from "../errors.ts";
import type { RouteDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { newRunId, SOURCE } from "./execute.ts";
import { publishAndRecord } from "./publish-and-record.ts";

export const CleanupRequestSchema = v.pipe(
  v.strictObject({
    executionId: v.optional(RunIdSchema),
    scenario: v.optional(ScenarioIdSchema),
    dryRun: v.optional(v.boolean("expected true or false"), false),
  }),
  v.check(
    (body) => body.executionId !== undefined || body.scenario !== undefined,
    'give "executionId" or "scenario" (or both, for that scenario\'s agents in that run)',
  ),
);

const CleanupTargetSchema = v.strictObject({
  runId: v.string(),
  agentId: v.string(),
  scenarioId: v.string(),
  resourceGroup: v.optional(v.string()),
  resources: v.array(v.strictObject({ id: v.string(), resourceId: v.string(), type: v.string() })),
  identity: v.optional(v.strictObject({ appId: v.string(), displayName: v.string() })),
});
type CleanupTarget = v.InferOutput<typeof CleanupTargetSchema>;

export const CleanupResponseSchema = v.strictObject({
  dryRun: v.boolean(),
  cleanupId: v.optional(
    v.pipe(v.string(), v.description("The cleanup's id (not on a dry run): follow /api/cleanups/{id}.")),
  ),
  status: v.optional(v.literal("requested")),
  links: v.optional(v.strictObject({ self: v.string() })),
  targets: v.pipe(
    v.array(CleanupTargetSchema),
    v.description("Per agent: the resources not known to be deleted, and its identity if not deleted."),
  ),
  counts: v.strictObject({ agents: v.number(), resources: v.number(), identities: v.number() }),
});
export type CleanupResponse = v.InferOutput<typeof CleanupResponseSchema>;

export const cleanupSpec: RouteSpec = {
  method: "post",
  path: "/api/cleanup",
  operationId: "cleanup",
  summary: "Delete what a run or scenario left behind (or see what would be)",
  tag: "Cleanup",
  role: "operator",
  body: CleanupRequestSchema,
  responses: {
    200: { description: "dryRun: what HayMaker knows is still there.", schema: CleanupResponseSchema },
    202: {
      description:
        "Cleanup was requested for what is listed (and anything else tagged); follow the Location until " +
        "the cleanup is completed.",
      schema: CleanupResponseSchema,
      headers: { Location: "The cleanup to follow, /api/cleanups/{id}." },
    },
    404: { description: "No such execution is known.", schema: ErrorEnvelopeSchema },
    415: { description: "The body is not JSON.", schema: ErrorEnvelopeSchema },
  },
};

/** No operator cleanup lists more than this; the rest is still deleted, by tag. */
const MOST_LISTED = 5_000;

async function everything<T>(read: (continuation?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let continuation: string | undefined;
  do {
    const page = await read(continuation);
    items.push(...page.items);
    continuation = page.continuation;
  } while (continuation !== undefined && items.length < MOST_LISTED);
  return items;
}

interface WhatIsLeft {
  targets: CleanupTarget[];
  /** For cleanup.requested: each agent with anything left, its identity and its secret's reference. */
  agents: CleanupAgent[];
}

async function whatIsLeft(store: ProjectionStore, runId?: string, scenario?: string): Promise<WhatIsLeft> {
  const filter = {
    ...(runId === undefined ? {} : { runId }),
    ...(scenario === undefined ? {} : { scenario }),
  };
  const resources: ResourceRecord[] = [];
  for (const status of ["created", "left"] as const) {
    resources.push(
      ...(await everything((continuation) =>
        store.listResources({ ...filter, status, limit: 500, ...(continuation ? { continuation } : {}) }),
      )),
    );
  }
  const agents = await everything((continuation) =>
    store.listAgents({ ...filter, limit: 500, ...(continuation ? { continuation } : {}) }),
  );
  const identities = new Map<string, IdentityRecord>();
  for (const run of new Set(agents.map((agent) => agent.runId))) {
    const found = await everything((continuation) =>
      store.listIdentities({ runId: run, limit: 500, ...(continuation ? { continuation } : {}) }),
    );
    for (const identity of found) identities.set(`${identity.runId}.${identity.agentId}`, identity);
  }
  const left: WhatIsLeft = { targets: [], agents: [] };
  for (const agent of agents) {
    const key = `${agent.runId}.${agent.agentId}`;
    const identity = identities.get(key);
    const itsResources = resources.filter((r) => r.runId === agent.runId && r.agentId === agent.agentId);
    const liveIdentity =
      identity !== undefined && !identity.identityDeleted && identity.appId !== undefined
        ? { appId: identity.appId, displayName: identity.displayName ?? key }
        : undefined;
    const secretRef = identity?.secretDeleted === false ? identity.secretRef : undefined;
    if (itsResources.length === 0 && liveIdentity === undefined && secretRef === undefined) continue;
    left.targets.push({
      runId: agent.runId,
      agentId: agent.agentId,
      scenarioId: agent.scenarioId,
      ...(agent.resourceGroup === undefined ? {} : { resourceGroup: agent.resourceGroup }),
      resources: itsResources.map(({ id, resourceId, type }) => ({ id, resourceId, type })),
      ...(liveIdentity === undefined ? {} : { identity: liveIdentity }),
    });
    const fullIdentity = liveIdentity === undefined ? undefined : identityOf(identity);
    left.agents.push({
      runId: agent.runId,
      agentId: agent.agentId,
      scenarioId: agent.scenarioId,
      ...(fullIdentity === undefined ? {} : { identity: fullIdentity }),
      ...(secretRef === undefined ? {} : { secretRef }),
    });
  }
  return left;
}

/** The identity as cleanup.requested carries it, once provision has said all of it. */
function identityOf(record: IdentityRecord | undefined): CleanupAgent["identity"] {
  if (record === undefined) return undefined;
  const { displayName, appId, objectId, servicePrincipalId, tenantId } = record;
  if (!displayName || !appId || !objectId || !servicePrincipalId || !tenantId) return undefined;
  return { displayName, appId, objectId, servicePrincipalId, tenantId };
}

/** cleanup-YYYYMMDD-HHMMSS-xxxx: named as runs are, sortable by time and unique within a second. */
export function newCleanupId(now: Date): string {
  return newRunId(now).replace(/^run-/, "cleanup-");
}

export function registerCleanup(app: Hono, deps: RouteDeps): void {
  app.post(honoPath(cleanupSpec), requireRole(deps, "operator"), async (c) => {
    const body = await jsonBody(c);
    if (!body.ok) return body.response;
    const checked = checkInput(CleanupRequestSchema, body.value, "");
    if (!checked.ok) {
      return apiError(c, 400, "InvalidRequest", "The cleanup request is not valid.", [...checked.problems]);
    }
    const { executionId, scenario, dryRun } = checked.value;
    if (executionId !== undefined && (await deps.projections.getExecution(executionId)) === undefined) {
      return apiError(c, 404, "ExecutionNotFound", `No execution ${executionId} is known.`);
    }
    const { targets, agents } = await whatIsLeft(deps.projections, executionId, scenario);
    const counts = {
      agents: targets.length,
      resources: targets.reduce((sum, target) => sum + target.resources.length, 0),
      identities: targets.filter((target) => target.identity !== undefined).length,
    };
    if (dryRun) return c.json({ dryRun, targets, counts } satisfies CleanupResponse, 200);

    const caller = callerOf(c);
    const cleanupId = newCleanupId(new Date());
    // Agents beyond the event's bound are still deleted by tag, identities too; only their secrets wait for
    // another cleanup.
    const event: EventOf<"cleanup.requested"> = newEvent("cleanup.requested", {
      source: SOURCE,
      data: {
        cleanupId,
        ...(executionId === undefined ? {} : { runId: executionId }),
        ...(scenario === undefined ? {} : { scenarioId: scenario }),
        dryRun: false,
        requestedBy: `${caller.kind}:${caller.name}`,
        agents: agents.slice(0, MAX_CLEANUP_AGENTS),
      },
      ...(executionId === undefined ? { correlationid: cleanupId } : {}),
    });
    await publishAndRecord(deps, event, c.req.path);
    const self = `/api/cleanups/${cleanupId}`;
    const response: CleanupResponse = {
      dryRun,
      cleanupId,
      status: "requested",
      links: { self },
      targets,
      counts,
    };
    return c.json(response, 202, { location: self });
  });
}
