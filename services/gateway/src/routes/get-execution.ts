// GET /api/executions/{id} — one run as the projections know it: status, each agent's stage, progress and
// outcome, and once written the report (its refs and its JSON content).
import { RunIdSchema } from "@haymaker/contracts";
import { ExecutionWithAgentsSchema } from "@haymaker/projections";
import { ReportNotFoundError } from "@haymaker/stores";
import type { Hono } from "hono";
import * as v from "valibot";
import { apiError } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { RunReportSchema } from "../openapi/report-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { pathParam, pathParams } from "./read-query.ts";

export const getExecutionSpec: RouteSpec = {
  method: "get",
  path: "/api/executions/{id}",
  operationId: "getExecution",
  summary: "One execution with its agents",
  tag: "Executions",
  role: "reader",
  pathParams: { id: pathParams.executionId },
  responses: {
    200: {
      description: "The run, each agent's stage, progress and outcome, and the report once written.",
      schema: v.intersect([ExecutionWithAgentsSchema, v.object({ report: v.optional(RunReportSchema) })]),
    },
    404: { description: "No such execution (yet).", schema: ErrorEnvelopeSchema },
  },
};

/** A run in one of these has its last report written: it will not change, so it is kept in memory. */
const FINAL = new Set(["rejected", "completed", "failed", "cancelled"]);
const REPORTS_KEPT = 256;

export function registerGetExecution(app: Hono, deps: GatewayDeps): void {
  const finalReports = new Map<string, unknown>();
  const reportOf = async (ref: string | undefined, status: string): Promise<unknown> => {
    if (ref === undefined) return undefined;
    const kept = finalReports.get(ref);
    if (kept !== undefined) return kept;
    const report = await reportContent(deps, ref);
    if (report !== undefined && FINAL.has(status)) {
      if (finalReports.size >= REPORTS_KEPT) finalReports.delete(finalReports.keys().next().value as string);
      finalReports.set(ref, report);
    }
    return report;
  };
  app.get(honoPath(getExecutionSpec), async (c) => {
    const id = pathParam(c, "id");
    if (!v.is(RunIdSchema, id)) {
      return apiError(c, 400, "InvalidExecutionId", "An execution id looks like run-20261124-060000-ab12.", [
        {
          path: "id",
          reason: "expected a run id: lowercase letters, digits and hyphens, at most 32 characters",
        },
      ]);
    }
    const execution = await deps.projections.getExecution(id);
    if (execution === undefined) {
      return apiError(
        c,
        404,
        "ExecutionNotFound",
        `No execution ${id} is known (yet: a new one appears within moments).`,
      );
    }
    const report = await reportOf(execution.execution.report?.json, execution.execution.status);
    return readAnswer(c, { ...execution, report });
  });
}

async function reportContent(deps: GatewayDeps, ref: string): Promise<unknown> {
  try {
    return JSON.parse(await deps.reports.get(ref));
  } catch (error) {
    // The projection may know of a report before its file is readable here; the refs still tell where.
    if (error instanceof ReportNotFoundError) return undefined;
    throw error;
  }
}
