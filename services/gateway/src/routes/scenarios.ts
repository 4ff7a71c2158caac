// GET /api/scenarios — the catalogue as operators choose from it: id, title, area, company and roles, and
// the files that were left out and why.
import type { Scenario } from "@haymaker/contracts";
import type { Hono } from "hono";
import * as v from "valibot";
import type { GatewayDeps } from "../gateway-deps.ts";
import { honoPath, type RouteSpec } from "../openapi/route-spec.ts";
import { readAnswer } from "../read-answer.ts";

export const ScenarioSummarySchema = v.pipe(
  v.strictObject({
    id: v.string(),
    title: v.string(),
    description: v.string(),
    technologyArea: v.string(),
    company: v.strictObject({ name: v.string(), industry: v.string() }),
    roles: v.array(v.string()),
    location: v.optional(v.string()),
  }),
  v.title("ScenarioSummary"),
);
export type ScenarioSummary = v.InferOutput<typeof ScenarioSummarySchema>;

export const ScenarioListSchema = v.strictObject({
  items: v.array(ScenarioSummarySchema),
  problems: v.pipe(
    v.array(v.string()),
    v.description("Catalogue files that could not be used, each with the reason."),
  ),
});

export const listScenariosSpec: RouteSpec = {
  method: "get",
  path: "/api/scenarios",
  operationId: "listScenarios",
  summary: "The scenario catalogue",
  tag: "Scenarios",
  role: "reader",
  responses: { 200: { description: "Every usable scenario, summarised.", schema: ScenarioListSchema } },
};

export function summarise(scenario: Scenario): ScenarioSummary {
  return {
    id: scenario.id,
    title: scenario.title,
    description: scenario.description,
    technologyArea: scenario.technologyArea,
    company: { name: scenario.company.name, industry: scenario.company.industry },
    roles: [...scenario.roles],
    ...(scenario.location === undefined ? {} : { location: scenario.location }),
  };
}

export function registerScenarios(app: Hono, deps: GatewayDeps): void {
  app.get(honoPath(listScenariosSpec), async (c) => {
    const { scenarios, errors } = await deps.catalogue();
    return readAnswer(c, {
      items: [...scenarios.values()].map(summarise),
      // An operator should see that a file was left out, not wonder where a scenario went.
      problems: errors.map((e) => e.message),
    });
  });
}
