// The records and pages the projections port returns, as valibot schemas, so the gateway's OpenAPI
// document can describe every response and its tests can check real responses against it. They describe
// what the store produces; they are not how the store validates anything (events are validated on the way
// in, by the contracts).
//
// Every schema here converts to JSON Schema (@valibot/to-json-schema) without loss: only types, picklists,
// patterns without flags, lengths and bounds. Where a contracts schema checks with code that JSON Schema
// cannot express (RFC 3339 calendar dates, ARM ids matched case-insensitively, secret detection in free
// text), a plain string or a pattern that says the same for what the store writes is used instead.
import {
  AGENT_OUTCOMES,
  AGENT_STAGES,
  AgentIdSchema,
  CloudEventSchema,
  described,
  describedCount,
  describedGuid,
  describedText,
  describedTimestamp,
  EVENT_TYPES,
  LOG_LEVELS,
  RUN_PHASES,
  RUN_SIZES,
  RunIdSchema,
  ScenarioIdSchema,
} from "@haymaker/contracts";
import * as v from "valibot";
import {
  AGENT_PIPELINE_STAGES,
  type AgentPipelineStage,
  CLEANUP_STATUSES,
  EXECUTION_STATUSES,
  RESOURCE_STATUSES,
} from "./records.ts";

// ---- Building blocks ---------------------------------------------------------------------------------

/** What `new Date(...).toISOString()` writes: the store normalises every instant it keeps to this. */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function instant(description: string) {
  return v.pipe(
    v.string(),
    v.regex(UTC_INSTANT, "expected a UTC ISO 8601 instant like 2026-11-24T06:00:00.000Z"),
    v.description(`${description} A UTC instant, e.g. 2026-11-24T06:00:00.000Z.`),
  );
}

const text = describedText;
const count = describedCount;

/** 1, 2, 3…: sequence numbers, check numbers, steps. */
function ordinal(description: string) {
  return v.pipe(
    v.number(),
    v.integer("expected a whole number"),
    v.minValue(1, "expected at least 1"),
    v.description(description),
  );
}

/** A share between 0 and 1, or null while there is nothing to divide by. */
function rate(description: string) {
  return described(v.nullable(v.pipe(v.number(), v.minValue(0), v.maxValue(1))), description);
}

function picklist<const TOptions extends readonly string[]>(options: TOptions, description: string) {
  return described(v.picklist(options, `expected one of ${options.join(", ")}`), description);
}

const runId = () => described(RunIdSchema, "The run's id, e.g. run-20261124-0600-k3f9.");
const agentId = () => described(AgentIdSchema, "The agent's id, unique within its run, e.g. a01.");
const scenarioId = () =>
  described(ScenarioIdSchema, "The scenario the agent performs, e.g. storage-blob-lifecycle.");
const armId = (description: string) =>
  text(`${description} An Azure Resource Manager id (/subscriptions/<guid>/resourceGroups/<name>/…).`);
const guid = describedGuid;
const tags = () =>
  described(
    v.record(v.string(), v.string()),
    "Tags the run puts on everything it creates, besides HayMaker's own.",
  );
const isoDuration = () =>
  text('How long each agent operates, as requested: an ISO 8601 duration such as "PT8H".');

/** An object with one entry per agent pipeline stage, each made by `entry`. */
function byStage<TEntry extends v.GenericSchema>(entry: (stage: AgentPipelineStage) => TEntry) {
  return Object.fromEntries(AGENT_PIPELINE_STAGES.map((stage) => [stage, entry(stage)])) as {
    [Stage in AgentPipelineStage]: TEntry;
  };
}

// ---- Executions --------------------------------------------------------------------------------------

const RunSummarySchema = v.pipe(
  v.object({
    agents: count("Agents in the run."),
    completed: count("Agents that completed."),
    failed: count("Agents that failed."),
    timedOut: count("Agents still running at their deadline."),
    cancelled: count("Agents cancelled."),
    leftovers: count("Resources that could not be deleted, across all agents."),
  }),
  v.title("RunSummary"),
  v.description("How the run's agents ended, as the report phase counted them."),
);

export const ExecutionRecordSchema = v.pipe(
  v.object({
    runId: runId(),
    status: picklist(EXECUTION_STATUSES, "Where the run is; it only moves forward."),
    requestedBy: v.optional(text('Who asked for the run, e.g. "scheduler" or "operator:alice@contoso.com".')),
    requestedAt: v.optional(instant("When the run was requested.")),
    size: v.optional(picklist(RUN_SIZES, "The size asked for; runs asked for by scenario have none.")),
    scenarios: v.optional(
      described(
        v.array(ScenarioIdSchema),
        "The scenarios the request named; runs asked for by size have none.",
      ),
    ),
    scenarioIds: described(
      v.array(ScenarioIdSchema),
      "Every scenario an agent of this run performs, sorted: what the scenario filter matches.",
    ),
    duration: v.optional(isoDuration()),
    tags: v.optional(tags()),
    checks: v.optional(
      described(
        v.array(
          v.object({
            name: text("The check, e.g. credentials."),
            ok: described(v.boolean(), "False for a warning that did not block the run."),
            detail: v.optional(text("What the check found.")),
          }),
        ),
        "The validation checks the run passed (ok: false entries are warnings).",
      ),
    ),
    failedChecks: v.optional(
      described(
        v.array(v.object({ name: text("The check, e.g. quota."), message: text("Why it failed.") })),
        "The validation checks that rejected the run.",
      ),
    ),
    agentCounts: v.object({
      expected: v.optional(ordinal("How many agents the run selected, once an agent event has said so.")),
      byStage: described(
        v.object(byStage((stage) => count(`Agents at the ${stage} stage now.`))),
        "How many agents are at each stage now; their sum is how many the projection has heard of.",
      ),
    }),
    summary: v.optional(RunSummarySchema),
    report: v.optional(
      described(
        v.object({
          json: text("Where report.json is kept: an https URL or local:<path>."),
          markdown: text("Where report.md is kept: an https URL or local:<path>."),
        }),
        "Where the run's report is kept, once written.",
      ),
    ),
    failure: v.optional(
      described(
        v.object({
          phase: picklist(RUN_PHASES, "The pipeline phase that failed the run."),
          reason: text("Why it failed."),
        }),
        "Why the run as a whole failed.",
      ),
    ),
    cancellation: v.optional(
      described(
        v.object({
          requestedBy: text("Who asked to cancel the run."),
          reason: v.optional(text("Why, as they said.")),
          requestedAt: instant("When the (first) cancellation was asked for."),
        }),
        "The request that cancelled the run.",
      ),
    ),
    validatedAt: v.optional(instant("When the run passed validation.")),
    rejectedAt: v.optional(instant("When the run was rejected.")),
    completedAt: v.optional(instant("When the run completed.")),
    failedAt: v.optional(instant("When the run failed.")),
    endedAt: v.optional(
      instant("When the run reached its final status (rejected, completed, failed or cancelled)."),
    ),
    elapsedMs: v.optional(
      described(v.pipe(v.number(), v.integer()), "requestedAt → endedAt, in milliseconds."),
    ),
    sortAt: instant("What lists order runs by: requestedAt, or the first event seen before the request."),
    updatedAt: instant("The time of the newest event applied."),
  }),
  v.title("ExecutionRecord"),
  v.description("A run as the projections know it."),
);

// ---- Agents ------------------------------------------------------------------------------------------

/** What a cleanup (the agent's own, or an operator's) could not delete. */
const NotDeletedSchema = v.object({
  resourceId: armId("What could not be deleted."),
  reason: text("Why: a short cause (status and code), never a response body."),
});

export const AgentProgressSchema = v.pipe(
  v.object({
    stage: picklist(AGENT_STAGES, "The stage of its work the agent reported."),
    step: ordinal("The step it is at."),
    stepsTotal: v.optional(ordinal("How many steps the stage has.")),
    iteration: v.optional(
      ordinal("Which pass through the operate stage, which repeats for the run's duration."),
    ),
    message: v.optional(text("What the agent says it is doing.")),
    at: instant("When the agent reported it."),
  }),
  v.title("AgentProgress"),
  v.description("The agent's newest progress report."),
);

export const AgentRecordSchema = v.pipe(
  v.object({
    runId: runId(),
    agentId: agentId(),
    scenarioId: scenarioId(),
    index: v.optional(count("The agent's 0-based place in its run.")),
    total: v.optional(ordinal("How many agents its run has.")),
    stage: picklist(AGENT_PIPELINE_STAGES, "Where the agent is in the pipeline; it never moves back."),
    timeline: v.optional(
      described(
        v.object(byStage((stage) => v.optional(instant(`When the agent first reached the ${stage} stage.`)))),
        "When the agent first reached each stage (the time of the event that said so).",
      ),
    ),
    outcome: v.optional(picklist(AGENT_OUTCOMES, "How the agent ended, once it has.")),
    duration: v.optional(isoDuration()),
    deadline: v.optional(instant("When the agent must have finished; it is timed out after this.")),
    tags: v.optional(tags()),
    resourceGroup: v.optional(text("The agent's own resource group.")),
    identity: v.optional(
      described(
        v.object({
          displayName: text("The Entra ID application's display name."),
          appId: guid("The application (client) id."),
        }),
        "The Entra ID identity provisioned for the agent.",
      ),
    ),
    runtimeRef: v.optional(
      text("What runs the agent: a Container Apps job's ARM id, or local:<name> for a local process."),
    ),
    progress: v.optional(AgentProgressSchema),
    checkNumber: v.optional(ordinal("The highest check number monitor has reached.")),
    deployedAt: v.optional(instant("When the agent was deployed.")),
    finishedAt: v.optional(instant("When the agent finished.")),
    exitCode: v.optional(described(v.pipe(v.number(), v.integer()), "The agent's exit code.")),
    reason: v.optional(text("Why the agent ended as it did, when it was not a clean completion.")),
    leftoversFound: v.optional(count("How many resources verify-cleanup found still tagged with the agent.")),
    cleanedAt: v.optional(instant("When cleanup finished with the agent.")),
    resources: described(
      v.object({
        created: count("Every resource of the agent's the projection knows of."),
        deleted: count("How many of them are deleted."),
        left: count("How many of them cleanup could not delete."),
      }),
      "Counts over the agent's resource records.",
    ),
    deleted: v.optional(described(v.array(armId("A resource.")), "What force-cleanup deleted.")),
    notDeleted: v.optional(
      described(v.array(NotDeletedSchema), "What force-cleanup could not delete, and why."),
    ),
    logCount: count("How many log lines the agent has sent; the newest one's sequence number."),
    lastLogAt: v.optional(instant("When the agent wrote its newest log line.")),
    updatedAt: instant("The time of the newest event applied."),
  }),
  v.title("AgentRecord"),
  v.description("One agent of a run: where it is in the pipeline, its progress, outcome and estate."),
);

// ---- Resources and identities ------------------------------------------------------------------------

const DELETED_BY = ["agent", "cleanup"] as const;

export const ResourceDeletionSchema = v.pipe(
  v.object({
    at: instant("When the deletion was reported."),
    by: picklist(DELETED_BY, "The agent reported deleting it, or cleanup did (or verified it gone)."),
  }),
  v.title("ResourceDeletion"),
);

export const ResourceRecordSchema = v.pipe(
  v.object({
    id: v.pipe(
      v.string(),
      v.regex(/^res-[0-9a-f]{32}$/, "expected res- and 32 hex digits"),
      v.description('The resource\'s id in the projections: "res-" and 32 hex digits.'),
    ),
    resourceId: armId("The resource's id as first reported."),
    runId: runId(),
    agentId: agentId(),
    scenarioId: scenarioId(),
    type: text('The ARM resource type, e.g. "Microsoft.Storage/storageAccounts".'),
    status: picklist(RESOURCE_STATUSES, "Whether the resource still exists, is deleted, or was left behind."),
    createdAt: v.optional(instant("When the agent reported creating it.")),
    deletedAt: v.optional(instant("When it was deleted.")),
    deletedBy: v.optional(picklist(DELETED_BY, "Who deleted it.")),
    leftAt: v.optional(instant("When cleanup last reported it could not delete it.")),
    leftReason: v.optional(text("Why cleanup could not delete it.")),
    deletionsSeen: described(
      v.array(ResourceDeletionSchema),
      "Every deletion reported; status and deletedAt follow from these and leftAt.",
    ),
    updatedAt: instant("The time of the newest report applied."),
  }),
  v.title("ResourceRecord"),
  v.description("An Azure resource an agent created, and what became of it."),
);

export const IdentityRecordSchema = v.pipe(
  v.object({
    runId: runId(),
    agentId: agentId(),
    scenarioId: scenarioId(),
    displayName: v.optional(text("The Entra ID application's display name.")),
    appId: v.optional(guid("The application (client) id.")),
    objectId: v.optional(guid("The application's object id.")),
    servicePrincipalId: v.optional(guid("The service principal's object id.")),
    tenantId: v.optional(guid("The Entra ID tenant.")),
    roles: v.optional(
      described(
        v.array(
          v.object({
            role: text('A role definition name ("Contributor") or id.'),
            scope: armId("Where the role applies."),
          }),
        ),
        "The identity's role assignments.",
      ),
    ),
    resourceGroup: v.optional(text("The agent's own resource group.")),
    secretRef: v.optional(
      text("Where the identity's secret is kept: a Key Vault secret id or local:<name>; never the secret."),
    ),
    createdAt: v.optional(instant("When the identity was provisioned.")),
    identityDeleted: described(v.boolean(), "Whether cleanup deleted the identity."),
    secretDeleted: described(v.boolean(), "Whether cleanup deleted its secret."),
    deletedAt: v.optional(instant("When cleanup deleted the identity.")),
    updatedAt: instant("The time of the newest event applied."),
  }),
  v.title("IdentityRecord"),
  v.description("The Entra ID identity provisioned for one agent, and whether cleanup deleted it."),
);

// ---- Operators' cleanups -----------------------------------------------------------------------------

const DeletionOutcomeEntries = {
  deleted: described(v.boolean(), "Whether it is gone (already gone counts)."),
  reason: v.optional(text("Why it is not gone.")),
};

const CleanedAgentSchema = v.pipe(
  v.object({
    runId: runId(),
    agentId: agentId(),
    scenarioId: scenarioId(),
    deleted: described(v.array(armId("Deleted.")), "What this cleanup deleted."),
    notDeleted: described(v.array(NotDeletedSchema), "What it could not delete, and why."),
    identity: v.optional(
      described(
        v.object({ displayName: text("The identity's display name."), ...DeletionOutcomeEntries }),
        "The agent's Entra ID identity; absent when none was known or found.",
      ),
    ),
    secret: v.optional(
      described(v.object(DeletionOutcomeEntries), "The identity's secret; absent when none was known."),
    ),
  }),
  v.title("CleanedAgent"),
  v.description("What one agent's part of a cleanup did: every other resource of the agent is gone."),
);

export const CleanupRecordSchema = v.pipe(
  v.object({
    cleanupId: text("The cleanup's id, e.g. cleanup-20261124-150000-ab12."),
    status: picklist(CLEANUP_STATUSES, "requested until force-cleanup reports back, then completed."),
    runId: v.optional(runId()),
    scenarioId: v.optional(described(ScenarioIdSchema, "The scenario whose runs are cleaned up.")),
    requestedBy: v.optional(text('Who asked, e.g. "operator:alice@contoso.com".')),
    requestedAt: v.optional(instant("When it was asked for.")),
    agentsNamed: v.optional(
      count("How many agents the request named from the projections (their identities and secrets)."),
    ),
    completedAt: v.optional(instant("When force-cleanup finished.")),
    agents: v.optional(described(v.array(CleanedAgentSchema), "Per agent: what was deleted and what not.")),
    unowned: v.optional(
      described(
        v.object({
          deleted: described(v.array(armId("Deleted.")), "Deleted."),
          notDeleted: described(v.array(NotDeletedSchema), "Not deleted, and why."),
        }),
        "Resources found by tag that name no run and agent.",
      ),
    ),
    counts: v.optional(
      described(
        v.object({
          resourcesDeleted: count("Resources deleted."),
          resourcesNotDeleted: count("Resources that could not be deleted."),
          identitiesDeleted: count("Identities deleted (or already gone)."),
          identitiesNotDeleted: count("Identities that could not be deleted."),
          secretsDeleted: count("Secrets deleted (or already gone)."),
          secretsNotDeleted: count("Secrets that could not be deleted."),
        }),
        "Totals; complete even when the lists are truncated.",
      ),
    ),
    truncated: v.optional(
      described(v.boolean(), "Some deleted resource ids were left out of the lists to keep the event small."),
    ),
    updatedAt: instant("The time of the newest event applied."),
  }),
  v.title("CleanupRecord"),
  v.description("A cleanup an operator asked for, and once completed what it deleted and what it could not."),
);

// ---- Logs and run events -----------------------------------------------------------------------------

export const LogRecordSchema = v.pipe(
  v.object({
    runId: runId(),
    agentId: agentId(),
    scenarioId: scenarioId(),
    sequence: ordinal("1, 2, 3… per agent, in the order the projection received the lines."),
    level: picklist(LOG_LEVELS, "The line's level."),
    message: text("The line; it may span several lines."),
    at: instant("When the agent wrote it."),
    fields: v.optional(
      described(
        v.record(v.string(), v.union([v.string(), v.number(), v.boolean(), v.null()])),
        "Structured fields the agent attached.",
      ),
    ),
    eventId: text("The id of the agent.log event that carried the line."),
  }),
  v.title("LogRecord"),
  v.description("One line of an agent's log."),
);

// The envelope's attributes keep the contracts' own schemas (they convert as they are); only `time`
// (checked with code) and `data` (one shape per event type) are described here.
const { specversion, id, source, subject, datacontenttype, correlationid } = CloudEventSchema.entries;
const { causationid, traceparent, tracestate, replaycount, replayof } = CloudEventSchema.entries;

export const CloudEventRecordSchema = v.pipe(
  v.object({
    specversion: described(specversion, "The CloudEvents version."),
    id: described(id, "The event's id, unique per event."),
    source: described(source, "The service that sent it: /haymaker/<service>."),
    type: picklist(EVENT_TYPES, "The event type: com.haymaker.<noun>.<verb>.v<n>."),
    subject: v.optional(described(v.unwrap(subject), "runs/<runId> or runs/<runId>/agents/<agentId>.")),
    time: describedTimestamp("When it happened, as its sender wrote it: an RFC 3339 timestamp."),
    datacontenttype: described(datacontenttype, "Always application/json."),
    data: described(
      v.record(v.string(), v.unknown()),
      "The event's data; its shape depends on the type (see the event catalogue).",
    ),
    correlationid: described(
      correlationid,
      "The run id (for operator requests about no run, the request id).",
    ),
    causationid: v.optional(described(v.unwrap(causationid), "The id of the event that caused this one.")),
    traceparent: v.optional(described(v.unwrap(traceparent), "W3C trace context.")),
    tracestate: v.optional(described(v.unwrap(tracestate), "W3C trace state.")),
    replaycount: v.optional(
      described(v.unwrap(replaycount), "How many times an operator replayed it from a dead-letter queue."),
    ),
    replayof: v.optional(
      described(
        v.unwrap(replayof),
        "On an operator's edited copy: the id of the dead-lettered event it replaces.",
      ),
    ),
  }),
  v.title("CloudEvent"),
  v.description("A HayMaker event: a CloudEvents 1.0 envelope and its data."),
);

export const RunEventRecordSchema = v.pipe(
  v.object({
    runId: runId(),
    sequence: ordinal("1, 2, 3… per run, in the order the projection applied the events."),
    event: CloudEventRecordSchema,
  }),
  v.title("RunEventRecord"),
  v.description("One event of a run as the projection applied it (every type but agent.log)."),
);

// ---- Reads that combine records -----------------------------------------------------------------------

export const ExecutionWithAgentsSchema = v.pipe(
  v.object({
    execution: ExecutionRecordSchema,
    agents: described(v.array(AgentRecordSchema), "Every agent the projection knows of, by agent id."),
  }),
  v.title("ExecutionWithAgents"),
  v.description("A run with every agent the projection knows of."),
);

const continuation = () =>
  v.optional(text("Pass back as `continuation` to get the next page; absent on the last page."));

/** One page of a list of `item`s (`Page<T>`). */
export function pageSchemaOf<TItem extends v.GenericSchema>(item: TItem) {
  return v.object({ items: v.array(item), continuation: continuation() });
}

export const ExecutionPageSchema = v.pipe(pageSchemaOf(ExecutionRecordSchema), v.title("ExecutionPage"));
export const AgentPageSchema = v.pipe(pageSchemaOf(AgentRecordSchema), v.title("AgentPage"));
export const ResourcePageSchema = v.pipe(pageSchemaOf(ResourceRecordSchema), v.title("ResourcePage"));
export const IdentityPageSchema = v.pipe(pageSchemaOf(IdentityRecordSchema), v.title("IdentityPage"));

export const LogPageSchema = v.pipe(
  v.object({
    items: described(v.array(LogRecordSchema), "Lines in the order the agent wrote them."),
    continuation: continuation(),
    lastSequence: count(
      "The highest sequence number stored for the agent when the page was read (0 before any line).",
    ),
  }),
  v.title("LogPage"),
);

export const RunEventPageSchema = v.pipe(
  v.object({
    items: described(
      v.array(RunEventRecordSchema),
      "The oldest `limit` events after `afterSequence`; fewer when that is all there is.",
    ),
    lastSequence: count(
      "The highest sequence number stored for the run when the page was read (0 before any event).",
    ),
  }),
  v.title("RunEventPage"),
);

// ---- Metrics -----------------------------------------------------------------------------------------

const outcomeCountEntries = {
  completed: count("Agents that completed."),
  failed: count("Agents that failed."),
  timedOut: count("Agents still running at their deadline."),
  cancelled: count("Agents cancelled."),
};

export const ScenarioMetricsSchema = v.pipe(
  v.object({
    scenarioId: scenarioId(),
    runs: count("Runs with an agent performing the scenario."),
    agents: count("Agents that performed it."),
    ...outcomeCountEntries,
    successRate: rate("completed ÷ agents with an outcome; null when none has one yet."),
    resourcesCreated: count("Resources its agents created."),
    resourcesLeft: count("Resources of its agents cleanup could not delete."),
    meanAgentDurationMs: described(
      v.nullable(v.number()),
      "Mean deployedAt → finishedAt of its agents, in milliseconds; null when none has both.",
    ),
  }),
  v.title("ScenarioMetrics"),
);

export const MetricsSchema = v.pipe(
  v.object({
    since: instant("The start of the period (inclusive)."),
    until: instant("The end of the period (exclusive)."),
    scenario: v.optional(described(ScenarioIdSchema, "The scenario the metrics are limited to.")),
    runs: v.object({
      total: count("Runs requested in the period."),
      inProgress: count("Runs not yet ended."),
      completed: count("Runs that completed."),
      failed: count("Runs that failed."),
      rejected: count("Runs rejected by validation."),
      cancelled: count("Runs cancelled."),
      successRate: rate(
        "completed ÷ (completed + failed + rejected); cancelled runs are the operator's choice, not failures.",
      ),
      meanDurationMs: described(
        v.nullable(v.number()),
        "Mean requestedAt → completion of completed runs, in milliseconds; null when there are none.",
      ),
    }),
    agents: v.object({
      total: count("Agents of those runs."),
      inProgress: count("Agents without an outcome yet."),
      ...outcomeCountEntries,
    }),
    resources: v.object({
      created: count("Resources their agents created."),
      deleted: count("Of those, deleted."),
      left: count("Of those, left behind by cleanup."),
    }),
    scenarios: described(v.array(ScenarioMetricsSchema), "One entry per scenario, by scenario id."),
  }),
  v.title("Metrics"),
  v.description("Metrics over the runs requested in a period, and their agents."),
);
