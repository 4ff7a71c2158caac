// POST /api/cleanup — deletes what HayMaker left behind for a run or a scenario (operator). With dryRun it
// only answers what HayMaker knows is still there; otherwise it also writes cleanup.requested, and
// force-cleanup deletes everything still tagged as HayMaker's for that run or scenario (the cloud, not this
// answer, is the truth of what is there) and the agents' identities. Follow /api/resources to see it go.
import { newEvent } from "@haymaker/cloudevents";
import { checkInput, RunIdSchema, ScenarioIdSchema } from "@haymaker/contracts";
import type { IdentityRecord, Page, ProjectionStore, ResourceRecord } from "@haymaker/projections";
import type { Hono } from "hono";
import * as v from "valibot";
import { callerOf, requireRole } from "../auth/authenticate.ts";
import { apiError, jsonBody } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { SOURCE } from "./execute.ts";

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
      description: "Cleanup was requested for what is listed (and anything else tagged).",
      schema: CleanupResponseSchema,
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

async function whatIsLeft(
  store: ProjectionStore,
  runId?: string,
  scenario?: string,
): Promise<CleanupTarget[]> {
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
  const targets: CleanupTarget[] = [];
  for (const agent of agents) {
    const key = `${agent.runId}.${agent.agentId}`;
    const identity = identities.get(key);
    const left = resources.filter((r) => r.runId === agent.runId && r.agentId === agent.agentId);
    const liveIdentity =
      identity !== undefined && !identity.identityDeleted && identity.appId !== undefined
        ? { appId: identity.appId, displayName: identity.displayName ?? key }
        : undefined;
    if (left.length === 0 && liveIdentity === undefined) continue;
    targets.push({
      runId: agent.runId,
      agentId: agent.agentId,
      scenarioId: agent.scenarioId,
      ...(agent.resourceGroup === undefined ? {} : { resourceGroup: agent.resourceGroup }),
      resources: left.map(({ id, resourceId, type }) => ({ id, resourceId, type })),
      ...(liveIdentity === undefined ? {} : { identity: liveIdentity }),
    });
  }
  return targets;
}

export function registerCleanup(app: Hono, deps: GatewayDeps): void {
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
    const targets = await whatIsLeft(deps.projections, executionId, scenario);
    const response: CleanupResponse = {
      dryRun,
      targets,
      counts: {
        agents: targets.length,
        resources: targets.reduce((sum, target) => sum + target.resources.length, 0),
        identities: targets.filter((target) => target.identity !== undefined).length,
      },
    };
    if (dryRun) return c.json(response, 200);
    const caller = callerOf(c);
    await deps.publish(
      newEvent("cleanup.requested", {
        source: SOURCE,
        data: {
          ...(executionId === undefined ? {} : { runId: executionId }),
          ...(scenario === undefined ? {} : { scenarioId: scenario }),
          dryRun: false,
          requestedBy: `${caller.kind}:${caller.name}`,
        },
        ...(executionId === undefined ? { correlationid: `cleanup-${scenario}-${Date.now()}` } : {}),
      }),
    );
    return c.json(response, 202);
  });
}
