// GET /api/scenarios — the catalogue as operators choose from it: id, title, area, company and roles.
import type { Scenario } from "@haymaker/contracts";
import type { Hono } from "hono";
import type { GatewayDeps } from "../gateway-deps.ts";

export interface ScenarioSummary {
  id: string;
  title: string;
  description: string;
  technologyArea: string;
  company: { name: string; industry: string };
  roles: string[];
  location: string | undefined;
}

export function summarise(scenario: Scenario): ScenarioSummary {
  return {
    id: scenario.id,
    title: scenario.title,
    description: scenario.description,
    technologyArea: scenario.technologyArea,
    company: { name: scenario.company.name, industry: scenario.company.industry },
    roles: [...scenario.roles],
    location: scenario.location,
  };
}

export function registerScenarios(app: Hono, deps: GatewayDeps): void {
  app.get("/api/scenarios", async (c) => {
    const { scenarios, errors } = await deps.catalogue();
    return c.json({
      items: [...scenarios.values()].map(summarise),
      // An operator should see that a file was left out, not wonder where a scenario went.
      problems: errors.map((e) => e.message),
    });
  });
}
