// The `$filter` that ResourceManagementClient.resources.list / listByResourceGroup and
// resourceGroups.list send: tagName/tagValue, resourceType, name. Tag names compare case-insensitively
// as in ARM; values exactly.
import type { ArmResource } from "../store/resource-store.ts";
import { parseFilter } from "./filter.ts";

export function resourceFilter(filter: string | undefined): ((r: ArmResource) => boolean) | string {
  const clauses = parseFilter(filter);
  if (typeof clauses === "string") return clauses;
  const tests: ((r: ArmResource) => boolean)[] = [];
  let tagName: string | undefined;
  for (const clause of clauses) {
    if (clause.op !== "eq") return `Only eq is supported on ${clause.field}.`;
    if (clause.field === "tagname") tagName = clause.value.toLowerCase();
    else if (clause.field === "tagvalue") {
      if (tagName === undefined) return "tagValue must follow tagName.";
      const name = tagName;
      const value = clause.value;
      tests.push((r) => tagOf(r, name) === value);
    } else if (clause.field === "resourcetype") {
      const type = clause.value.toLowerCase();
      tests.push((r) => r.type.toLowerCase() === type);
    } else if (clause.field === "name") {
      const name = clause.value.toLowerCase();
      tests.push((r) => r.name.toLowerCase() === name);
    } else return `Filtering on ${clause.field} is not supported.`;
  }
  if (tagName !== undefined && !clauses.some((c) => c.field === "tagvalue")) {
    const name = tagName;
    tests.push((r) => tagOf(r, name) !== undefined);
  }
  return (r) => tests.every((test) => test(r));
}

function tagOf(resource: ArmResource, lowerName: string): string | undefined {
  for (const [name, value] of Object.entries(resource.tags ?? {})) {
    if (name.toLowerCase() === lowerName) return value;
  }
  return undefined;
}
