// The scenario this agent performs, with the run's parameter values, checked in full before anything is
// touched: a bad override or a name it renders invalid is a configuration error (exit 2), not a failed step
// discovered halfway through a deploy.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "@haymaker/config";
import {
  describeValue,
  looksLikeSecret,
  type ParameterValue,
  parseScenario,
  renderStep,
  SCENARIO_FILE_EXTENSION,
  type Scenario,
  ScenarioError,
  type ScenarioParameter,
  STEP_PHASES,
  type TemplateContext,
  TemplateError,
  uniqueSuffix,
} from "@haymaker/contracts";
import { type AgentConfig, SERVICE } from "./config.ts";

export interface ScenarioPlan {
  scenario: Scenario;
  /** Everything but {{iteration}}, which the operate loop adds. */
  context: TemplateContext;
}

/** The scenario's parameter values: its defaults, with the run's overrides checked against each declaration. */
export function parameterValues(
  declared: Readonly<Record<string, ScenarioParameter>>,
  overrides: Readonly<Record<string, ParameterValue>>,
): { values: Record<string, ParameterValue>; problems: string[] } {
  const values: Record<string, ParameterValue> = {};
  const problems: string[] = [];
  for (const [name, parameter] of Object.entries(declared)) values[name] = parameter.default;
  for (const [name, value] of Object.entries(overrides)) {
    const parameter = declared[name];
    const where = `HAYMAKER_SCENARIO_PARAMETERS.${name}`;
    if (parameter === undefined) {
      const known = Object.keys(declared);
      problems.push(
        `${where}: the scenario has no such parameter; ${known.length ? `it declares ${known.join(", ")}` : "it declares none"}`,
      );
      continue;
    }
    const problem = parameterProblem(parameter, value, name);
    if (problem) problems.push(`${where}: ${problem}`);
    else values[name] = value;
  }
  return { values, problems };
}

function parameterProblem(
  parameter: ScenarioParameter,
  value: ParameterValue,
  name: string,
): string | undefined {
  const got = describeValue(value, name);
  if (parameter.type === "integer" && !Number.isSafeInteger(value)) return `expected an integer, got ${got}`;
  if (parameter.type === "boolean" && typeof value !== "boolean") return `expected true or false, got ${got}`;
  if (parameter.type === "string") {
    if (typeof value !== "string") return `expected a string, got ${got}`;
    if (value.includes("{{") || value.includes("}}")) return "must not contain {{ or }}";
    if (looksLikeSecret(value)) return "must not be a secret";
  }
  if (
    (parameter.type === "string" || parameter.type === "integer") &&
    parameter.allowed !== undefined &&
    !(parameter.allowed as readonly ParameterValue[]).includes(value)
  ) {
    return `expected one of ${parameter.allowed.map((allowed) => describeValue(allowed)).join(", ")}, got ${got}`;
  }
  return undefined;
}

/** Every step rendered once with the real values (operate with iteration 1), so a problem shows up now. */
function renderProblems(scenario: Scenario, context: TemplateContext): string[] {
  const problems: string[] = [];
  for (const phase of STEP_PHASES) {
    for (const [index, step] of scenario.steps[phase].entries()) {
      if (step.action === "pause") continue;
      try {
        renderStep(step, phase === "operate" ? { ...context, iteration: 1 } : context);
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        problems.push(
          `HAYMAKER_SCENARIO_PARAMETERS: with these values, steps.${phase}[${index}] ("${step.name}") ${error.message}`,
        );
      }
    }
  }
  return problems;
}

async function readScenario(config: AgentConfig): Promise<Scenario> {
  const file = join(config.scenariosDirectory, `${config.scenarioId}${SCENARIO_FILE_EXTENSION}`);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(SERVICE, [
      code === "ENOENT"
        ? `HAYMAKER_SCENARIO_ID: no scenario "${config.scenarioId}" in HAYMAKER_SCENARIOS_DIR (${file} does not exist)`
        : `HAYMAKER_SCENARIOS_DIR: cannot read ${file} (${code ?? "unknown error"})`,
    ]);
  }
  try {
    return parseScenario(text, file);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    throw new ConfigError(SERVICE, [
      `HAYMAKER_SCENARIO_ID: the scenario file is invalid:\n    ${error.message}`,
    ]);
  }
}

/** Loads and checks the scenario for this agent; throws ConfigError (exit 2) on any problem. */
export async function loadScenarioPlan(config: AgentConfig): Promise<ScenarioPlan> {
  const scenario = await readScenario(config);
  const { values, problems } = parameterValues(scenario.parameters, config.parameterOverrides);
  if (problems.length > 0) throw new ConfigError(SERVICE, problems);
  const context: TemplateContext = {
    run: config.runId,
    agent: config.agentId,
    unique: uniqueSuffix(config.runId, config.agentId),
    location: config.location ?? scenario.location,
    resourceGroup: config.resourceGroup,
    subscription: config.subscriptionId,
    tenant: config.tenantId,
    params: values,
  };
  const renderErrors = renderProblems(scenario, context);
  if (renderErrors.length > 0) throw new ConfigError(SERVICE, renderErrors);
  return { scenario, context };
}
