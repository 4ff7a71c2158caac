// The run report (report.json) as a valibot schema, so the gateway's OpenAPI document can describe
// GET /api/executions/{id}/report and the report embedded in GET /api/executions/{id}. It describes what
// buildAgentReport, completedReport and rejectedReport write; nothing parses reports with it on the way in.
//
// It converts to JSON Schema (@valibot/to-json-schema) without loss: where a contracts schema checks with
// code JSON Schema cannot express (RFC 3339 calendar dates, ARM ids matched case-insensitively, secret
// detection in free text), a plain string or a pattern saying the same for what the report holds is used.
import {
  AGENT_OUTCOMES,
  AgentIdSchema,
  described,
  describedCount,
  describedGuid,
  describedText,
  describedTimestamp,
  RUN_PHASES,
  RunIdSchema,
  ScenarioIdSchema,
} from "@haymaker/contracts";
import * as v from "valibot";
import { REPORT_VERSION } from "./run-report.ts";

/** RFC 3339 date-time: timestamps are kept as the events and the Activity Log wrote them. */
const timestamp = (description: string) =>
  describedTimestamp(`${description} An RFC 3339 timestamp, e.g. 2026-11-24T06:00:00Z.`);
const text = describedText;
const count = describedCount;

const armId = (description: string) =>
  text(`${description} An Azure Resource Manager id (/subscriptions/<guid>/resourceGroups/<name>/…).`);

const FailedOperationSchema = v.pipe(
  v.object({
    timestamp: timestamp("When the Activity Log recorded it."),
    operationName: text('The ARM operation, e.g. "Microsoft.Compute/virtualMachines/write".'),
    resourceId: armId("What it was attempted on."),
    status: text('As the Activity Log says, e.g. "Failed".'),
    statusCode: v.optional(
      text('The HTTP status by name, e.g. "Forbidden", when the Activity Log gives it.'),
    ),
  }),
  v.title("FailedOperation"),
  v.description("An operation of the agent's identity that failed, e.g. one it was refused."),
);

export const AgentReportSchema = v.pipe(
  v.object({
    agentId: described(AgentIdSchema, "The agent's id, unique within its run, e.g. a01."),
    scenarioId: described(ScenarioIdSchema, "The scenario the agent performed."),
    outcome: described(
      v.picklist(AGENT_OUTCOMES, `expected one of ${AGENT_OUTCOMES.join(", ")}`),
      "How the agent ended.",
    ),
    deployedAt: v.optional(timestamp("When the agent was deployed.")),
    finishedAt: v.optional(timestamp("When the agent finished.")),
    durationSeconds: v.optional(count("deployedAt → finishedAt in seconds, when both are known.")),
    cleanedAt: timestamp("When cleanup finished with the agent."),
    resourceGroup: text("The agent's own resource group."),
    identity: described(
      v.object({
        displayName: text("The Entra ID application's display name."),
        appId: describedGuid("The application (client) id."),
        deleted: described(v.boolean(), "Whether cleanup deleted the identity."),
      }),
      "The Entra ID identity the agent acted as.",
    ),
    secretDeleted: described(v.boolean(), "Whether cleanup deleted the identity's secret."),
    resources: described(
      v.object({
        created: described(
          v.array(armId("A resource.")),
          "Created by the agent's identity (a succeeded PUT in the Activity Log).",
        ),
        deleted: described(
          v.array(armId("A resource.")),
          "Deleted by the agent itself, or by cleanup (its resource group included).",
        ),
        left: described(
          v.array(
            v.object({ resourceId: armId("The resource."), reason: text("Why it could not be deleted.") }),
          ),
          "What cleanup could not delete.",
        ),
      }),
      "What the agent created, and what became of it.",
    ),
    activity: described(
      v.object({
        from: timestamp("The start of the window the Activity Log was read for."),
        to: timestamp("The end of that window."),
        total: count("Operations by the agent's identity."),
        byOperation: described(
          v.record(v.string(), count("How many times.")),
          "How many operations of each name the identity performed.",
        ),
        failed: described(v.array(FailedOperationSchema), "Its operations that failed, oldest first."),
      }),
      "What the Activity Log says the agent's identity did.",
    ),
    errors: described(v.array(v.string()), "Why the agent ended as it did, and what cleanup could not do."),
  }),
  v.title("AgentReport"),
  v.description("One agent of the run: its outcome, duration, resources, identity, activity and errors."),
);

export const RunReportSchema = v.pipe(
  v.object({
    reportVersion: described(v.literal(REPORT_VERSION), "The version of this report's format."),
    runId: described(RunIdSchema, "The run's id, e.g. run-20261124-0600-k3f9."),
    status: described(
      v.picklist(["completed", "failed", "rejected"], 'expected "completed", "failed" or "rejected"'),
      '"completed" once every agent is cleaned; "failed" or "rejected" when the run as a whole did not work.',
    ),
    generatedAt: timestamp("When the report was written."),
    summary: described(
      v.object({
        agents: count("Agents in the report."),
        completed: count("Agents that completed."),
        failed: count("Agents that failed."),
        timedOut: count("Agents still running at their deadline."),
        cancelled: count("Agents cancelled."),
        leftovers: count("Resources that could not be deleted, across all agents."),
      }),
      "How the run's agents ended.",
    ),
    rejection: v.optional(
      described(
        v.object({
          requestedBy: text("Who asked for the run."),
          requestedAt: timestamp("When the run was requested."),
          failedChecks: described(
            v.array(v.object({ name: text("The check, e.g. quota."), message: text("Why it failed.") })),
            "The validation checks that rejected the run.",
          ),
        }),
        "Why validation rejected the run.",
      ),
    ),
    failure: v.optional(
      described(
        v.object({
          phase: text(`The pipeline phase that failed the run: one of ${RUN_PHASES.join(", ")}.`),
          reason: text("Why it failed."),
          failedAt: timestamp("When the run failed."),
        }),
        "Why the run as a whole failed.",
      ),
    ),
    agents: described(
      v.array(AgentReportSchema),
      "Every agent of the run that has been cleaned, by agent id.",
    ),
  }),
  v.title("RunReport"),
  v.description("The report of one run, as report.json holds it."),
);
