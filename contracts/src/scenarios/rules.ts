import type { Problem } from "../problems.ts";
import { childPath, type JsonValue } from "./json.ts";
import { parseResourceType, resourceNameProblem } from "./names.ts";
import {
  bodyProblems,
  OWN_RESOURCE_GROUP_TEMPLATE,
  refusedOperationReason,
  refusedRoleReason,
  refusedTypeReason,
  securityDowngradeProblems,
} from "./safety.ts";
import type { ArmStep, OperateStep, Scenario, StepPhase } from "./schema.ts";
import {
  type ParameterValue,
  renderTemplate,
  sampleTemplateContext,
  type TemplateContext,
  templateProblems,
} from "./templates.ts";

// Rules across fields of a scenario that has the right shape: templates, names, safety and cleanup.

const SAMPLE_ITERATION = 9999;

interface PhaseStep {
  readonly phase: StepPhase;
  readonly index: number;
  readonly path: string;
  readonly step: ArmStep;
}

function isArmStep(step: OperateStep): step is ArmStep {
  return step.action !== "pause";
}

function armSteps(scenario: Scenario): PhaseStep[] {
  const steps: PhaseStep[] = [];
  for (const phase of ["deploy", "operate", "cleanup"] as const) {
    for (const [index, step] of (scenario.steps[phase] as OperateStep[]).entries()) {
      if (isArmStep(step)) steps.push({ phase, index, path: `steps.${phase}[${index}]`, step });
    }
  }
  return steps;
}

/**
 * Parameter values to render samples with: the defaults, then each allowed value in turn, so a name that
 * breaks only with one allowed value is still caught.
 */
function sampleParameterSets(scenario: Scenario): Record<string, ParameterValue>[] {
  const defaults: Record<string, ParameterValue> = {};
  for (const [name, parameter] of Object.entries(scenario.parameters)) defaults[name] = parameter.default;
  const sets = [defaults];
  for (const [name, parameter] of Object.entries(scenario.parameters)) {
    if (parameter.type === "boolean") continue;
    for (const value of parameter.allowed ?? []) {
      if (value !== parameter.default) sets.push({ ...defaults, [name]: value });
    }
  }
  return sets;
}

function firstPerPath(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => !seen.has(problem.path) && seen.add(problem.path));
}

function stepProblems(entry: PhaseStep, scenario: Scenario, samples: TemplateContext[]): Problem[] {
  const { step, path, phase } = entry;
  const problems: Problem[] = [];
  const refusedType = refusedTypeReason(step.resource.type, step.action);
  if (refusedType) problems.push({ path: `${path}.resource.type`, reason: refusedType });
  if (step.action === "post") {
    const refusedOperation = refusedOperationReason(step.operation);
    if (refusedOperation) problems.push({ path: `${path}.operation`, reason: refusedOperation });
  }

  const scope = { parameters: new Set(Object.keys(scenario.parameters)), iteration: phase === "operate" };
  const namePath = `${path}.resource.name`;
  const nameTemplateProblems =
    step.resource.name === undefined ? [] : templateProblems(step.resource.name, namePath, scope);
  problems.push(...nameTemplateProblems);
  if (nameTemplateProblems.length === 0) {
    for (const sample of samples) {
      const rendered =
        step.resource.name === undefined ? undefined : renderTemplate(step.resource.name, sample);
      const reason = resourceNameProblem(
        step.resource.type,
        rendered === undefined ? undefined : String(rendered),
        step.action,
      );
      if (reason) problems.push({ path: namePath, reason });
    }
  }

  const body = "body" in step ? step.body : undefined;
  if (body !== undefined) {
    const bodyPath = `${path}.body`;
    const bodyTemplateProblems = templateProblems(body, bodyPath, scope);
    problems.push(...bodyTemplateProblems, ...bodyProblems(body, bodyPath, OWN_RESOURCE_GROUP_TEMPLATE));
    if (bodyTemplateProblems.length === 0) {
      for (const sample of samples) {
        problems.push(...securityDowngradeProblems(renderTemplate(body, sample), bodyPath));
      }
    }
  }
  return firstPerPath(problems);
}

function normalizedName(name: string | undefined): string {
  return (name ?? "").replace(/\{\{\s*([^{}]*?)\s*\}\}/g, "{{$1}}").toLowerCase();
}

/** Every top-level resource a scenario puts must be deleted by its cleanup, by the same type and name. */
function cleanupProblems(steps: readonly PhaseStep[]): Problem[] {
  const deleted = new Set(
    steps
      .filter(({ phase, step }) => phase === "cleanup" && step.action === "delete")
      .map(({ step }) => `${step.resource.type.toLowerCase()} ${normalizedName(step.resource.name)}`),
  );
  const problems: Problem[] = [];
  const required = new Set<string>();
  for (const { step, path } of steps) {
    if (step.action !== "put" || parseResourceType(step.resource.type).segments.length !== 1) continue;
    const key = `${step.resource.type.toLowerCase()} ${normalizedName(step.resource.name)}`;
    if (deleted.has(key) || required.has(key)) continue;
    required.add(key);
    const what = `${step.resource.type} ${JSON.stringify(step.resource.name ?? "")}`;
    problems.push(
      normalizedName(step.resource.name).includes("{{iteration}}")
        ? {
            path: `${path}.resource.name`,
            reason: `a top-level resource may not be named after {{iteration}}: cleanup could not name ${what} to delete it`,
          }
        : {
            path: "steps.cleanup",
            reason: `expected a delete of ${what}, which ${path} creates: cleanup must remove every top-level resource a scenario puts`,
          },
    );
  }
  return problems;
}

function phaseProblems(scenario: Scenario): Problem[] {
  const problems: Problem[] = [];
  if (!scenario.steps.deploy.some((step) => step.action === "put")) {
    problems.push({
      path: "steps.deploy",
      reason: "expected at least one put: a scenario deploys something",
    });
  }
  const operate = scenario.steps.operate;
  if (!operate.some((step) => step.action === "pause")) {
    problems.push({
      path: "steps.operate",
      reason: "expected at least one pause: operate repeats until the deadline and must space its calls out",
    });
  }
  if (!operate.some((step) => step.action !== "pause")) {
    problems.push({ path: "steps.operate", reason: "expected at least one step besides pauses" });
  }
  return problems;
}

function parameterProblems(scenario: Scenario): Problem[] {
  const problems: Problem[] = [];
  for (const [name, parameter] of Object.entries(scenario.parameters)) {
    const path = childPath("parameters", name);
    const values: JsonValue[] = [
      parameter.default,
      ...(parameter.type === "boolean" ? [] : (parameter.allowed ?? [])),
    ];
    if (values.some((value) => typeof value === "string" && /\{\{|\}\}/.test(value))) {
      problems.push({ path, reason: "parameter values are not templates: they must not contain {{ or }}" });
    }
  }
  return problems;
}

/** Everything wrong with a well-shaped scenario read from `<expectedId>.yaml`. */
export function scenarioProblems(scenario: Scenario, expectedId: string): Problem[] {
  const problems: Problem[] = [];
  if (scenario.id !== expectedId) {
    problems.push({
      path: "id",
      reason: `expected ${JSON.stringify(expectedId)}, the file name without ".yaml", got ${JSON.stringify(scenario.id)}`,
    });
  }
  for (const [index, role] of scenario.roles.entries()) {
    const reason = refusedRoleReason(role);
    if (reason) problems.push({ path: `roles[${index}]`, reason });
  }
  problems.push(...parameterProblems(scenario), ...phaseProblems(scenario));
  const steps = armSteps(scenario);
  const parameterSets = sampleParameterSets(scenario);
  for (const entry of steps) {
    const iteration = entry.phase === "operate" ? SAMPLE_ITERATION : undefined;
    const samples = parameterSets.map((params) => sampleTemplateContext(params, iteration));
    problems.push(...stepProblems(entry, scenario, samples));
  }
  problems.push(...cleanupProblems(steps));
  return problems;
}
