import { isJsonObject, type JsonObject } from "./json.ts";
import { type ArmAction, armRequestPath } from "./names.ts";
import { bodyProblems, ownResourceGroupPrefix, securityDowngradeProblems } from "./safety.ts";
import type { ArmStep } from "./schema.ts";
import { renderTemplate, type TemplateContext, TemplateError } from "./templates.ts";

/** One ARM request, ready to send: what the agent gets from a scenario step. */
export interface RenderedArmStep {
  /** The step's human label. */
  readonly name: string;
  readonly action: ArmAction;
  readonly type: string;
  readonly apiVersion: string;
  /** The rendered resource name ("/"-separated for nested types); absent for a top-level list. */
  readonly resourceName: string | undefined;
  /** The ARM path inside the agent's resource group, without host and api-version. */
  readonly path: string;
  readonly operation: string | undefined;
  readonly body: JsonObject | undefined;
  /** Accepted statuses; undefined means any 2xx. */
  readonly expectStatus: readonly number[] | undefined;
  readonly optional: boolean;
}

/**
 * Renders a step for one agent and checks it again with the real values: parameters a run sets are only
 * known now, so names, references and settings are re-checked before anything reaches ARM.
 * Throws TemplateError (path and reason) on an unknown variable or a rule the rendered request breaks.
 */
export function renderStep(step: ArmStep, context: TemplateContext): RenderedArmStep {
  const renderedName =
    step.resource.name === undefined
      ? undefined
      : renderTemplate(step.resource.name, context, "resource.name");
  const resourceName = renderedName === undefined ? undefined : String(renderedName);
  const operation = step.action === "post" ? step.operation : undefined;
  const path = armRequestPath(context, {
    action: step.action,
    type: step.resource.type,
    name: resourceName,
    operation,
  });

  let body: JsonObject | undefined;
  if ("body" in step && step.body !== undefined) {
    const rendered = renderTemplate(step.body, context, "body");
    if (!isJsonObject(rendered)) throw new TemplateError("body", "expected the rendered body to be a map");
    const [problem] = [
      ...bodyProblems(rendered, "body", ownResourceGroupPrefix(context.subscription, context.resourceGroup)),
      ...securityDowngradeProblems(rendered, "body"),
    ];
    if (problem) throw new TemplateError(problem.path, problem.reason);
    body = rendered;
  }
  return {
    name: step.name,
    action: step.action,
    type: step.resource.type,
    apiVersion: step.resource.apiVersion,
    resourceName,
    path,
    operation,
    body,
    expectStatus: step.expect?.status,
    optional: step.optional,
  };
}
