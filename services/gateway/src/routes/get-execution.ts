// GET /api/executions/{id} — one run as the projections know it: status, each agent's stage, progress and
// outcome, and once written the report (its refs and its JSON content).
import { RunIdSchema } from "@haymaker/contracts";
import { ReportNotFoundError } from "@haymaker/stores";
import type { Hono } from "hono";
import * as v from "valibot";
import { apiError } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";

export function registerGetExecution(app: Hono, deps: GatewayDeps): void {
  app.get("/api/executions/:id", async (c) => {
    const id = c.req.param("id");
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
    return c.json({ ...execution, report: await reportContent(deps, execution.execution.report?.json) });
  });
}

async function reportContent(deps: GatewayDeps, ref: string | undefined): Promise<unknown> {
  if (ref === undefined) return undefined;
  try {
    return JSON.parse(await deps.reports.get(ref));
  } catch (error) {
    // The projection may know of a report before its file is readable here; the refs still tell where.
    if (error instanceof ReportNotFoundError) return undefined;
    throw error;
  }
}
