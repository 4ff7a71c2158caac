import type { EventDataInput, EventName } from "./registry.ts";

// One valid data example per event type, all about the same run and agent. Tests across the repository
// start from these and break one field at a time; they double as documentation of each payload.

const runId = "run-20261124-0600-k3f9";
const agentId = "a01";
const scenarioId = "storage-blob-lifecycle";
const subscription = "/subscriptions/11111111-2222-3333-4444-555555555555";
const resourceGroup = `haymaker-${runId}-${agentId}`;
const resourceGroupId = `${subscription}/resourceGroups/${resourceGroup}`;
const storageAccount = `${resourceGroupId}/providers/Microsoft.Storage/storageAccounts/hmk3f9a01`;
const cleanupId = "cleanup-20261124-150000-ab12";
const runtimeRef = `${subscription}/resourceGroups/haymaker/providers/Microsoft.App/jobs/hm-k3f9-a01`;

const run = {
  runId,
  requestedBy: "scheduler",
  requestedAt: "2026-11-24T06:00:00Z",
  size: "small",
  duration: "PT8H",
  tags: { team: "detection-engineering" },
} as const;

const agent = { runId, agentId, scenarioId, index: 0, total: 5 } as const;

const identity = {
  displayName: `haymaker-${runId}-${agentId}`,
  appId: "0a1b2c3d-0000-4000-8000-000000000001",
  objectId: "0a1b2c3d-0000-4000-8000-000000000002",
  servicePrincipalId: "0a1b2c3d-0000-4000-8000-000000000003",
  tenantId: "0a1b2c3d-0000-4000-8000-000000000004",
};

const estate = {
  resourceGroup,
  identity,
  secretRef: `https://haymaker-kv.vault.azure.net/secrets/${runId}-${agentId}`,
  runtimeRef,
};

export const EXAMPLE_DATA: { readonly [N in EventName]: EventDataInput<N> } = {
  "run.requested": run,
  "run.validated": {
    ...run,
    checks: [
      { name: "credentials", ok: true },
      { name: "quota", ok: false, detail: "vCPU quota at 85%" },
    ],
  },
  "run.rejected": { ...run, failedChecks: [{ name: "image", message: "agent image not found in registry" }] },
  "agent.selected": {
    ...agent,
    duration: "PT8H",
    deadline: "2026-11-24T14:05:00Z",
    tags: { team: "detection-engineering" },
  },
  "identity.provisioned": {
    ...agent,
    resourceGroup,
    identity,
    secretRef: estate.secretRef,
    roles: [{ role: "Contributor", scope: resourceGroupId }],
    deadline: "2026-11-24T14:05:00Z",
    tags: { team: "detection-engineering" },
  },
  "agent.deployed": {
    ...agent,
    ...estate,
    deployedAt: "2026-11-24T06:03:00Z",
    deadline: "2026-11-24T14:05:00Z",
  },
  "agent.check": { ...agent, ...estate, deadline: "2026-11-24T14:05:00Z", checkNumber: 3 },
  "agent.finished": {
    ...agent,
    ...estate,
    outcome: "completed",
    exitCode: 0,
    finishedAt: "2026-11-24T14:01:00Z",
  },
  "cleanup.required": {
    ...agent,
    ...estate,
    outcome: "completed",
    leftovers: [{ resourceId: storageAccount, type: "Microsoft.Storage/storageAccounts" }],
  },
  "agent.cleaned": {
    ...agent,
    identity,
    resourceGroup,
    deployedAt: "2026-11-24T06:03:00Z",
    finishedAt: "2026-11-24T14:01:00Z",
    outcome: "completed",
    deleted: [storageAccount],
    notDeleted: [],
    identityDeleted: true,
    secretDeleted: true,
  },
  "report.due": { runId, total: 5, dueAt: "2026-11-24T14:40:00Z" },
  "run.completed": {
    runId,
    report: {
      json: `https://haymakerreports.blob.core.windows.net/reports/${runId}/report.json`,
      markdown: `https://haymakerreports.blob.core.windows.net/reports/${runId}/report.md`,
    },
    summary: { agents: 5, completed: 4, failed: 0, timedOut: 1, cancelled: 0, leftovers: 0 },
  },
  "run.failed": { runId, phase: "select", reason: "the scenario catalogue is empty" },
  "run.cancel.requested": { runId, requestedBy: "operator:alice@contoso.com", reason: "maintenance window" },
  "cleanup.requested": {
    cleanupId,
    runId,
    dryRun: false,
    requestedBy: "operator:alice@contoso.com",
    agents: [{ runId, agentId, scenarioId, identity, secretRef: estate.secretRef }],
  },
  "cleanup.completed": {
    cleanupId,
    runId,
    requestedBy: "operator:alice@contoso.com",
    completedAt: "2026-11-24T15:00:00Z",
    agents: [
      {
        runId,
        agentId,
        scenarioId,
        deleted: [resourceGroupId],
        notDeleted: [{ resourceId: storageAccount, reason: "409 Conflict: the account is locked" }],
        identity: { displayName: identity.displayName, deleted: true },
        secret: { deleted: true },
      },
    ],
    unowned: { deleted: [], notDeleted: [] },
    counts: {
      resourcesDeleted: 1,
      resourcesNotDeleted: 1,
      identitiesDeleted: 1,
      identitiesNotDeleted: 0,
      secretsDeleted: 1,
      secretsNotDeleted: 0,
    },
  },
  "agent.log": {
    runId,
    agentId,
    scenarioId,
    level: "info",
    message: "created storage account hmk3f9a01",
    at: "2026-11-24T06:04:12.345Z",
    fields: { attempt: 1, region: "westeurope" },
  },
  "agent.resource.created": {
    runId,
    agentId,
    scenarioId,
    resourceId: storageAccount,
    resourceType: "Microsoft.Storage/storageAccounts",
    at: "2026-11-24T06:04:12Z",
  },
  "agent.resource.deleted": {
    runId,
    agentId,
    scenarioId,
    resourceId: storageAccount,
    resourceType: "Microsoft.Storage/storageAccounts",
    at: "2026-11-24T13:58:40Z",
  },
  "agent.progress": {
    runId,
    agentId,
    scenarioId,
    stage: "operate",
    step: 2,
    stepsTotal: 4,
    iteration: 17,
    message: "rotating blob tiers",
  },
};
