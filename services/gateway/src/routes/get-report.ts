// GET /api/executions/{id}/report — the run's report once written: JSON by default, the Markdown with
// ?format=markdown.
import { RunIdSchema } from "@haymaker/contracts";
import { ReportNotFoundError } from "@haymaker/stores";
import type { Hono } from "hono";
import * as v from "valibot";
import { apiError } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { RunReportSchema } from "../openapi/report-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswerText } from "../read-answer.ts";
import { pathParam, pathParams } from "./read-query.ts";

export const getReportSpec: RouteSpec = {
  method: "get",
  path: "/api/executions/{id}/report",
  operationId: "getExecutionReport",
  summary: "An execution's report",
  tag: "Executions",
  role: "reader",
  pathParams: { id: pathParams.executionId },
  query: v.strictObject({ format: v.optional(v.picklist(["json", "markdown"])) }),
  responses: {
    200: {
      description: "The report: JSON, or text/markdown with format=markdown.",
      schema: RunReportSchema,
    },
    404: { description: "The execution has no report (yet).", schema: ErrorEnvelopeSchema },
  },
};

export function registerGetReport(app: Hono, deps: GatewayDeps): void {
  app.get(honoPath(getReportSpec), async (c) => {
    const id = pathParam(c, "id");
    if (!v.is(RunIdSchema, id)) {
      return apiError(c, 400, "InvalidExecutionId", "An execution id looks like run-20261124-060000-ab12.");
    }
    const format = c.req.query("format") ?? "json";
    if (format !== "json" && format !== "markdown") {
      return apiError(c, 400, "InvalidQuery", 'format must be "json" or "markdown".', [
        { path: "format", reason: 'expected "json" or "markdown"' },
      ]);
    }
    const refs = (await deps.projections.getExecution(id))?.execution.report;
    if (refs === undefined) return apiError(c, 404, "ReportNotFound", `Execution ${id} has no report yet.`);
    try {
      const text = await deps.reports.get(format === "json" ? refs.json : refs.markdown);
      return readAnswerText(c, text, format === "json" ? "application/json" : "text/markdown");
    } catch (error) {
      if (error instanceof ReportNotFoundError) {
        return apiError(c, 404, "ReportNotFound", `Execution ${id}'s report is not readable here yet.`);
      }
      throw error;
    }
  });
}
