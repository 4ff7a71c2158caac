import { createHash } from "node:crypto";
import type { Problem } from "../problems.ts";
import { childPath, type JsonValue } from "./json.ts";

// Scenario resource names and request bodies are templates: "st{{unique}}", "{{location}}",
// "{{param.retentionDays}}". The agent renders them with its own run, identity and resource group, so one
// scenario file serves every run without two agents ever choosing the same name.

export const TEMPLATE_VARIABLES = [
  "run",
  "agent",
  "unique",
  "location",
  "resourceGroup",
  "subscription",
  "tenant",
  "iteration",
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type ParameterValue = string | number | boolean;

export interface TemplateContext {
  readonly run: string;
  readonly agent: string;
  /** A short per-agent suffix for names that must be unique in Azure: see uniqueSuffix. */
  readonly unique: string;
  readonly location: string;
  /** The agent's own resource group, the only one it may touch. */
  readonly resourceGroup: string;
  /** The subscription id (a GUID). */
  readonly subscription: string;
  /** The Entra tenant id (a GUID); Key Vault needs it in its body. */
  readonly tenant: string;
  /** 1 on the first pass through the operate steps, 2 on the second...; absent outside operate. */
  readonly iteration?: number | undefined;
  /** Every declared parameter's value: its default unless the run overrides it. */
  readonly params: Readonly<Record<string, ParameterValue>>;
}

/** A template names a variable or parameter the context does not have, or is malformed. */
export class TemplateError extends Error {
  override readonly name = "TemplateError";
  /** Where the template sits, e.g. "body.properties.retentionInDays"; "" for a bare value. */
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(path ? `${path}: ${reason}` : reason);
    this.path = path;
    this.reason = reason;
  }
}

export const UNIQUE_SUFFIX_LENGTH = 8;
const LETTERS = "abcdefghijklmnopqrstuvwxyz";
const LETTERS_AND_DIGITS = `${LETTERS}0123456789`;

/**
 * The {{unique}} value of an agent: 8 lowercase letters and digits, starting with a letter, derived from
 * (runId, agentId) so a redelivered event renders the same names (docs/architecture.md, reliability rules).
 */
export function uniqueSuffix(runId: string, agentId: string): string {
  const digest = createHash("sha256").update(`${runId}/${agentId}`).digest();
  let suffix = "";
  for (let index = 0; index < UNIQUE_SUFFIX_LENGTH; index++) {
    const alphabet = index === 0 ? LETTERS : LETTERS_AND_DIGITS;
    suffix += alphabet[(digest[index] ?? 0) % alphabet.length];
  }
  return suffix;
}

type Reference = { kind: "variable"; name: TemplateVariable } | { kind: "parameter"; name: string };

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{([^{}]*)\}\}$/;
const PARAMETER_REFERENCE = /^param\.([A-Za-z][A-Za-z0-9_]*)$/;
const KNOWN = `${TEMPLATE_VARIABLES.map((name) => `{{${name}}}`).join(", ")} and {{param.<name>}}`;

function isVariable(name: string): name is TemplateVariable {
  return (TEMPLATE_VARIABLES as readonly string[]).includes(name);
}

function parseReference(placeholder: string, inner: string): Reference | { problem: string } {
  const name = inner.trim();
  if (isVariable(name)) return { kind: "variable", name };
  const parameter = PARAMETER_REFERENCE.exec(name)?.[1];
  if (parameter) return { kind: "parameter", name: parameter };
  return { problem: `unknown template variable ${JSON.stringify(placeholder)}; known: ${KNOWN}` };
}

/** The references in one string, or why it is not a valid template. */
function referencesIn(text: string): { references: Reference[]; problem?: string } {
  const rest = text.replace(PLACEHOLDER, "");
  if (rest.includes("{{") || rest.includes("}}")) {
    return {
      references: [],
      problem: 'malformed placeholder: expected {{name}} with matching "{{" and "}}"',
    };
  }
  const references: Reference[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const reference = parseReference(match[0], match[1] ?? "");
    if ("problem" in reference) return { references, problem: reference.problem };
    references.push(reference);
  }
  return { references };
}

export interface TemplateScope {
  /** The parameters the scenario declares. */
  readonly parameters: ReadonlySet<string>;
  /** Whether {{iteration}} is available (operate steps only). */
  readonly iteration: boolean;
}

/**
 * Static check of every string in a value: each placeholder names a known variable or a declared
 * parameter, and {{iteration}} appears only where the scope allows it. Used when a scenario is loaded, so
 * a typo fails in CI instead of in an agent hours into a run.
 */
export function templateProblems(value: JsonValue, path: string, scope: TemplateScope): Problem[] {
  if (typeof value === "string") {
    const { references, problem } = referencesIn(value);
    if (problem) return [{ path, reason: problem }];
    const problems: Problem[] = [];
    for (const reference of references) {
      if (reference.kind === "parameter" && !scope.parameters.has(reference.name)) {
        problems.push({
          path,
          reason: `unknown parameter "{{param.${reference.name}}}": declare "${reference.name}" under parameters`,
        });
      }
      if (reference.kind === "variable" && reference.name === "iteration" && !scope.iteration) {
        problems.push({ path, reason: "{{iteration}} is only available in operate steps" });
      }
    }
    return problems;
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => templateProblems(item, childPath(path, index), scope));
  }
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) =>
      templateProblems(item, childPath(path, key), scope),
    );
  }
  return [];
}

function resolve(reference: Reference, context: TemplateContext, path: string): ParameterValue {
  if (reference.kind === "parameter") {
    if (!Object.hasOwn(context.params, reference.name)) {
      throw new TemplateError(path, `unknown parameter "{{param.${reference.name}}}"`);
    }
    return context.params[reference.name] as ParameterValue;
  }
  if (reference.name === "iteration") {
    if (context.iteration === undefined) {
      throw new TemplateError(path, "{{iteration}} is only available in operate steps");
    }
    return context.iteration;
  }
  return context[reference.name];
}

function renderString(text: string, context: TemplateContext, path: string): JsonValue {
  const { references, problem } = referencesIn(text);
  if (problem) throw new TemplateError(path, problem);
  if (references.length === 0) return text;
  // A string that is exactly one placeholder takes the value's own type, so `retentionInDays:
  // "{{param.days}}"` sends the number 30, not the string "30", which not every resource provider accepts.
  const [first] = references;
  if (first && references.length === 1 && WHOLE_PLACEHOLDER.test(text)) return resolve(first, context, path);
  let index = 0;
  return text.replace(PLACEHOLDER, () => {
    const reference = references[index++];
    if (!reference) throw new TemplateError(path, "placeholder count changed while rendering");
    return String(resolve(reference, context, path));
  });
}

/**
 * Renders every string in a value (deeply, through lists and maps; keys are left as written). Throws a
 * TemplateError naming the path and the unknown variable or parameter.
 */
export function renderTemplate(value: JsonValue, context: TemplateContext, path = ""): JsonValue {
  if (typeof value === "string") return renderString(value, context, path);
  if (Array.isArray(value))
    return value.map((item, index) => renderTemplate(item, context, childPath(path, index)));
  if (value !== null && typeof value === "object") {
    const rendered: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value)) {
      rendered[key] = renderTemplate(item, context, childPath(path, key));
    }
    return rendered;
  }
  return value;
}

/**
 * Values that stand in for a real agent's when names are checked at load time. Each is as long as the real
 * one can be, so a name that fits here fits in every run.
 */
export function sampleTemplateContext(
  params: Readonly<Record<string, ParameterValue>>,
  iteration?: number,
): TemplateContext {
  return {
    run: "run-20261124-0600-k3f9q7x2m5n8p1",
    agent: "agent-k3f9q7x2m5n8p1w4z6y0v2t5r8",
    unique: "k3f9q7x2",
    location: "germanywestcentral",
    resourceGroup: "haymaker-run-20261124-0600-k3f9q7x2m5n8p1-agent-k3f9q7x2m5n8p1w4z6y0v2t5r8",
    subscription: "00000000-0000-0000-0000-000000000000",
    tenant: "00000000-0000-0000-0000-000000000000",
    iteration,
    params,
  };
}
