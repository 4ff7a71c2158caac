import { TemplateError } from "./templates.ts";

// How a step's resource maps onto ARM. A type "Microsoft.Storage/storageAccounts/blobServices/containers"
// has three type segments after its namespace, so its name is three "/"-separated names, one per segment:
// "st{{unique}}/default/manifests". Names are always relative to the agent's resource group, which is
// what keeps an agent inside it.

export const ARM_ACTIONS = ["put", "patch", "get", "post", "delete", "list"] as const;
export type ArmAction = (typeof ARM_ACTIONS)[number];

export const RESOURCE_TYPE_PATTERN =
  /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)+(?:\/[A-Za-z][A-Za-z0-9]*)+$/;

export interface ParsedResourceType {
  /** "Microsoft.Storage" */
  readonly namespace: string;
  /** ["storageAccounts", "blobServices", "containers"] */
  readonly segments: readonly string[];
}

export function parseResourceType(type: string): ParsedResourceType {
  const [namespace = "", ...segments] = type.split("/");
  return { namespace, segments };
}

/** How many names a step's resource.name holds: one per type segment, one fewer for a list (its parent). */
export function expectedNameCount(type: string, action: ArmAction): number {
  const { segments } = parseResourceType(type);
  return action === "list" ? segments.length - 1 : segments.length;
}

interface NameRule {
  readonly pattern: RegExp;
  readonly description: string;
}

// Any ARM name segment: generous on purpose (each resource provider has its own rules); the special cases
// are the providers whose stricter rules scenario authors trip over most.
const GENERIC_NAME: NameRule = {
  pattern: /^[A-Za-z0-9_.-]{1,64}$/,
  description: "1-64 letters, digits, '-', '_' or '.'",
};
const ALPHANUMERIC_5_TO_50: NameRule = {
  pattern: /^[A-Za-z0-9]{5,50}$/,
  description: "5-50 letters and digits (no hyphens)",
};
const SPECIAL_NAMES: Readonly<Record<string, NameRule>> = {
  "microsoft.storage/storageaccounts": {
    pattern: /^[a-z0-9]{3,24}$/,
    description: "3-24 lowercase letters and digits (no hyphens), unique across Azure",
  },
  "microsoft.keyvault/vaults": {
    pattern: /^(?!.*--)[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/,
    description: "3-24 letters, digits and single hyphens, starting with a letter, unique across Azure",
  },
  "microsoft.containerregistry/registries": ALPHANUMERIC_5_TO_50,
  "microsoft.containerregistry/registries/webhooks": ALPHANUMERIC_5_TO_50,
};

const ABSOLUTE_REFERENCE = /^\/|(?:^|\/)(?:subscriptions|resourceGroups|providers)\//i;

/**
 * Why a (rendered) resource name cannot be used with this type and action, or undefined if it can.
 * `name` is undefined when the step gives none.
 */
export function resourceNameProblem(
  type: string,
  name: string | undefined,
  action: ArmAction,
): string | undefined {
  const expected = expectedNameCount(type, action);
  if (name !== undefined && ABSOLUTE_REFERENCE.test(name)) {
    return "resource names are relative to the agent's resource group: give the resource's own name (e.g. \"st{{unique}}\"), not an ARM id or path";
  }
  if (expected === 0) {
    return name === undefined
      ? undefined
      : `a list of a top-level type takes no name: it lists the resource group's ${type}`;
  }
  if (name === undefined) {
    return action === "list"
      ? `expected the name of the parent whose ${type} to list (${expected} "/"-separated names)`
      : "expected a name";
  }
  const names = name.split("/");
  const { namespace, segments } = parseResourceType(type);
  if (names.length !== expected) {
    const what = action === "list" ? `the parent ${segments.slice(0, expected).join("/")}` : type;
    return `expected ${expected} "/"-separated name${expected === 1 ? "" : "s"} for ${what} (one per type segment after the namespace), got ${names.length}`;
  }
  for (const [index, segment] of names.entries()) {
    if (segment === "." || segment === "..") return `"${segment}" is not a resource name`;
    const prefix = [namespace, ...segments.slice(0, index + 1)].join("/");
    const rule = SPECIAL_NAMES[prefix.toLowerCase()] ?? GENERIC_NAME;
    if (!rule.pattern.test(segment)) {
      const which = names.length > 1 ? ` (name ${index + 1}, for ${segments[index]})` : "";
      return `expected ${rule.description}${which}, got ${JSON.stringify(segment)}`;
    }
  }
  return undefined;
}

export interface ArmScope {
  readonly subscription: string;
  readonly resourceGroup: string;
}

export interface ArmTarget {
  readonly action: ArmAction;
  readonly type: string;
  /** The rendered name (see resourceNameProblem). */
  readonly name?: string | undefined;
  /** The action of a post, e.g. "regenerateKey". */
  readonly operation?: string | undefined;
}

/**
 * The ARM path (without host and api-version) a rendered step calls, always inside the agent's resource
 * group: a resource, a collection for list, or a resource's action for post. Checks the name again,
 * because parameter values chosen by a run are only known when the agent renders them.
 */
export function armRequestPath(scope: ArmScope, target: ArmTarget): string {
  const problem = resourceNameProblem(target.type, target.name, target.action);
  if (problem) throw new TemplateError("resource.name", problem);
  const { namespace, segments } = parseResourceType(target.type);
  const names = target.name === undefined ? [] : target.name.split("/");
  let path = `/subscriptions/${encodeURIComponent(scope.subscription)}/resourceGroups/${encodeURIComponent(scope.resourceGroup)}/providers/${namespace}`;
  for (const [index, segment] of segments.entries()) {
    path += `/${segment}`;
    const name = names[index];
    if (name !== undefined) path += `/${encodeURIComponent(name)}`;
  }
  if (target.action === "post") {
    if (!target.operation) throw new TemplateError("operation", "a post needs an operation");
    path += `/${encodeURIComponent(target.operation)}`;
  }
  return path;
}
