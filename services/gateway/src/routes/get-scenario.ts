// GET /api/scenarios/{id} — one scenario as the catalogue holds it: its company, roles, parameters and
// every deploy, operate and cleanup step.
import { ScenarioFieldsSchema, ScenarioIdSchema } from "@haymaker/contracts";
import type { Hono } from "hono";
import * as v from "valibot";
import { apiError } from "../errors.ts";
import type { GatewayDeps } from "../gateway-deps.ts";
import { ErrorEnvelopeSchema } from "../openapi/error-schema.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";
import { pathParam } from "./read-query.ts";

export const getScenarioSpec: RouteSpec = {
  method: "get",
  path: "/api/scenarios/{id}",
  operationId: "getScenario",
  summary: "One scenario, whole",
  tag: "Scenarios",
  role: "reader",
  pathParams: { id: { schema: ScenarioIdSchema, description: "A scenario id, e.g. nsg-rule-tuning." } },
  responses: {
    200: { description: "The scenario.", schema: v.pipe(ScenarioFieldsSchema, v.title("Scenario")) },
    404: { description: "The catalogue has no such scenario.", schema: ErrorEnvelopeSchema },
  },
};

export function registerGetScenario(app: Hono, deps: GatewayDeps): void {
  app.get(honoPath(getScenarioSpec), async (c) => {
    const id = pathParam(c, "id");
    if (!v.is(ScenarioIdSchema, id)) {
      return apiError(c, 400, "InvalidScenarioId", "A scenario id looks like nsg-rule-tuning.", [
        { path: "id", reason: "expected lowercase letters, digits and hyphens" },
      ]);
    }
    const { scenarios, errors } = await deps.catalogue();
    const scenario = scenarios.get(id);
    if (scenario === undefined) {
      const broken = errors.some((error) => error.message.includes(`${id}.yaml`));
      return apiError(
        c,
        404,
        "ScenarioNotFound",
        broken
          ? `The scenario file ${id}.yaml has errors, so the catalogue left it out; see GET /api/scenarios.`
          : `The catalogue has no scenario ${id}; GET /api/scenarios lists them.`,
      );
    }
    return readAnswer(c, scenario);
  });
}
